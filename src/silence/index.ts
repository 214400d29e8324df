/**
 * An in-memory index of silences for `mutedBy`: each silence that has an equality matcher with a non-empty
 * value is filed under that (name, value), so an alert only looks at silences filed under one of its own
 * labels plus the few without such a matcher. Pure: built from a list, queried with `now`.
 *
 * Answers are cached per label set (like upstream's per-alert marker keyed by the silences' version: a new
 * index is built whenever the silences change). Which silences match a label set does not depend on time, and
 * the active subset only changes when one of them starts or ends, so a cached answer is reused until then.
 */
import { compareBytes, type Labels } from '../labels/labels.js';
import type { Matcher } from '../labels/matcher.js';
import { type Silence, silenceState, toMatcher } from './model.js';

interface Entry {
  id: string;
  startsAt: number;
  endsAt: number;
}

/** Silences with the same matcher list: the list is evaluated once per alert for all of them. */
interface Group {
  matchers: CompiledMatchers;
  /** Sorted by id, so a label set muted by one group needs no sorting. */
  entries: Entry[];
}

interface Answer {
  /** The groups whose matchers the label set satisfies (time-independent). */
  groups: Group[];
  /** `ids` holds for every `now` in [from, until). */
  from: number;
  until: number;
  ids: string[];
}

// RE2 in JS costs microseconds per call, and alerts repeat the same few label values (instances, jobs), so
// each regex matcher remembers its answers for recent values. Bounded so a high-cardinality label cannot grow it.
const MEMO_LIMIT = 4096;
// Cached answers; past this many label sets the cache starts over rather than growing without bound.
const ANSWER_LIMIT = 100_000;
const NONE: string[] = [];

function memoized(m: Matcher): (value: string | undefined) => boolean {
  if (m.type === '!=') return (v) => m.matches(v);
  const memo = new Map<string, boolean>();
  return (v) => {
    const key = v ?? '';
    let hit = memo.get(key);
    if (hit === undefined) {
      hit = m.matches(key);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, hit);
    }
    return hit;
  };
}

/**
 * A silence's matcher list as one test. Equality matchers (most of them, and the most selective) are plain
 * comparisons checked first; only the others go through a per-matcher function.
 */
class CompiledMatchers {
  private readonly eqNames: string[] = [];
  private readonly eqValues: string[] = [];
  private readonly others: { name: string; test: (value: string | undefined) => boolean }[] = [];

  constructor(matchers: Matcher[]) {
    for (const m of matchers) {
      if (m.type === '=') {
        this.eqNames.push(m.name);
        this.eqValues.push(m.value);
      } else this.others.push({ name: m.name, test: memoized(m) });
    }
  }

  matches(labels: Labels): boolean {
    for (let i = 0; i < this.eqNames.length; i++)
      if ((labels[this.eqNames[i]!] ?? '') !== this.eqValues[i]) return false;
    for (const o of this.others) if (!o.test(labels[o.name])) return false;
    return true;
  }
}

/** An injective key of a label set (length-prefixed, so any characters are safe); order as given. */
function labelSetKey(labels: Labels): string {
  let k = '';
  for (const name in labels) {
    const value = labels[name]!;
    k += `${name.length}:${name}${value.length}:${value}`;
  }
  return k;
}

// Labels every alert carries are poor keys (all silences would land in one bucket), so prefer the rarer ones.
const PREFERRED_NAMES = ['alertname', 'instance', 'service', 'job'];

export class SilenceIndex {
  private readonly byLabel = new Map<string, Group[]>();
  private readonly unindexed: Group[] = [];
  private readonly answers = new Map<string, Answer>();
  private readonly answersByFingerprint = new Map<string, Answer>();
  readonly size: number;

  /** Expired silences are left out: they never become active again. */
  constructor(silences: Iterable<Silence>, now: number) {
    const groups = new Map<string, Group>();
    let size = 0;
    for (const s of silences) {
      if (silenceState(s, now) === 'expired') continue;
      const matchers = s.matchers.map(toMatcher);
      const signature = matchers.map((m) => `${m.name}\u0000${m.type}\u0000${m.value}`).join('\u0001');
      let group = groups.get(signature);
      if (!group) {
        group = { matchers: new CompiledMatchers(matchers), entries: [] };
        groups.set(signature, group);
        const k = indexKey(matchers);
        if (k === undefined) this.unindexed.push(group);
        else {
          const list = this.byLabel.get(k);
          if (list) list.push(group);
          else this.byLabel.set(k, [group]);
        }
      }
      group.entries.push({ id: s.id, startsAt: s.startsAt, endsAt: s.endsAt });
      size++;
    }
    for (const g of groups.values()) if (g.entries.length > 1) g.entries.sort((a, b) => compareBytes(a.id, b.id));
    this.size = size;
  }

  /**
   * Ids of the active silences that match the labels, sorted (upstream sorts them as strings). The array is
   * shared with later calls for the same labels: callers must not modify it. Callers that know the labels'
   * fingerprint pass it: it is a cheaper cache key than one built from the labels (upstream keys by it too).
   */
  mutedBy(labels: Labels, now: number, fingerprint?: string): string[] {
    const [answers, key] =
      fingerprint === undefined ? [this.answers, labelSetKey(labels)] : [this.answersByFingerprint, fingerprint];
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = { groups: this.matchingGroups(labels), from: 0, until: 0, ids: NONE };
      if (answer.groups.length === 0) {
        answer.from = Number.NEGATIVE_INFINITY;
        answer.until = Number.POSITIVE_INFINITY;
      }
      if (answers.size >= ANSWER_LIMIT) answers.clear();
      answers.set(key, answer);
    }
    if (now < answer.from || now >= answer.until) refresh(answer, now);
    return answer.ids;
  }

  private matchingGroups(labels: Labels): Group[] {
    const out: Group[] = [];
    for (const g of this.unindexed) if (g.matchers.matches(labels)) out.push(g);
    if (this.byLabel.size > 0) {
      for (const name in labels) {
        const list = this.byLabel.get(key(name, labels[name]!));
        if (list) for (const g of list) if (g.matchers.matches(labels)) out.push(g);
      }
    }
    return out;
  }
}

/** Recompute the active ids at `now` and the span of time over which none of the matching silences changes state. */
function refresh(answer: Answer, now: number): void {
  let until = Number.POSITIVE_INFINITY;
  const ids: string[] = [];
  let sourceGroups = 0;
  for (const g of answer.groups) {
    const before = ids.length;
    for (const e of g.entries) {
      // A silence mutes while startsAt ≤ now ≤ endsAt.
      if (now < e.startsAt) {
        if (e.startsAt < until) until = e.startsAt;
      } else if (now <= e.endsAt) {
        if (e.endsAt + 1 < until) until = e.endsAt + 1;
        ids.push(e.id);
      }
    }
    if (ids.length > before) sourceGroups++;
  }
  if (sourceGroups > 1) ids.sort(compareBytes);
  answer.ids = ids.length === 0 ? NONE : ids;
  answer.from = now;
  answer.until = until;
}

function key(name: string, value: string): string {
  return `${name}\u0000${value}`;
}

function indexKey(matchers: Matcher[]): string | undefined {
  const eq = matchers.filter((m) => m.type === '=' && m.value !== '');
  if (eq.length === 0) return undefined;
  for (const name of PREFERRED_NAMES) {
    const m = eq.find((x) => x.name === name);
    if (m) return key(m.name, m.value);
  }
  return key(eq[0]!.name, eq[0]!.value);
}
