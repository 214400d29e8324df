import { type ChildProcess, type SpawnOptionsWithoutStdio, spawn } from 'node:child_process';

/**
 * Kill a server child (redis-server, Alertmanager, Prometheus) when this process exits, so a test or benchmark
 * that crashes does not leave it running on the machine. The listener goes once the child has exited.
 */
export function killOnExit(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a command to completion and collect its exit code and output, asynchronously: a server under test may live
 * in this process and must keep answering. `stdin` is written and closed (closed empty when not given).
 */
export function runCommand(
  command: string,
  args: string[],
  { stdin, ...options }: SpawnOptionsWithoutStdio & { stdin?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
