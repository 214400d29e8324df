/** Executor for parsed templates (the walk half of text/template/exec.go). */
import { compareBytes, goQuote } from '../labels/labels.js';
import type { ControlNode, Node, TemplateNode, Tree } from './ast.js';
import { nodeString } from './ast.js';
import { type Escaper, Evaluator, type ExecEnv, ExecError } from './eval.js';
import { sprint1 } from './fmt.js';
import { GoFuncValue, GoNum, goTypeOf, isTrue, kindOf, typeName } from './values.js';

export type { Escaper, ExecEnv, FuncMap, MissingKey } from './eval.js';
export { ExecError, NeedAsync } from './eval.js';

enum Flow {
  Normal,
  Break,
  Continue,
}
const MAX_EXEC_DEPTH = 100000;

/** Executes `tree` with `data`; returns the output or throws ExecError carrying the partial output. */
export function execute(env: ExecEnv, tree: Tree, data: unknown): string {
  const s = new State(env, tree, data);
  try {
    s.walk(data, false, tree.root);
  } catch (e) {
    if (e instanceof ExecError) e.partial = s.out;
    else if (e instanceof RangeError && /call stack/.test(e.message)) {
      const err = new ExecError(s.message(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`));
      err.partial = s.out;
      throw err;
    }
    throw e;
  }
  return s.out;
}

class State extends Evaluator {
  private esc: Escaper | undefined;

  constructor(env: ExecEnv, tree: Tree, data: unknown) {
    super(env, tree, data);
    this.esc = env.makeEscaper?.();
  }

  walk(dot: unknown, dotIface: boolean, node: Node): Flow {
    this.at(node);
    switch (node.k) {
      case 'text':
        this.out += this.esc ? this.esc.text(node.text) : node.text;
        return Flow.Normal;
      case 'action': {
        const val = this.evalPipeline(dot, dotIface, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return Flow.Normal;
      }
      case 'list':
        for (const n of node.nodes) {
          const f = this.walk(dot, dotIface, n);
          if (f !== Flow.Normal) return f;
        }
        return Flow.Normal;
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, dotIface, node);
      case 'range':
        return this.walkRange(dot, dotIface, node);
      case 'template':
        this.walkTemplate(dot, dotIface, node);
        return Flow.Normal;
      case 'break':
        return Flow.Break;
      case 'continue':
        return Flow.Continue;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private printValue(node: Node, v: unknown) {
    this.at(node);
    if (v instanceof GoFuncValue || typeof v === 'function')
      this.errorf(`can't print ${nodeString(node)} of type ${typeName(v)}`);
    if (this.esc) {
      const cmds = node.k === 'action' ? node.pipe.cmds : [];
      const first = cmds[cmds.length - 1]?.args[0];
      this.out += this.esc.value(v, first?.k === 'identifier' ? first.name : '');
    } else this.out += v === undefined ? '<no value>' : sprint1(v);
  }

  private walkIfOrWith(dot: unknown, dotIface: boolean, node: ControlNode): Flow {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, dotIface, node.pipe);
      if (isTrue(val)) {
        return node.k === 'with' ? this.walk(val, false, node.list) : this.walk(dot, dotIface, node.list);
      }
      if (node.elseList) return this.walk(dot, dotIface, node.elseList);
      return Flow.Normal;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, dotIface: boolean, r: ControlNode): Flow {
    this.at(r);
    const mark0 = this.vars.length;
    try {
      const val = this.evalPipeline(dot, dotIface, r.pipe);
      const mark = this.vars.length;
      const ndecl = r.pipe.decl.length;
      // Returns true to stop the loop ({{break}}).
      const one = (index: unknown, elem: unknown, iface: boolean): boolean => {
        if (ndecl > 0) this.vars[this.vars.length - 1]!.value = elem;
        if (ndecl > 1) this.vars[this.vars.length - 2]!.value = index;
        const f = this.walk(elem, iface, r.list);
        this.vars.length = mark;
        return f === Flow.Break;
      };
      let ran = false;
      const k = kindOf(val);
      if (k === 'slice') {
        const arr = val as ArrayLike<unknown>;
        const t = goTypeOf(val);
        const iface = t === undefined && Array.isArray(val);
        ran = arr.length > 0;
        for (let i = 0; i < arr.length; i++) {
          const e = val instanceof Uint8Array ? new GoNum('uint8', BigInt(arr[i] as number)) : arr[i];
          if (one(BigInt(i), e, iface || t?.elem === 'interface {}')) break;
        }
      } else if (k === 'map') {
        const iface = goTypeOf(val) === undefined;
        if (val instanceof Map) {
          const keys = [...val.keys()].sort((a, b) => (Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0));
          ran = keys.length > 0;
          for (const key of keys) if (one(key, val.get(key), true)) break;
        } else {
          const m = val as Record<string, unknown>;
          const keys = Object.keys(m).sort(compareBytes);
          ran = keys.length > 0;
          for (const key of keys) if (one(key, m[key], iface)) break;
        }
      } else if (k === 'int' || k === 'uint') {
        // Go 1.22+: range over an integer.
        const n = typeof val === 'bigint' ? val : BigInt((val as GoNum).v);
        ran = n > 0n;
        for (let i = 0n; i < n; i++) if (one(i, i, false)) break;
      } else if (k !== 'invalid' && k !== 'nil') {
        this.errorf(`range can't iterate over ${sprint1(val)}`);
      }
      if (!ran && r.elseList) return this.walk(dot, dotIface, r.elseList);
      return Flow.Normal;
    } finally {
      this.vars.length = mark0;
    }
  }

  private walkTemplate(dot: unknown, dotIface: boolean, t: TemplateNode) {
    this.at(t);
    const tree = this.env.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, dotIface, t.pipe) : undefined;
    const saved = { tree: this.tree, vars: this.vars };
    this.depth++;
    this.tree = tree;
    this.vars = [{ name: '$', value: newDot, iface: false }];
    this.walk(newDot, false, tree.root);
    this.depth--;
    this.tree = saved.tree;
    this.vars = saved.vars;
  }
}
