/**
 * How Go values are represented in JavaScript:
 * string → string, float64 → number, int → bigint, bool → boolean, nil → null, invalid reflect.Value → undefined,
 * other numeric kinds → GoNum, named string types → GoStr, []interface{} → Array, map[string]interface{} → plain
 * object. Typed slices, maps and structs carry a GoType under the GO_TYPE symbol.
 */

export const GO_TYPE: unique symbol = Symbol('goType');

/** Go functions, receivers and struct fields are dynamically typed at this boundary. */
// biome-ignore lint/suspicious/noExplicitAny: template values are Go's interface{}
export type Dyn = any;

/** A Go function or method signature plus its implementation. */
export interface GoFunc {
  /** Parameter type names; 'reflect.Value' receives the raw (possibly undefined) value. */
  params: string[];
  /** Element type of a trailing variadic parameter. */
  variadic?: string;
  /** The function returns (value, error): a thrown Error becomes "error calling NAME: msg". */
  fn: (...args: Dyn[]) => unknown;
  /** Receives unevaluated arguments (and/or short-circuit). */
  lazy?: boolean;
}

export interface GoType {
  name: string;
  kind: 'struct' | 'ptr' | 'map' | 'slice' | 'string' | 'func';
  /** Exported struct fields. */
  fields?: Record<string, (recv: Dyn) => unknown>;
  /** Methods; receivers are bound as the first argument. */
  methods?: Record<string, GoFunc>;
  /** fmt.Stringer / error: how fmt prints the value. */
  str?: (recv: Dyn) => string;
  /** Map element type name (for the missingkey=zero value) or slice element type name. */
  elem?: string;
}

export type NumKind = 'int64' | 'int32' | 'uint' | 'uint64' | 'uint8' | 'float32' | 'time.Duration' | '*time.Duration';

/** A numeric value whose Go type is neither int (bigint) nor float64 (number). */
export class GoNum {
  constructor(
    readonly type: NumKind,
    readonly v: bigint | number,
  ) {}
}

/** A value of a named string type such as html/template.HTML. */
export class GoStr {
  constructor(
    readonly type: GoType,
    readonly v: string,
  ) {}
}

/** A nil pointer of a known type. */
export class GoNilPtr {
  constructor(readonly type: GoType) {}
}

/** A function value usable with `call`. */
export class GoFuncValue {
  constructor(
    readonly typeName: string,
    readonly f: GoFunc,
  ) {}
}

export const HTML_TYPE: GoType = { name: 'template.HTML', kind: 'string' };
export const URL_TYPE: GoType = { name: 'template.URL', kind: 'string' };

const protos = new WeakMap<GoType, object>();

/**
 * Gives a value its Go type. Arrays get an own symbol property; objects are copied onto a per-type prototype that
 * carries the type (adding a symbol to a fresh object literal sends V8 to a slow path costing microseconds).
 */
export function tag<T extends object>(v: T, type: GoType): T {
  if (Array.isArray(v)) {
    (v as Dyn)[GO_TYPE] = type;
    return v;
  }
  let proto = protos.get(type);
  if (proto === undefined) {
    proto = Object.create(null) as object;
    (proto as Dyn)[GO_TYPE] = type;
    protos.set(type, proto);
  }
  return Object.assign(Object.create(proto), v);
}

export function goTypeOf(v: unknown): GoType | undefined {
  return v !== null && typeof v === 'object' ? ((v as Dyn)[GO_TYPE] as GoType | undefined) : undefined;
}

/** Go's type name of a value, as printed in error messages and %T. */
export function typeName(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return '<nil>';
    case 'function':
      return 'func';
  }
  if (v === null) return '<nil>';
  if (v instanceof GoNum) return v.type;
  if (v instanceof GoStr || v instanceof GoNilPtr) return v.type.name;
  if (v instanceof GoFuncValue) return v.typeName;
  const t = goTypeOf(v);
  if (t) return t.name;
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return 'map[int]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  return 'map[string]interface {}';
}

export type Kind =
  | 'invalid'
  | 'bool'
  | 'int'
  | 'uint'
  | 'float'
  | 'string'
  | 'slice'
  | 'map'
  | 'struct'
  | 'ptr'
  | 'func'
  | 'nil';

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'invalid';
  }
  if (v === null) return 'nil';
  if (v instanceof GoNum) {
    if (v.type === 'float32') return 'float';
    if (v.type === 'uint' || v.type === 'uint64' || v.type === 'uint8') return 'uint';
    if (v.type === '*time.Duration') return 'ptr';
    return 'int';
  }
  if (v instanceof GoStr) return 'string';
  if (v instanceof GoNilPtr) return 'ptr';
  if (v instanceof GoFuncValue) return 'func';
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (v instanceof Map) return 'map';
  const t = goTypeOf(v);
  if (t) return t.kind === 'string' ? 'string' : t.kind;
  return 'map';
}

/** The string inside a string-kinded value. */
export const strOf = (v: unknown): string => (typeof v === 'string' ? v : (v as GoStr).v);

/** Go's isTrue; `ok` false means the value has no truth value (never for our kinds). */
export function isTrue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'boolean':
      return v;
    case 'undefined':
      return false;
  }
  if (v === null) return false;
  if (v instanceof GoNum) return v.v !== 0 && v.v !== 0n;
  if (v instanceof GoStr) return v.v.length > 0;
  if (v instanceof GoNilPtr) return false;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  const t = goTypeOf(v);
  if (t === undefined) return Object.keys(v as object).length > 0;
  if (t.kind === 'map') return Object.keys(v as object).length > 0;
  return true;
}

/** Length in bytes of a Go string. */
export function byteLen(s: string): number {
  return /^[\x00-\x7f]*$/.test(s) ? s.length : Buffer.byteLength(s);
}
