/**
 * Inhibition (SEMANTICS §4.6), pure. A target is inhibited when, for some rule, it matches the target matchers and
 * some non-resolved source matches the source matchers with equal values for every `equal` label (missing = "").
 * A target that also matches the source matchers cannot be inhibited by a source that also matches the target
 * matchers. Unlike upstream (one cached source per equal-value set) every qualifying source counts.
 */
import type { InhibitRuleConfig } from '../config/alertmanager/types.js';
import type { Labels } from '../labels/labels.js';
import { matchesAll } from '../labels/matcher.js';

export interface InhibitTarget {
  labels: Labels;
  fingerprint: string;
}

export interface InhibitCandidate extends InhibitTarget {
  /** endsAt ≤ now, computed by the caller. */
  resolved: boolean;
}

export interface Inhibition {
  sourceFingerprint: string;
  ruleIndex: number;
  ruleName?: string;
}

interface RuleSources {
  rule: InhibitRuleConfig;
  index: number;
  /** Equal-label signature → every qualifying source. */
  all: Map<string, string[]>;
  /** The same, restricted to sources that do not also match the target matchers (the two-sided exception). */
  oneSided: Map<string, string[]>;
}

/** The values of the `equal` labels as one injective key (length-prefixed, so any characters are safe). */
function signature(equal: readonly string[], labels: Labels): string {
  let sig = '';
  for (const name of equal) {
    const value = labels[name] ?? '';
    sig += `${value.length}:${value}`;
  }
  return sig;
}

const NONE: string[] = [];

function push(map: Map<string, string[]>, key: string, fp: string): void {
  const list = map.get(key);
  if (list) list.push(fp);
  else map.set(key, [fp]);
}

/** Sources indexed per rule by equal-label signature: building is O(rules × alerts), each lookup O(rules). */
export class InhibitIndex {
  private readonly sources: RuleSources[];

  constructor(rules: readonly InhibitRuleConfig[], candidates: Iterable<InhibitCandidate>) {
    this.sources = rules.map((rule, index) => ({ rule, index, all: new Map(), oneSided: new Map() }));
    for (const c of candidates) {
      if (c.resolved) continue;
      for (const s of this.sources) {
        if (!matchesAll(s.rule.sourceMatchers, c.labels)) continue;
        const sig = signature(s.rule.equal, c.labels);
        push(s.all, sig, c.fingerprint);
        if (!matchesAll(s.rule.targetMatchers, c.labels)) push(s.oneSided, sig, c.fingerprint);
      }
    }
  }

  /** Every (source, rule) pair that inhibits the target, in rule order. */
  inhibitions(target: InhibitTarget): Inhibition[] {
    const out: Inhibition[] = [];
    for (const s of this.sources) {
      if (!matchesAll(s.rule.targetMatchers, target.labels)) continue;
      const twoSided = matchesAll(s.rule.sourceMatchers, target.labels);
      const fps = (twoSided ? s.oneSided : s.all).get(signature(s.rule.equal, target.labels)) ?? [];
      for (const fp of fps) {
        out.push({ sourceFingerprint: fp, ruleIndex: s.index, ...(s.rule.name ? { ruleName: s.rule.name } : {}) });
      }
    }
    return out;
  }

  /**
   * Fingerprints of the sources inhibiting the target, sorted and unique; empty when not inhibited (then a shared
   * empty array: callers must not modify the result).
   */
  inhibitedBy(target: InhibitTarget): string[] {
    let found: string[] | undefined;
    for (const s of this.sources) {
      if (!matchesAll(s.rule.targetMatchers, target.labels)) continue;
      const twoSided = matchesAll(s.rule.sourceMatchers, target.labels);
      const fps = (twoSided ? s.oneSided : s.all).get(signature(s.rule.equal, target.labels));
      if (fps) found = found ? found.concat(fps) : fps;
    }
    if (!found) return NONE;
    return [...new Set(found)].sort();
  }
}

/** One-shot form; build an InhibitIndex instead when checking many targets against the same alerts. */
export function inhibitedBy(
  rules: readonly InhibitRuleConfig[],
  target: InhibitTarget,
  candidates: Iterable<InhibitCandidate>,
): string[] {
  return new InhibitIndex(rules, candidates).inhibitedBy(target);
}
