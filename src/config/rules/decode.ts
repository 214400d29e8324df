/**
 * Decoding phase of rule loading: YAML nodes → raw groups with their nodes kept for positions. Mirrors Go's
 * yaml.v3 with KnownFields(true) (unknown fields, wrong types, bad durations), but collects every problem.
 */
import type { Document, Node } from 'yaml';
import { isMap } from 'yaml';
import { DurationError, parseDuration } from '../../time/duration.js';
import { type MapEntry, YamlDecoder } from '../yaml.js';

export interface Located {
  value: string;
  /** The value node, or the key node when the value is empty; null when the key is absent. */
  node: Node | null;
}

export interface RawEntry {
  key: string;
  keyNode: Node;
  value: string;
}

export interface RawRule {
  node: Node;
  index: number;
  record: Located;
  alert: Located;
  expr: Located;
  forMs: number;
  keepFiringForMs: number;
  labels: RawEntry[];
  annotations: RawEntry[];
}

export interface RawGroup {
  node: Node;
  /** Group identity file: the path, or `<path>#<namespace>/<name>` for a PrometheusRule. */
  file: string;
  name: Located;
  intervalMs: number;
  queryOffsetMs: number | undefined;
  limit: number;
  labels: RawEntry[];
  rules: RawRule[];
  partialResponse?: 'abort' | 'warn';
}

const RULE_GROUPS_FIELDS = new Set(['groups']);
const GROUP_FIELDS = new Set(['name', 'interval', 'query_offset', 'limit', 'rules', 'labels']);
const CRD_GROUP_FIELDS = new Set([...GROUP_FIELDS, 'partial_response_strategy']);
const RULE_FIELDS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const SPEC_FIELDS = new Set(['groups']);

/** Decodes rule groups from one document's `groups:` holder (a rule file's top level, or a manifest's spec). */
export class RuleDecoder extends YamlDecoder {
  constructor(file: string, doc: Document.Parsed, lc: YamlDecoder['lc']) {
    super(file, doc, lc);
  }

  /** A plain rule file's top-level mapping. */
  ruleFile(root: unknown, groupFile: string): RawGroup[] {
    return this.groupsHolder(root, 'rulefmt.RuleGroups', RULE_GROUPS_FIELDS, groupFile, GROUP_FIELDS);
  }

  /** A PrometheusRule's `spec`. */
  manifestSpec(spec: unknown, groupFile: string): RawGroup[] {
    return this.groupsHolder(spec, 'v1.PrometheusRuleSpec', SPEC_FIELDS, groupFile, CRD_GROUP_FIELDS);
  }

  private groupsHolder(
    node: unknown,
    typeName: string,
    fields: ReadonlySet<string>,
    groupFile: string,
    groupFields: ReadonlySet<string>,
  ): RawGroup[] {
    const entries = this.mapping(node, typeName, fields) ?? [];
    const groupsEntry = entries.find((e) => e.key === 'groups');
    if (!groupsEntry) return [];
    const items = this.sequence(groupsEntry.valueNode, '[]rulefmt.RuleGroup') ?? [];
    return items.flatMap((item) => {
      const group = this.group(item, groupFile, groupFields);
      return group ? [group] : [];
    });
  }

  private group(node: Node, file: string, fields: ReadonlySet<string>): RawGroup | undefined {
    const entries = this.mapping(node, 'rulefmt.RuleGroup', fields);
    if (!entries) return undefined;
    const get = (k: string) => entries.find((e) => e.key === k);
    const group: RawGroup = {
      node,
      file,
      name: this.located(get('name')),
      intervalMs: this.duration(get('interval')),
      queryOffsetMs: get('query_offset') ? this.duration(get('query_offset')) : undefined,
      limit: get('limit') ? (this.int(get('limit')?.valueNode) ?? 0) : 0,
      labels: this.entries(get('labels')),
      rules: [],
    };
    const strategy = get('partial_response_strategy');
    if (strategy) {
      const text = this.string(strategy.valueNode)?.toLowerCase();
      if (text === 'abort' || text === 'warn') group.partialResponse = text;
      else if (text) this.error(strategy.valueNode ?? strategy.keyNode, `invalid partial_response_strategy: ${text}`);
    }
    const rules = get('rules');
    const items = rules ? (this.sequence(rules.valueNode, '[]rulefmt.Rule') ?? []) : [];
    items.forEach((item, i) => {
      const rule = this.rule(item, i + 1);
      if (rule) group.rules.push(rule);
    });
    return group;
  }

  private rule(node: Node, index: number): RawRule | undefined {
    const entries = this.mapping(node, 'rulefmt.Rule', RULE_FIELDS);
    if (!entries) return undefined;
    const get = (k: string) => entries.find((e) => e.key === k);
    return {
      node,
      index,
      record: this.located(get('record')),
      alert: this.located(get('alert')),
      expr: this.located(get('expr')),
      forMs: this.duration(get('for')),
      keepFiringForMs: this.duration(get('keep_firing_for')),
      labels: this.entries(get('labels')),
      annotations: this.entries(get('annotations')),
    };
  }

  private located(entry: MapEntry | undefined): Located {
    if (!entry) return { value: '', node: null };
    const value = this.string(entry.valueNode) ?? '';
    return { value, node: entry.valueNode && !this.isNull(entry.valueNode) ? entry.valueNode : entry.keyNode };
  }

  private entries(entry: MapEntry | undefined): RawEntry[] {
    if (!entry) return [];
    return (this.stringMap(entry.valueNode) ?? []).map((e) => ({ key: e.key, keyNode: e.keyNode, value: e.value }));
  }

  /** model.Duration: decoded as a string, then parsed; an error is a decoding error (no semantic checks follow). */
  private duration(entry: MapEntry | undefined): number {
    if (!entry || this.isNull(entry.valueNode)) return 0;
    const text = this.string(entry.valueNode);
    if (text === undefined) return 0;
    try {
      return parseDuration(text);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      this.error(entry.valueNode, e.message);
      return 0;
    }
  }
}

/** True for a Kubernetes object: a mapping with both `apiVersion` and `kind`. */
export function isKubernetesObject(root: unknown): boolean {
  return isMap(root) && root.has('apiVersion') && root.has('kind');
}
