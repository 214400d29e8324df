/** Edge adapter: expands rule-file globs (Go filepath.Glob semantics) and parses every matching file. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigProblem } from '../errors.js';
import { parseRuleFile } from './parse.js';
import type { RuleLoadOptions, RuleLoadResult } from './types.js';

const META = /[*?[\\]/;

/** Go's path.Match pattern for one path segment, as an anchored RegExp (`*` and `?` never match `/`). */
function segmentRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern: ${pattern}`);
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\(.)/g, (_, ch: string) => escapeRe(ch))}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** filepath.Glob: a pattern without meta characters matches the file only if it exists; no `**`. */
export async function expandGlob(pattern: string): Promise<string[]> {
  if (!META.test(pattern)) {
    return stat(pattern).then(
      () => [pattern],
      () => [],
    );
  }
  const parsed = path.parse(pattern);
  const dirs = META.test(parsed.dir) ? await expandGlob(parsed.dir) : [parsed.dir || '.'];
  const re = segmentRegExp(parsed.base);
  const out: string[] = [];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (re.test(name)) out.push(parsed.dir ? path.join(dir, name) : name);
    }
  }
  return out;
}

/** Reads every file the globs match (each once, in glob order) and parses it; unreadable files are problems. */
export async function loadRuleFiles(globs: string[], opts: RuleLoadOptions): Promise<RuleLoadResult> {
  const files: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const glob of globs) {
    try {
      for (const f of await expandGlob(glob)) if (!files.includes(f)) files.push(f);
    } catch (e) {
      problems.push({ file: glob, line: 0, col: 0, message: (e as Error).message, severity: 'error' });
    }
  }
  const result: RuleLoadResult = { groups: [], problems };
  for (const file of files) {
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (e) {
      problems.push({ file, line: 0, col: 0, message: (e as Error).message, severity: 'error' });
      continue;
    }
    const parsed = parseRuleFile(file, source, opts);
    result.groups.push(...parsed.groups);
    problems.push(...parsed.problems);
  }
  return result;
}
