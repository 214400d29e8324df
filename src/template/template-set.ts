/** A set of associated templates sharing functions and options, like Go's *template.Template. */
import type { Tree } from './ast.js';
import { isEmptyTree } from './ast.js';
import { BUILTINS } from './builtins.js';
import { type ExecEnv, execute, type FuncMap, type MissingKey } from './exec.js';
import { parseTemplate } from './parser.js';

export class TemplateSet {
  readonly trees = new Map<string, Tree>();
  readonly funcs: FuncMap;
  private env: ExecEnv;

  constructor(funcs: FuncMap = {}, missingKey: MissingKey = 'default') {
    this.funcs = { ...BUILTINS, ...funcs };
    this.env = { trees: this.trees, funcs: this.funcs, missingKey };
  }

  /** A copy sharing nothing mutable, for adding per-render templates to a loaded set. */
  clone(): TemplateSet {
    const c = new TemplateSet({}, this.env.missingKey);
    Object.assign(c.funcs, this.funcs);
    for (const [k, v] of this.trees) c.trees.set(k, v);
    if (this.env.makeEscaper) c.env.makeEscaper = this.env.makeEscaper;
    return c;
  }

  setEscaper(makeEscaper: ExecEnv['makeEscaper']) {
    this.env.makeEscaper = makeEscaper;
  }

  /** Parses `text` as template `name`, adding every definition; throws TemplateError on a parse error. */
  parse(name: string, text: string): this {
    const trees = parseTemplate(name, text, (f) => f in this.funcs);
    this.addTrees(trees);
    return this;
  }

  addTrees(trees: Map<string, Tree>) {
    for (const [n, tree] of trees) {
      // Go's associate: an empty redefinition does not replace an existing template.
      const old = this.trees.get(n);
      if (old !== undefined && isEmptyTree(tree.root)) continue;
      this.trees.set(n, tree);
    }
  }

  /** Executes template `name` of `extra` (parsed separately) with this set's templates visible. */
  executeWith(extra: Map<string, Tree>, name: string, data: unknown): string {
    const tree = extra.get(name) ?? this.trees.get(name);
    if (tree === undefined) throw new Error(`template: no template "${name}" associated with template`);
    const trees = { get: (n: string) => extra.get(n) ?? this.trees.get(n) };
    return execute({ ...this.env, trees }, tree, data);
  }

  /** Parses `text` without adding it to the set (for per-render templates); throws TemplateError. */
  parseDetached(name: string, text: string): Map<string, Tree> {
    return parseTemplate(name, text, (f) => f in this.funcs);
  }

  /** Executes template `name`; throws ExecError (with `.partial`) on failure. */
  execute(name: string, data: unknown): string {
    const tree = this.trees.get(name);
    if (tree === undefined) throw new Error(`template: no template "${name}" associated with template`);
    return execute(this.env, tree, data);
  }
}
