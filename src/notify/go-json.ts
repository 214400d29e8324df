import { compareBytes } from '../labels/labels.js';

/**
 * Go's encoding/json string escaping on top of JSON.stringify: Go (≥1.22) agrees on `\b \f \n \r \t` and
 * `\u00XX`, but also escapes `<`, `>`, `&`, U+2028 and U+2029 (HTML-safe output). Consumers comparing webhook
 * bodies byte for byte against Alertmanager see the same text.
 */
export function goJsonEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string map with keys in Go's map-marshalling order (byte-wise sorted). */
export function sortedObject(map: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(map).sort(compareBytes)) out[k] = map[k]!;
  return out;
}

/** Go's `json.NewEncoder(w).Encode(v)`: HTML-safe escaping and a trailing newline. */
export function goJsonEncode(value: unknown): string {
  return `${goJsonEscape(JSON.stringify(value))}\n`;
}

/** Go's zero time.Time as a JavaScript timestamp (0001-01-01T00:00:00Z). */
export const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * time.Time.MarshalJSON in UTC (RFC 3339 with up to nine fractional digits, trailing zeros dropped);
 * millisecond timestamps never carry more than three. `0` and negative values mean Go's zero time.
 */
export function goTimeJson(ms: number): string {
  if (ms <= 0 || ms === GO_ZERO_TIME_MS) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  const [base, frac] = [iso.slice(0, 19), iso.slice(20, 23).replace(/0+$/, '')];
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}
