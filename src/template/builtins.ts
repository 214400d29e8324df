/** The predefined functions of text/template (funcs.go). */
import { compareBytes } from '../labels/labels.js';
import { htmlEscape, jsEscape, queryEscape } from './escape.js';
import type { FuncMap } from './exec.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import {
  byteLen,
  type Dyn,
  type GoFunc,
  GoFuncValue,
  GoNilPtr,
  GoNum,
  GoStr,
  goTypeOf,
  isTrue,
  kindOf,
  strOf,
  tag,
  typeName,
} from './values.js';

type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  if (k === 'bool' || k === 'int' || k === 'uint' || k === 'float' || k === 'string') return k;
  return 'invalid';
}

const BAD_TYPE = 'invalid type for comparison';
const BAD_CMP = 'incompatible types for comparison';
const num = (v: unknown): bigint | number => (typeof v === 'bigint' || typeof v === 'number' ? v : (v as GoNum).v);
const nilToInvalid = (v: unknown) => (v === null ? undefined : v);

function comparable(v: unknown): boolean {
  const k = kindOf(v);
  return !(k === 'slice' || k === 'map' || k === 'func');
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  arg1 = nilToInvalid(arg1);
  if (arg1 !== undefined && !comparable(arg1)) throw new Error(BAD_TYPE);
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of rest) {
    arg = nilToInvalid(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) truth = num(arg1) === num(arg);
      else if (arg1 !== undefined && arg !== undefined) throw new Error(BAD_CMP);
    } else {
      switch (k1) {
        case 'bool':
        case 'int':
        case 'uint':
        case 'float':
          truth = num(arg1) === num(arg) || arg1 === arg;
          break;
        case 'string':
          truth = strOf(arg1) === strOf(arg);
          break;
        default:
          truth = arg1 === arg;
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  a = nilToInvalid(a);
  b = nilToInvalid(b);
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw new Error(BAD_TYPE);
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw new Error(BAD_TYPE);
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return num(a) < num(b);
    throw new Error(BAD_CMP);
  }
  if (k1 === 'bool') throw new Error(BAD_TYPE);
  if (k1 === 'string') return compareBytes(strOf(a), strOf(b)) < 0;
  return num(a) < num(b);
}

function length(item: unknown): bigint {
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (item === null || item instanceof GoNilPtr) throw new Error('len of nil pointer');
  if (typeof item === 'string') return BigInt(byteLen(item));
  if (item instanceof GoStr) return BigInt(byteLen(item.v));
  if (Array.isArray(item) || item instanceof Uint8Array) return BigInt(item.length);
  if (item instanceof Map) return BigInt(item.size);
  const k = kindOf(item);
  if (k === 'map') return BigInt(Object.keys(item as object).length);
  throw new Error(`len of type ${typeName(item)}`);
}

function indexArg(index: unknown, cap: number): number {
  const k = kindOf(index);
  let x: bigint;
  if (k === 'int' || k === 'uint') x = BigInt(num(index));
  else if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  else throw new Error(`cannot index slice/array with type ${typeName(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

function stringBytes(s: string): Uint8Array {
  return Buffer.from(s);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  item = nilToInvalid(item);
  if (item === undefined) throw new Error('index of untyped nil');
  for (let idx of indexes) {
    idx = nilToInvalid(idx);
    if (item === null || item === undefined || item instanceof GoNilPtr) throw new Error('index of nil pointer');
    const k = kindOf(item);
    if (k === 'string' || k === 'slice') {
      const isStr = k === 'string';
      const seq = isStr ? stringBytes(strOf(item)) : (item as ArrayLike<unknown>);
      const x = indexArg(idx, seq.length);
      if (x === seq.length) throw new Error(`index out of range: ${x}`);
      item = isStr || item instanceof Uint8Array ? new GoNum('uint8', BigInt(seq[x] as number)) : (seq[x] as unknown);
    } else if (k === 'map') {
      item = mapIndex(item, idx);
    } else throw new Error(`can't index item of type ${typeName(item)}`);
  }
  return item;
}

function mapIndex(m: unknown, key: unknown): unknown {
  if (m instanceof Map) {
    const kk = kindOf(key);
    if (key === undefined) throw new Error('value is nil; should be of type int');
    if (kk !== 'int' && kk !== 'uint') throw new Error(`value has type ${typeName(key)}; should be int`);
    const k = BigInt(num(key));
    for (const [mk, v] of m) if (BigInt(mk) === k) return v;
    return null;
  }
  const t = goTypeOf(m);
  if (key === undefined) throw new Error('value is nil; should be of type string');
  if (typeof key !== 'string') throw new Error(`value has type ${typeName(key)}; should be string`);
  const rec = m as Record<string, unknown>;
  if (Object.hasOwn(rec, key)) return rec[key];
  return t?.elem === 'string' ? '' : null;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  item = nilToInvalid(item);
  if (item === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const k = kindOf(item);
  let len: number;
  if (k === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = byteLen(strOf(item));
  } else if (k === 'slice') len = (item as ArrayLike<unknown>).length;
  else throw new Error(`can't slice item of type ${typeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(nilToInvalid(ix), len);
  });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (k === 'string') {
    const s = strOf(item);
    const out = byteLen(s) === s.length ? s.slice(idx[0], idx[1]) : Buffer.from(s).subarray(idx[0], idx[1]).toString();
    return item instanceof GoStr ? new GoStr(item.type, out) : out;
  }
  const arr = (item as unknown[]).slice(idx[0], idx[1]);
  const t = goTypeOf(item);
  return t ? tag(arr, t) : arr;
}

function call(fn: unknown, ...args: unknown[]): unknown {
  fn = nilToInvalid(fn);
  if (fn === undefined) throw new Error('call of nil');
  if (!(fn instanceof GoFuncValue)) throw new Error(`non-function of type ${typeName(fn)}`);
  const f = fn.f;
  const numIn = f.params.length;
  if (f.variadic !== undefined) {
    if (args.length < numIn) throw new Error(`wrong number of args: got ${args.length} want at least ${numIn}`);
  } else if (args.length !== numIn) throw new Error(`wrong number of args: got ${args.length} want ${numIn}`);
  const argv = args.map((a, i) => {
    a = nilToInvalid(a);
    const t = i < numIn ? f.params[i]! : f.variadic!;
    if (t === 'interface {}') return a === undefined ? null : a;
    if (a === undefined) throw new Error(`arg ${i}: value is nil; should be of type ${t}`);
    if (typeName(a) !== t) throw new Error(`arg ${i}: value has type ${typeName(a)}; should be ${t}`);
    return a;
  });
  return f.fn(...argv);
}

/** evalArgs of funcs.go: a single string as is, otherwise Sprint with invalid values as `<no value>`. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

const V = 'reflect.Value';
const I = 'interface {}';
const fn = (params: string[], f: (...a: Dyn[]) => unknown, variadic?: string): GoFunc =>
  variadic === undefined ? { params, fn: f } : { params, variadic, fn: f };

export const BUILTINS: FuncMap = {
  and: { params: [V], variadic: V, lazy: true, fn: () => undefined },
  or: { params: [V], variadic: V, lazy: true, fn: () => undefined },
  not: fn([V], (a) => !isTrue(nilToInvalid(a))),
  len: fn([V], length),
  index: fn([V], index, V),
  slice: fn([V], slice, V),
  call: fn([V], call, V),
  html: fn([], (...a) => htmlEscape(evalArgs(a)), I),
  js: fn([], (...a) => jsEscape(evalArgs(a)), I),
  urlquery: fn([], (...a) => queryEscape(evalArgs(a)), I),
  print: fn([], (...a) => sprint(a), I),
  println: fn([], (...a) => sprintln(a), I),
  printf: fn(['string'], (f: string, ...a) => sprintf(f, a), I),
  eq: fn([V], eq, V),
  ne: fn([V, V], (a, b) => !eq(a, b)),
  lt: fn([V, V], lt),
  le: fn([V, V], (a, b) => lt(a, b) || eq(a, b)),
  gt: fn([V, V], (a, b) => !(lt(a, b) || eq(a, b))),
  ge: fn([V, V], (a, b) => !lt(a, b)),
};
