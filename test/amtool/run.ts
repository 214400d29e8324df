import { AMTOOL_BIN } from '../support/binaries.js';
import { type CommandResult, runCommand } from '../support/children.js';

/**
 * Run the real amtool asynchronously (the server under test lives in this process and must keep answering),
 * with a private HOME so no user amtool config applies, and UTC so printed times are predictable.
 */
export function runAmtool(args: string[], home: string, stdin?: string): Promise<CommandResult> {
  return runCommand(AMTOOL_BIN, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, USER: 'tester', TZ: 'UTC' },
    timeout: 20_000,
    stdin,
  });
}
