import { Command } from 'commander';
import { checkCommand } from './check.js';
import { devCommand, runCommand } from './run.js';
import { templateCommand } from './template.js';

/** The `klaxon` command tree; each subcommand lives in its own module and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('klaxon')
    .description('Alert rule evaluator and notification router, compatible with Prometheus and Alertmanager')
    .exitOverride((err) => {
      // commander's usage errors map to exit 2, like promtool/amtool.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .version('0.1.0');
  program.addCommand(runCommand());
  program.addCommand(devCommand());
  program.addCommand(checkCommand());
  program.addCommand(templateCommand());
  return program;
}
