/** Shared checks for the fuzz targets: process-level failure capture and the shape of a positioned problem. */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

/** One random change to a seed text; each target combines the kinds of change that break its format usefully. */
export type TextEdit = (text: string) => string;

/** Inserts one of `fragments`, or any string, at a random offset. */
export function insertion(fragments: readonly string[]): fc.Arbitrary<TextEdit> {
  return fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...fragments), fc.string())).map(([n, fragment]) => (text) => {
    const at = n % (text.length + 1);
    return text.slice(0, at) + fragment + text.slice(at);
  });
}

/** Deletes 1 to `maxLength` characters from a random offset. */
export function deletion(maxLength: number): fc.Arbitrary<TextEdit> {
  return fc.tuple(fc.nat(), fc.integer({ min: 1, max: maxLength })).map(([n, length]) => (text) => {
    const at = n % (text.length + 1);
    return text.slice(0, at) + text.slice(at + length);
  });
}

/** One of `seeds` after 1 to 4 edits drawn from `edits`. */
export function editedSeed(seeds: readonly string[], edits: fc.Arbitrary<TextEdit>[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.oneof(...edits), { minLength: 1, maxLength: 4 }))
    .map(([seed, chosen]) => chosen.reduce((text, edit) => edit(text), seed));
}

/**
 * Registers the test every config-file target runs: 10,000 files (mostly edited seeds and generated structures,
 * some raw bytes), each loaded in both name validation schemes; `check` asserts on what the loader returned.
 */
export function fuzzConfigFiles(
  title: string,
  edited: fc.Arbitrary<string>,
  structured: fc.Arbitrary<string>,
  check: (source: string, validationScheme: 'utf8' | 'legacy') => void,
): void {
  const files = fc.oneof(
    { weight: 5, arbitrary: edited },
    { weight: 4, arbitrary: structured },
    { weight: 1, arbitrary: rawText },
  );
  const validationSchemes = fc.constantFrom('utf8' as const, 'legacy' as const);
  it(title, () => fc.assert(fc.property(files, validationSchemes, check), RUNS), FUZZ_TIMEOUT_MS);
}
