import { RE2JS, RE2JSException } from 're2js';

/** An invalid RE2 pattern. The message is Go's: `error parsing regexp: missing closing ): \`^(?:(web)$\``. */
export class RegexError extends Error {
  override name = 'RegexError';
  constructor(
    message: string,
    readonly pattern: string,
  ) {
    super(message);
  }
}

export interface CompiledRegex {
  /** The source as given (unanchored). */
  readonly source: string;
  /** True iff the whole input matches (the pattern is compiled as `^(?:source)$`). */
  test(input: string): boolean;
}

// Matchers are compiled once per config load or API request, but the same few patterns recur across silences,
// inhibit rules and routes, so a bounded cache avoids recompiling them.
const CACHE_LIMIT = 10_000;
const cache = new Map<string, CompiledRegex>();

/** Compile a fully anchored RE2 regex (`^(?:re)$`), as Alertmanager and Prometheus matchers do. */
export function compileAnchored(source: string): CompiledRegex {
  const hit = cache.get(source);
  if (hit) return hit;
  const anchored = `^(?:${source})$`;
  let re: RE2JS;
  try {
    re = RE2JS.compile(anchored);
  } catch (err) {
    if (err instanceof RE2JSException) throw new RegexError(err.message, anchored);
    throw err;
  }
  const compiled: CompiledRegex = { source, test: (input) => re.matches(input) };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}
