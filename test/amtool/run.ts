import { spawn } from 'node:child_process';
import { AMTOOL_BIN } from '../support/binaries.js';

export interface AmtoolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the real amtool asynchronously (the server under test lives in this process and must keep answering),
 * with a private HOME so no user amtool config applies, and UTC so printed times are predictable.
 */
export function runAmtool(args: string[], home: string, stdin?: string): Promise<AmtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(AMTOOL_BIN, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, USER: 'tester', TZ: 'UTC' },
      timeout: 20_000,
    });
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
