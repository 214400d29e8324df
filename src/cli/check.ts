/** `klaxon check …`: offline validation of configuration files. */
import { Command, type CommanderError } from 'commander';
import { checkConfigCommand } from './check-config.js';
import { checkRulesCommand } from './check-rules.js';

/** addCommand() does not pass the parent's exitOverride down, so usage errors get exit 2 here too (promtool). */
function usageExit(err: CommanderError): never {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
  process.exit(err.exitCode === 0 ? 0 : 2);
}

export function checkCommand(): Command {
  const subcommands = [checkRulesCommand(), checkConfigCommand()];
  const check = new Command('check').description('Check configuration files for validity').exitOverride(usageExit);
  for (const sub of subcommands) check.addCommand(sub.exitOverride(usageExit));
  return check;
}
