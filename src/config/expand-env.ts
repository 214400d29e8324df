/**
 * Opt-in `${VAR}` expansion in a config's string values (`--config.expand-env`, as Loki and Mimir offer;
 * Alertmanager itself has none, hence off by default). Only scalar values are expanded, after YAML parsing,
 * so comments, keys and YAML syntax are never touched and a value cannot inject structure.
 */
import { type Document, isScalar, type LineCounter, visit } from 'yaml';
import type { ConfigProblem } from './errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

// `$${` escapes a literal `${`; `${NAME}` and `${NAME:-default}` expand.
const REFERENCE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Expands a string; names of unset variables without a default are returned, and left unexpanded. */
export function expandEnv(text: string, env: Environment): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(REFERENCE, (whole, escaped: string | undefined, name: string, fallback?: string) => {
    if (escaped) return whole.slice(1);
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return whole;
  });
  return { text: out, missing };
}

/** Expands every string scalar of a parsed document in place; an unset variable is a positioned error. */
export function expandEnvInDocument(
  doc: Document,
  env: Environment,
  file: string,
  lineCounter: LineCounter,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Pair(_, pair) {
      // Keys stay as written: only values are configuration data.
      if (isScalar(pair.value) && typeof pair.value.value === 'string') expandScalar(pair.value);
    },
    Seq(_, seq) {
      for (const item of seq.items) if (isScalar(item) && typeof item.value === 'string') expandScalar(item);
    },
  });
  return problems;

  function expandScalar(node: { value: unknown; range?: [number, number, number] | null }): void {
    const value = node.value as string;
    if (!value.includes('${')) return;
    const { text, missing } = expandEnv(value, env);
    node.value = text;
    const pos = lineCounter.linePos(node.range?.[0] ?? 0);
    for (const name of missing) {
      problems.push({
        file,
        line: pos.line,
        col: pos.col,
        message: `environment variable ${name} is not set (use \${${name}:-default} for a default, $\${ for a literal)`,
        severity: 'error',
      });
    }
  }
}
