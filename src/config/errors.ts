/** A problem found in an input file, located as precisely as the input allows. */
export interface Position {
  line: number;
  col: number;
}

export interface ConfigProblem {
  file: string;
  /** 1-based; 0 when no node could be located (never omitted, unlike promtool). */
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Thrown when a whole input is rejected; carries every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}
