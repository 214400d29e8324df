/**
 * An in-memory index of silences for `mutedBy`: each silence that has an equality matcher with a non-empty
 * value is filed under that (name, value), so an alert only looks at silences filed under one of its own
 * labels plus the few without such a matcher. Pure: built from a list, queried with `now`.
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
  test: (labels: Labels) => boolean;
  entries: Entry[];
}

// RE2 in JS costs microseconds per call, and alerts repeat the same few label values (instances, jobs), so
// each regex matcher remembers its answers for recent values. Bounded so a high-cardinality label cannot grow it.
const MEMO_LIMIT = 4096;

function memoized(m: Matcher): (value: string | undefined) => boolean {
  if (m.type === '=' || m.type === '!=') return (v) => m.matches(v);
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

function compile(matchers: Matcher[]): (labels: Labels) => boolean {
  const tests = matchers.map((m) => ({ name: m.name, test: memoized(m) }));
  return (labels) => {
    for (const t of tests) if (!t.test(labels[t.name])) return false;
    return true;
  };
}

// Labels every alert carries are poor keys (all silences would land in one bucket), so prefer the rarer ones.
const PREFERRED_NAMES = ['alertname', 'instance', 'service', 'job'];

export class SilenceIndex {
  private readonly byLabel = new Map<string, Group[]>();
  private readonly unindexed: Group[] = [];
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
        group = { test: compile(matchers), entries: [] };
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
    this.size = size;
  }

  /** Ids of the active silences that match the labels, sorted (upstream sorts them as strings). */
  mutedBy(labels: Labels, now: number): string[] {
    const out: string[] = [];
    const check = (g: Group) => {
      let tested: boolean | undefined;
      for (const e of g.entries) {
        if (now < e.startsAt || now > e.endsAt) continue;
        tested ??= g.test(labels);
        if (!tested) return;
        out.push(e.id);
      }
    };
    for (const g of this.unindexed) check(g);
    if (this.byLabel.size > 0) {
      for (const name in labels) {
        const list = this.byLabel.get(key(name, labels[name]!));
        if (list) for (const g of list) check(g);
      }
    }
    return out.length > 1 ? out.sort(compareBytes) : out;
  }
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
