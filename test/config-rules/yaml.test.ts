/** The shared YAML helpers (src/config/yaml.ts). */
import { describe, expect, it } from 'vitest';
import {
  duplicateKeyProblems,
  goTypeDescription,
  parseYaml,
  parseYaml11Bool,
  YamlDecoder,
} from '../../src/config/yaml.js';

describe('yaml helpers', () => {
  it('reads YAML 1.1 booleans as Go yaml.v2 does', () => {
    for (const t of ['y', 'Yes', 'ON', 'true', 'True']) expect(parseYaml11Bool(t)).toBe(true);
    for (const f of ['n', 'NO', 'off', 'false']) expect(parseYaml11Bool(f)).toBe(false);
    for (const x of ['', '1', 'maybe', 'nope']) expect(parseYaml11Bool(x)).toBeUndefined();
  });

  it('describes nodes with Go yaml tags', () => {
    const { documents } = parseYaml('a: ten\nb: 1\nc: 1.5\nd: true\ne: [1]\nf: {x: 1}\ng: ~\n');
    const values = (documents[0]!.contents as { items: Array<{ value: unknown }> }).items.map((p) => p.value);
    expect(values.map(goTypeDescription)).toEqual([
      '!!str `ten`',
      '!!int `1`',
      '!!float `1.5`',
      '!!bool `true`',
      '!!seq',
      '!!map',
      '!!null `~`',
    ]);
  });

  it('decodes strings as Go does (plain scalars keep their text) and collects every problem', () => {
    const { documents, lineCounter } = parseYaml('s: 1.0\nt: yes\nn:\nbad: [x]\nextra: 1\n');
    const d = new YamlDecoder('f.yml', documents[0]!, lineCounter);
    const entries = d.mapping(documents[0]!.contents, 'T', new Set(['s', 't', 'n', 'bad']))!;
    expect(entries.map((e) => [e.key, d.string(e.valueNode)])).toEqual([
      ['s', '1.0'],
      ['t', 'yes'],
      ['n', ''],
      ['bad', undefined],
    ]);
    expect(d.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '5:1 field extra not found in type T',
      '4:6 cannot unmarshal !!seq into string',
    ]);
  });

  it('finds duplicate keys at any depth', () => {
    const { documents, lineCounter } = parseYaml('a:\n  b: 1\n  b: 2\nc: 1\nc: 2\n');
    expect(duplicateKeyProblems('f', documents[0]!, lineCounter).map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual(
      ['5:1 mapping key "c" already defined at line 4', '3:3 mapping key "b" already defined at line 2'],
    );
  });
});
