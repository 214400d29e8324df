/** Shared checks for the fuzz targets: process-level failure capture and the shape of a positioned problem. */
import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';
import { type ConfigProblem, formatProblem } from '../../src/config/errors.js';

/**
 * Records every unhandled rejection and uncaught exception while the file runs and fails the file if any fired.
 * Vitest would report them too, but only as a run-level error; this ties them to the target that caused them.
 */
export function failOnProcessErrors(): void {
  const seen: string[] = [];
  const onRejection = (reason: unknown) => seen.push(`unhandledRejection: ${String(reason)}`);
  const onException = (err: unknown) => seen.push(`uncaughtException: ${String(err)}`);
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterAll(async () => {
    // Let rejections created by the last case surface before checking.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    expect(seen).toEqual([]);
  });
}

/** A config problem must say where (`file:line:col: message`, line and col ≥ 1) and what. */
export function expectPositioned(p: ConfigProblem, file: string): void {
  expect(p.file).toBe(file);
  expect(Number.isInteger(p.line) && p.line >= 1, `line of ${formatProblem(p)}`).toBe(true);
  expect(Number.isInteger(p.col) && p.col >= 1, `col of ${formatProblem(p)}`).toBe(true);
  expect(['error', 'warning']).toContain(p.severity);
  // Messages copy upstream's wording, which for an empty value starts with a blank (`" is not a valid month"`).
  expect(formatProblem(p)).toMatch(/^[^:]+:\d+:\d+: .*\S/s);
}

/** Fast-check settings shared by every target: 10,000 cases, no time-based shrinking limits. */
export const RUNS = { numRuns: 10_000 } as const;

/** 10,000 cases take seconds on an idle machine; the limit only guards against a hang on a loaded one. */
export const FUZZ_TIMEOUT_MS = 240_000;

/** Raw input for the file loaders: arbitrary bytes and arbitrary Unicode text, up to 200 units. */
export const rawText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);
