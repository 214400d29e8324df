/**
 * An in-memory index of silences for `mutedBy`: each silence that has an equality matcher with a non-empty
 * value is filed under that (name, value), so an alert only looks at silences filed under one of its own
 * labels plus the few without such a matcher. Pure: built from a list, queried with `now`.
 */
import { compareBytes, type Labels } from '../labels/labels.js';
import { type Matcher, matchesAll } from '../labels/matcher.js';
import { type Silence, silenceState, toMatcher } from './model.js';

interface Entry {
  id: string;
  startsAt: number;
  endsAt: number;
  matchers: Matcher[];
}

// Labels every alert carries are poor keys (all silences would land in one bucket), so prefer the rarer ones.
const PREFERRED_NAMES = ['alertname', 'instance', 'service', 'job'];

export class SilenceIndex {
  private readonly byLabel = new Map<string, Entry[]>();
  private readonly unindexed: Entry[] = [];
  readonly size: number;

  /** Expired silences are left out: they never become active again. */
  constructor(silences: Iterable<Silence>, now: number) {
    let size = 0;
    for (const s of silences) {
      if (silenceState(s, now) === 'expired') continue;
      const entry: Entry = { id: s.id, startsAt: s.startsAt, endsAt: s.endsAt, matchers: s.matchers.map(toMatcher) };
      const key = indexKey(entry.matchers);
      if (key === undefined) this.unindexed.push(entry);
      else {
        const list = this.byLabel.get(key);
        if (list) list.push(entry);
        else this.byLabel.set(key, [entry]);
      }
      size++;
    }
    this.size = size;
  }

  /** Ids of the active silences that match the labels, sorted (upstream sorts them as strings). */
  mutedBy(labels: Labels, now: number): string[] {
    const out: string[] = [];
    const check = (e: Entry) => {
      if (now >= e.startsAt && now <= e.endsAt && matchesAll(e.matchers, labels)) out.push(e.id);
    };
    for (const e of this.unindexed) check(e);
    if (this.byLabel.size > 0) {
      for (const name in labels) {
        const list = this.byLabel.get(key(name, labels[name]!));
        if (list) for (const e of list) check(e);
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
