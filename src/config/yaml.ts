/**
 * Shared YAML helpers for config loaders: positioned parsing (LineCounter), Go-yaml-like typed decoding with
 * every problem collected (unknown fields, wrong types, duplicate keys) and YAML 1.1 booleans.
 * Generic on purpose: rule files and alertmanager.yml both build on it.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type Scalar,
  visit,
} from 'yaml';
import type { ConfigProblem, Position } from './errors.js';

export interface ParsedYaml {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
}

/**
 * Parses every document of a stream. Duplicate keys are not reported by the parser (see
 * duplicateKeyProblems, which words them like Go's yaml); merge keys (`<<`) are honoured.
 */
export function parseYaml(source: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(source, {
    lineCounter,
    uniqueKeys: false,
    merge: true,
    prettyErrors: false,
  }) as Document.Parsed[];
  return { documents: Array.from(documents), lineCounter };
}

export function positionAt(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line, col };
}

/** Start of a node; `fallback` when the node is absent (so callers can point at the enclosing node). */
export function nodePosition(lc: LineCounter, node: unknown, fallback: Position = { line: 1, col: 1 }): Position {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? positionAt(lc, range[0]) : fallback;
}

/** Syntax errors of one document (warnings excluded), worded `yaml: <message>`, plus duplicate keys. */
export function syntaxProblems(file: string, doc: Document.Parsed, lc: LineCounter): ConfigProblem[] {
  const problems: ConfigProblem[] = doc.errors.map((e) => ({
    file,
    ...positionAt(lc, e.pos[0]),
    message: `yaml: ${e.message}`,
    severity: 'error' as const,
  }));
  return problems.concat(duplicateKeyProblems(file, doc, lc));
}

/** Every repeated mapping key, worded as Go's yaml.v3: `mapping key "k" already defined at line N`. */
export function duplicateKeyProblems(file: string, doc: Document.Parsed, lc: LineCounter): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, Position>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (key === '<<') continue;
        const pos = nodePosition(lc, pair.key);
        const first = seen.get(key);
        if (first) {
          problems.push({
            file,
            ...pos,
            message: `mapping key ${JSON.stringify(key)} already defined at line ${first.line}`,
            severity: 'error',
          });
        } else seen.set(key, pos);
      }
    },
  });
  return problems;
}

/** YAML 1.1 booleans as Go's yaml.v2 reads them (Alertmanager); undefined when the text is not a boolean. */
export function parseYaml11Bool(text: string): boolean | undefined {
  switch (text.toLowerCase()) {
    case 'y':
    case 'yes':
    case 'on':
    case 'true':
      return true;
    case 'n':
    case 'no':
    case 'off':
    case 'false':
      return false;
    default:
      return undefined;
  }
}

/** Go yaml's short tag for a node, used in `cannot unmarshal !!str \`x\` into T` messages. */
export function goTypeDescription(node: unknown): string {
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  if (isScalar(node)) {
    const v = node.value;
    const tag =
      v === null
        ? '!!null'
        : typeof v === 'boolean'
          ? '!!bool'
          : typeof v === 'number' || typeof v === 'bigint'
            ? Number.isInteger(Number(v)) && !/[.eE]/.test(scalarSource(node))
              ? '!!int'
              : '!!float'
            : '!!str';
    return `${tag} \`${scalarSource(node)}\``;
  }
  return '!!unknown';
}

/** The text of a scalar as a Go string field receives it: plain scalars keep their source (`1.0`, `yes`). */
export function scalarSource(node: Scalar): string {
  const source = (node as Scalar & { source?: unknown }).source;
  if (typeof source === 'string' && source !== '' && node.type === 'PLAIN') return source;
  return node.value === null ? '' : String(node.value);
}

export interface MapEntry {
  key: string;
  keyNode: Scalar;
  /** null for `key:` with nothing after it. */
  valueNode: Node | null;
}

/**
 * Decodes YAML nodes the way Go's yaml.v3 decoder with KnownFields(true) does, but collects every problem
 * instead of stopping. `typeName` arguments only shape the messages (`field x not found in type T`).
 */
export class YamlDecoder {
  readonly problems: ConfigProblem[] = [];

  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    readonly lc: LineCounter,
  ) {}

  position(node: unknown, fallback?: Position): Position {
    return nodePosition(this.lc, node, fallback);
  }

  error(node: unknown, message: string, fallback?: Position): void {
    this.problems.push({ file: this.file, ...this.position(node, fallback), message, severity: 'error' });
  }

  /** Follows aliases so `*anchor` decodes like the anchored node. */
  resolve(node: unknown): Node | null {
    let n = node as Node | null | undefined;
    for (let hops = 0; n && isAlias(n) && hops < 100; hops++) n = n.resolve(this.doc) as Node | undefined;
    return n && !isAlias(n) ? n : null;
  }

  isNull(node: unknown): boolean {
    const n = this.resolve(node);
    return n === null || (isScalar(n) && n.value === null);
  }

  typeError(node: unknown, target: string): void {
    this.error(node, `cannot unmarshal ${goTypeDescription(this.resolve(node))} into ${target}`);
  }

  /** A mapping's entries, reporting unknown keys at the key. Null decodes as an empty mapping. */
  mapping(node: unknown, typeName: string, known?: ReadonlySet<string>): MapEntry[] | undefined {
    const n = this.resolve(node);
    if (this.isNull(n)) return [];
    if (!isMap(n)) {
      this.typeError(n, typeName);
      return undefined;
    }
    const entries: MapEntry[] = [];
    const merged: MapEntry[] = [];
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const keyNode = this.resolve(pair.key);
      if (!isScalar(keyNode)) {
        this.typeError(keyNode, 'string');
        continue;
      }
      const key = scalarSource(keyNode);
      if (key === '<<' && keyNode.type === 'PLAIN') {
        merged.push(...this.mergeSources(pair.value, typeName, known));
        continue;
      }
      if (known && !known.has(key)) {
        this.error(keyNode, `field ${key} not found in type ${typeName}`);
        continue;
      }
      entries.push({ key, keyNode, valueNode: this.resolve(pair.value) });
    }
    // Merge keys (`<<: *a` or `<<: [*a, *b]`): explicit keys win, then earlier sources over later ones.
    for (const e of merged) if (!entries.some((x) => x.key === e.key)) entries.push(e);
    return entries;
  }

  private mergeSources(value: unknown, typeName: string, known: ReadonlySet<string> | undefined): MapEntry[] {
    const n = this.resolve(value);
    const sources = isSeq(n) ? n.items.map((item) => this.resolve(item)) : [n];
    const out: MapEntry[] = [];
    for (const source of sources) {
      if (!isMap(source)) {
        this.error(source ?? value, 'map merge requires map or sequence of maps as the value');
        continue;
      }
      for (const e of this.mapping(source, typeName, known) ?? []) if (!out.some((x) => x.key === e.key)) out.push(e);
    }
    return out;
  }

  /** A sequence's items; null decodes as empty. */
  sequence(node: unknown, typeName: string): Node[] | undefined {
    const n = this.resolve(node);
    if (this.isNull(n)) return [];
    if (!isSeq(n)) {
      this.typeError(n, typeName);
      return undefined;
    }
    return n.items.map((item) => this.resolve(item)).filter((item): item is Node => item !== null);
  }

  /** Any scalar decodes into a string field (Go keeps the source text); null gives ''. */
  string(node: unknown): string | undefined {
    const n = this.resolve(node);
    if (n === null) return '';
    if (!isScalar(n)) {
      this.typeError(n, 'string');
      return undefined;
    }
    return scalarSource(n);
  }

  int(node: unknown): number | undefined {
    const n = this.resolve(node);
    if (this.isNull(n)) return 0;
    if (isScalar(n) && typeof n.value === 'number' && Number.isSafeInteger(n.value)) return n.value;
    this.typeError(n, 'int');
    return undefined;
  }

  bool(node: unknown): boolean | undefined {
    const n = this.resolve(node);
    if (this.isNull(n)) return false;
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    this.typeError(n, 'bool');
    return undefined;
  }

  /** `map[string]string`: entries in file order with their key nodes, for positioned validation. */
  stringMap(node: unknown): Array<MapEntry & { value: string }> | undefined {
    const entries = this.mapping(node, 'map[string]string');
    if (!entries) return undefined;
    const out: Array<MapEntry & { value: string }> = [];
    for (const e of entries) {
      const value = this.string(e.valueNode);
      if (value !== undefined) out.push({ ...e, value });
    }
    return out;
  }
}
