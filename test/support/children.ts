import type { ChildProcess } from 'node:child_process';

/**
 * Kill a server child (redis-server, Alertmanager, Prometheus) when this process exits, so a test or benchmark
 * that crashes does not leave it running on the machine. The listener goes once the child has exited.
 */
export function killOnExit(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}
