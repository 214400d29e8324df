/**
 * Silences (SEMANTICS §6): validation, state, Alertmanager's update and expire rules, listing order and the
 * syntactic API filter. Pure: every function takes `now` (ms) and never reads the clock.
 *
 * Error texts are those of Alertmanager 0.25, which the recorded scenarios and amtool transcripts were made with.
 */

import { RE2JS, RE2JSException } from 're2js';
import { compareBytes, goQuote } from '../labels/labels.js';
import { Matcher, type MatchType } from '../labels/matcher.js';

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
  /** Alertmanager v0.32+ field; omitted from the API when empty, as 0.25 clients never saw it. */
  annotations?: Record<string, string>;
}

/** What a client posts: a silence without server-owned fields; `id` asks for an update. */
export type SilenceInput = Omit<Silence, 'id' | 'updatedAt'> & { id?: string };

export type SilenceState = 'pending' | 'active' | 'expired';

/** A rejected request, with the HTTP status and the message Alertmanager answers (as a JSON string). */
export class SilenceError extends Error {
  override name = 'SilenceError';
  constructor(
    readonly status: 400 | 404 | 500,
    message: string,
  ) {
    super(message);
  }
}

export const ERR_NOT_FOUND = 'silence not found';

export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now > s.endsAt) return 'expired';
  return 'active';
}

export function matchType(m: SilenceMatcher): MatchType {
  if (m.isRegex) return m.isEqual ? '=~' : '!~';
  return m.isEqual ? '=' : '!=';
}

export function toMatcher(m: SilenceMatcher): Matcher {
  return new Matcher(m.name, matchType(m), m.value);
}

export function fromMatcher(m: Matcher): SilenceMatcher {
  return {
    name: m.name,
    value: m.value,
    isRegex: m.type === '=~' || m.type === '!~',
    isEqual: m.type === '=' || m.type === '=~',
  };
}

// Go's regexp.Compile of the raw pattern: the message names the pattern as given, not the anchored form.
function regexProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    if (err instanceof RE2JSException) return err.message;
    throw err;
  }
}

function validateMatcher(m: SilenceMatcher): string | null {
  if (m.name.length === 0 || !m.name.isWellFormed()) return `invalid label name ${goQuote(m.name)}`;
  if (m.isRegex) {
    const problem = regexProblem(m.value);
    if (problem) return `invalid regular expression ${goQuote(m.value)}: ${problem}`;
  } else if (!m.value.isWellFormed()) {
    return `invalid label value ${goQuote(m.value)}`;
  }
  return null;
}

// Upstream counts only `=` and `=~` matchers that accept "" (negative matchers never count).
function matchesEmpty(m: SilenceMatcher): boolean {
  if (!m.isEqual) return false;
  if (!m.isRegex) return m.value === '';
  return toMatcher(m).matches('');
}

/** Alertmanager's `validateSilence`; returns the message without the `silence invalid: ` prefix, or null. */
export function validateSilence(s: Pick<Silence, 'matchers' | 'startsAt' | 'endsAt'>): string | null {
  if (s.matchers.length === 0) return 'at least one matcher required';
  let allMatchEmpty = true;
  for (const [i, m] of s.matchers.entries()) {
    const problem = validateMatcher(m);
    if (problem) return `invalid label matcher ${i}: ${problem}`;
    allMatchEmpty = allMatchEmpty && matchesEmpty(m);
  }
  if (allMatchEmpty) return 'at least one matcher must not match the empty string';
  if (s.startsAt === 0) return 'invalid zero start timestamp';
  if (s.endsAt === 0) return 'invalid zero end timestamp';
  if (s.endsAt < s.startsAt) return 'end time must not be before start time';
  return null;
}

/** The checks the v2 API handler makes before handing the silence to the store. */
export function validatePostedTimes(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): string | null {
  if (s.startsAt >= s.endsAt) return 'Failed to create silence: start time must be before end time';
  if (s.endsAt < now) return "Failed to create silence: end time can't be in the past";
  return null;
}

function sameMatchers(a: SilenceMatcher[], b: SilenceMatcher[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const o = b[i]!;
      return m.name === o.name && m.value === o.value && m.isRegex === o.isRegex && m.isEqual === o.isEqual;
    })
  );
}

/** Whether `prev` may be changed into `next` in place without rewriting history (upstream `canUpdate`). */
export function canUpdate(
  prev: Silence,
  next: Pick<Silence, 'matchers' | 'startsAt' | 'endsAt'>,
  now: number,
): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (silenceState(prev, now)) {
    case 'active':
      // Compared to the second: clients round-trip startsAt through formats with less precision.
      return Math.floor(prev.startsAt / 1000) === Math.floor(next.startsAt / 1000) && next.endsAt >= now;
    case 'pending':
      return next.startsAt >= now;
    case 'expired':
      return false;
  }
}

/** The expired form of a silence, or null when it already is expired (DELETE is then a no-op). */
export function expireSilence(s: Silence, now: number): Silence | null {
  switch (silenceState(s, now)) {
    case 'expired':
      return null;
    case 'active':
      return { ...s, endsAt: now, updatedAt: now };
    case 'pending':
      return { ...s, startsAt: now, endsAt: now, updatedAt: now };
  }
}

export interface SetPlan {
  /** The silence written under `silence.id`; a new id means a new silence. */
  silence: Silence;
  created: boolean;
  /** The previous silence, expired, when the change could not be made in place. */
  expired?: Silence;
}

/**
 * Upstream `Silences.Set`: validate, then update in place when `canUpdate`, otherwise create a new silence
 * (startsAt clamped to now) and expire the previous one. Throws SilenceError (400 or 404).
 */
export function planSet(input: SilenceInput, prev: Silence | undefined, now: number, newId: () => string): SetPlan {
  const startsAt = input.startsAt === 0 ? now : input.startsAt;
  const fields = { ...input, startsAt };
  const problem = validateSilence(fields);
  if (problem) throw new SilenceError(400, `silence invalid: ${problem}`);
  if (input.id && !prev) throw new SilenceError(404, ERR_NOT_FOUND);
  const base: Silence = {
    id: input.id ?? '',
    matchers: input.matchers,
    startsAt,
    endsAt: input.endsAt,
    updatedAt: now,
    createdBy: input.createdBy,
    comment: input.comment,
    ...(input.annotations && Object.keys(input.annotations).length > 0 ? { annotations: input.annotations } : {}),
  };
  if (prev && canUpdate(prev, fields, now)) return { silence: { ...base, id: prev.id }, created: false };
  const silence: Silence = { ...base, id: newId(), startsAt: Math.max(startsAt, now) };
  const expired = prev ? expireSilence(prev, now) : null;
  return expired ? { silence, created: true, expired } : { silence, created: true };
}

const STATE_RANK: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/**
 * GET /silences order: active (soonest end first), pending (soonest start first), expired (latest end
 * first); ties by id so the order is stable across instances.
 */
export function sortSilences(list: Silence[], now: number): Silence[] {
  const keyed = list.map((s) => ({ s, st: silenceState(s, now) }));
  keyed.sort((a, b) => {
    if (a.st !== b.st) return STATE_RANK[a.st] - STATE_RANK[b.st];
    let d = 0;
    if (a.st === 'active') d = a.s.endsAt - b.s.endsAt;
    else if (a.st === 'pending') d = a.s.startsAt - b.s.startsAt;
    else d = b.s.endsAt - a.s.endsAt;
    return d || compareBytes(a.s.id, b.s.id);
  });
  return keyed.map((k) => k.s);
}

/**
 * The API `filter` on silences is syntactic (upstream `CheckSilenceMatchesFilterLabels`): every filter
 * matcher must equal the silence's matcher of the same name (the last one, when a name repeats).
 */
export function matchesFilter(s: Silence, filters: readonly Matcher[]): boolean {
  const byName = new Map<string, SilenceMatcher>();
  for (const m of s.matchers) byName.set(m.name, m);
  return filters.every((f) => {
    const m = byName.get(f.name);
    return m !== undefined && matchType(m) === f.type && m.value === f.value;
  });
}

/** Retention: a silence is kept until `endsAt + 120h` (upstream default `--data.retention`). */
export const DEFAULT_RETENTION_MS = 120 * 3600 * 1000;
