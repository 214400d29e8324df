/** Evaluation of pipelines, commands, fields and calls (the eval half of text/template/exec.go). */
import { goQuote } from '../labels/labels.js';
import type {
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  Node,
  NumberNode,
  PipeNode,
  Tree,
  VariableNode,
} from './ast.js';
import { errorLocation, nodeString } from './ast.js';
import { TemplateError } from './errors.js';
import { type GoFunc, GoNilPtr, GoNum, type GoType, goTypeOf, isTrue, kindOf, typeName } from './values.js';

export type MissingKey = 'default' | 'zero' | 'error';
export type FuncMap = Record<string, GoFunc>;

/** An execution error; `partial` is the output written before it, as Go's writer would have it. */
export class ExecError extends TemplateError {
  partial = '';
}

/** Thrown by an async function whose result is not known yet; the async driver awaits and re-runs. */
export class NeedAsync {
  constructor(
    readonly key: string,
    readonly promise: Promise<unknown>,
  ) {}
}

export const MISSING = Symbol('missingVal');
export type Final = unknown | typeof MISSING;

export interface Variable {
  name: string;
  value: unknown;
  iface: boolean;
}

/** HTML mode: `value` gets the name of the pipeline's final function, to honour Go's predefined escapers. */
export interface Escaper {
  text(s: string): string;
  value(v: unknown, lastFunc: string): string;
}

export interface ExecEnv {
  trees: { get(name: string): Tree | undefined };
  funcs: FuncMap;
  missingKey: MissingKey;
  /** HTML mode: a fresh contextual escaper per execution. */
  makeEscaper?: () => Escaper;
}

/** Evaluates expressions against dot and the variable stack; the walker (exec.ts) extends it. */
export class Evaluator {
  out = '';
  node: Node | null = null;
  vars: Variable[];
  depth = 0;
  lastIface = false;

  constructor(
    protected env: ExecEnv,
    protected tree: Tree,
    data: unknown,
  ) {
    this.vars = [{ name: '$', value: data, iface: false }];
  }

  at(n: Node) {
    this.node = n;
  }

  message(msg: string): string {
    const name = goQuote(this.tree.name);
    if (this.node === null) return `template: ${this.tree.name}: ${msg}`;
    return `template: ${errorLocation(this.tree, this.node.pos)}: executing ${name} at <${nodeString(this.node)}>: ${msg}`;
  }

  errorf(msg: string): never {
    throw new ExecError(this.message(msg));
  }

  evalPipeline(dot: unknown, dotIface: boolean, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, dotIface, cmd, value);
      // A nil interface{} digs down to the invalid value.
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value, iface: false });
    }
    return value;
  }

  private setVar(name: string, value: unknown) {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        this.vars[i]!.iface = false;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!;
    this.errorf(`undefined variable: ${name}`);
  }

  private notAFunction(args: Node[] | null, final: Final) {
    if ((args !== null && args.length > 1) || final !== MISSING)
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
  }

  protected evalCommand(dot: unknown, dotIface: boolean, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.k) {
      case 'field':
        return this.evalFieldNode(dot, dotIface, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, dotIface, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, dotIface, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, dotIface, first);
      case 'variable':
        return this.evalVariableNode(dot, dotIface, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.k) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  private idealConstant(n: NumberNode): unknown {
    this.at(n);
    const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHexInt && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return n.int;
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: unknown, dotIface: boolean, field: FieldNode, args: Node[] | null, final: Final) {
    this.at(field);
    return this.evalFieldChain(dot, dotIface, dot, dotIface, field, field.ident, 0, args, final);
  }

  private evalChainNode(dot: unknown, dotIface: boolean, chain: ChainNode, args: Node[] | null, final: Final) {
    this.at(chain);
    if (chain.node.k === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, dotIface, null, chain.node);
    return this.evalFieldChain(dot, dotIface, pipe, false, chain, chain.field, 0, args, final);
  }

  private evalVariableNode(dot: unknown, dotIface: boolean, v: VariableNode, args: Node[] | null, final: Final) {
    this.at(v);
    const variable = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      this.lastIface = variable.iface;
      return variable.value;
    }
    return this.evalFieldChain(dot, dotIface, variable.value, variable.iface, v, v.ident, 1, args, final);
  }

  private evalFieldChain(
    dot: unknown,
    dotIface: boolean,
    receiver: unknown,
    iface: boolean,
    node: Node,
    ident: string[],
    start: number,
    args: Node[] | null,
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = start; i < n - 1; i++) {
      receiver = this.evalField(dot, dotIface, ident[i]!, node, null, MISSING, receiver, iface);
      iface = this.lastIface;
    }
    return this.evalField(dot, dotIface, ident[n - 1]!, node, args, final, receiver, iface);
  }

  private evalFunction(
    dot: unknown,
    dotIface: boolean,
    node: IdentifierNode,
    cmd: Node,
    args: Node[] | null,
    final: Final,
  ): unknown {
    this.at(node);
    const fn = this.env.funcs[node.name];
    if (fn === undefined) this.errorf(`${goQuote(node.name)} is not a defined function`);
    return this.evalCall(dot, dotIface, fn, [], cmd, node.name, args, final);
  }

  private evalField(
    dot: unknown,
    dotIface: boolean,
    name: string,
    node: Node,
    args: Node[] | null,
    final: Final,
    receiver: unknown,
    iface: boolean,
  ): unknown {
    this.lastIface = false;
    if (receiver === undefined || (receiver === null && !iface)) {
      if (this.env.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    const typ = () => (iface ? 'interface {}' : typeName(receiver));
    if (receiver === null) this.errorf(`nil pointer evaluating ${typ()}.${name}`);
    const t = receiver instanceof GoNilPtr ? receiver.type : goTypeOf(receiver);
    const method = t?.methods?.[name] ?? methodOfBuiltinType(receiver, name);
    if (method !== undefined) {
      if (receiver instanceof GoNilPtr) this.errorf(`nil pointer evaluating ${typ()}.${name}`);
      return this.evalCall(dot, dotIface, method, [receiver], node, name, args, final);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    const k = kindOf(receiver);
    if ((k === 'struct' || k === 'ptr') && t?.fields?.[name] !== undefined) {
      if (receiver instanceof GoNilPtr) this.errorf(`nil pointer evaluating ${typ()}.${name}`);
      if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
      return t.fields[name]!(receiver);
    }
    if (k === 'map' && !(receiver instanceof Map)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      const m = receiver as Record<string, unknown>;
      if (Object.hasOwn(m, name)) {
        this.lastIface = t === undefined || t.elem === 'interface {}';
        return m[name];
      }
      switch (this.env.missingKey) {
        case 'zero':
          if (t?.elem === 'string') return '';
          this.lastIface = true;
          return null;
        case 'error':
          this.errorf(`map has no entry for key ${goQuote(name)}`);
      }
      return undefined;
    }
    this.errorf(`can't evaluate field ${name} in type ${typ()}`);
  }

  private evalCall(
    dot: unknown,
    dotIface: boolean,
    fn: GoFunc,
    bound: unknown[],
    node: Node,
    name: string,
    args: Node[] | null,
    final: Final,
  ): unknown {
    const argNodes = args === null ? [] : args.slice(1);
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    const numFixed = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== numFixed) this.errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);

    if (fn.lazy) {
      // and/or: evaluate operands one at a time, return the deciding one.
      const isOr = name === 'or';
      let v: unknown;
      for (const a of argNodes) {
        v = this.evalArg(dot, dotIface, 'reflect.Value', a);
        if (isTrue(v) === isOr) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: unknown[] = [...bound];
    let i = 0;
    for (; i < numFixed && i < argNodes.length; i++)
      argv.push(this.evalArg(dot, dotIface, fn.params[i]!, argNodes[i]!));
    if (fn.variadic !== undefined)
      for (; i < argNodes.length; i++) argv.push(this.evalArg(dot, dotIface, fn.variadic, argNodes[i]!));
    if (final !== MISSING) {
      let t = fn.params[numFixed - 1] ?? fn.variadic!;
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      argv.push(this.validateType(final, t));
    }
    try {
      return fn.fn(...argv);
    } catch (e) {
      if (e instanceof NeedAsync) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private validateType(value: unknown, typ: string | null): unknown {
    if (typ === null || typ === 'reflect.Value') return value;
    if (value === undefined || value === null) {
      if (typ === 'interface {}') return null;
      if (canBeNil(typ)) return null;
      if (value === null) this.errorf(`wrong type for value; expected ${typ}; got interface {}`);
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === 'interface {}') return value;
    if (assignable(value, typ)) return value;
    this.errorf(`wrong type for value; expected ${typ}; got ${typeName(value)}`);
  }

  private evalArg(dot: unknown, dotIface: boolean, typ: string | null, n: Node): unknown {
    this.at(n);
    switch (n.k) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'reflect.Value') return undefined;
        if (typ !== null && (typ === 'interface {}' || canBeNil(typ))) return null;
        return this.errorf(`cannot assign nil to ${typ}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, dotIface, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, dotIface, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, dotIface, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, dotIface, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, dotIface, n, null, MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.k === 'bool') return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64':
        if (n.k === 'number' && n.isFloat) return n.float;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (n.k === 'number' && n.isInt) return n.int;
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'interface {}':
      case 'reflect.Value':
        return this.evalEmptyInterface(n);
      case 'string':
        if (n.k === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }

  private evalEmptyInterface(n: Node): unknown {
    this.at(n);
    switch (n.k) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }
}

const canBeNil = (typ: string) =>
  typ.startsWith('[]') || typ.startsWith('map[') || typ.startsWith('*') || typ.startsWith('func');

/** Go assignability for our named types: identical names, or a named type to its unnamed underlying type. */
function assignable(v: unknown, typ: string): boolean {
  const name = typeName(v);
  if (name === typ) return true;
  const t: GoType | undefined = goTypeOf(v);
  if (t?.kind === 'slice' && typ === `[]${t.elem}` && !typ.includes('.')) return true;
  if (t?.kind === 'map' && typ === `map[string]${t.elem}`) return true;
  return false;
}

/** Methods of values that are not GoType-tagged objects (time.Duration). */
function methodOfBuiltinType(v: unknown, name: string): GoFunc | undefined {
  if (v instanceof GoNum && (v.type === 'time.Duration' || v.type === '*time.Duration')) {
    return DURATION_METHODS[name];
  }
  return undefined;
}

const nsOf = (d: GoNum) => BigInt(d.v);
const DURATION_METHODS: Record<string, GoFunc> = {
  Seconds: { params: [], fn: (d: GoNum) => Number(nsOf(d)) / 1e9 },
  Minutes: { params: [], fn: (d: GoNum) => Number(nsOf(d)) / 6e10 },
  Hours: { params: [], fn: (d: GoNum) => Number(nsOf(d)) / 3.6e12 },
  Milliseconds: { params: [], fn: (d: GoNum) => new GoNum('int64', nsOf(d) / 1_000_000n) },
  Nanoseconds: { params: [], fn: (d: GoNum) => new GoNum('int64', nsOf(d)) },
};
