#!/usr/bin/env node
import { buildProgram } from './program.js';

const code = await buildProgram()
  .parseAsync(process.argv)
  .then(
    () => process.exitCode ?? 0,
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      return 1;
    },
  );
process.exitCode = code;
