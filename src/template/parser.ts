/** Parser for Go text/template (a port of text/template/parse/parse.go, Go 1.19 behaviour). */
import type {
  CommandNode,
  ControlNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  StringNode,
  TemplateNode,
  Tree,
  VariableNode,
} from './ast.js';
import { isEmptyTree, nodeString } from './ast.js';
import { TemplateError } from './errors.js';
import { lex, T, type Token } from './lexer.js';
import { parseNumberLiteral, unquoteGo } from './literals.js';

interface EndNode {
  k: 'end';
  pos: number;
}
interface ElseNode {
  k: 'else';
  pos: number;
  line: number;
}
type ParsedItem = Node | EndNode | ElseNode;

const itemString = (t: Token): string => {
  if (t.t === T.EOF) return 'EOF';
  if (t.t === T.Error) return t.val;
  if (t.t > T.Variable) return `<${t.val}>`;
  const q = JSON.stringify(t.val);
  if ([...t.val].length > 10) return `${goQuotePrefix(t.val, 10)}...`;
  return q;
};
// Go's %.10q: quote the first 10 runes.
const goQuotePrefix = (s: string, n: number) => JSON.stringify([...s].slice(0, n).join(''));
const itemNodeString = (n: ParsedItem) =>
  n.k === 'end' ? '{{end}}' : n.k === 'else' ? '{{else}}' : nodeString(n as Node);

/**
 * Parses `text` as template `name`; returns every tree it defines (the top-level one under `name`).
 * `hasFunc` says whether an identifier is a known function.
 */
export function parseTemplate(name: string, text: string, hasFunc: (n: string) => boolean): Map<string, Tree> {
  const p = new Parser(name, text, hasFunc);
  return p.parseAll();
}

class Parser {
  private tokens: Token[];
  private i = 0;
  private furthest = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  private treeSet = new Map<string, Tree>();

  constructor(
    private name: string,
    private text: string,
    private hasFunc: (n: string) => boolean,
  ) {
    this.tokens = lex(text);
  }

  parseAll(): Map<string, Tree> {
    const root: ListNode = { k: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().t !== T.EOF) {
      if (this.peek().t === T.LeftDelim) {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().t === T.Define) {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.k === 'end' || n.k === 'else') this.errorf(`unexpected ${itemNodeString(n)}`);
      root.nodes.push(n as Node);
    }
    this.add(this.name, root);
    return this.treeSet;
  }

  private add(name: string, root: ListNode) {
    const existing = this.treeSet.get(name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(name, { name, parseName: this.name, text: this.text, root });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${JSON.stringify(name)}`);
  }

  private errorf(msg: string): never {
    const line = this.tokens[Math.min(this.furthest, this.tokens.length - 1)]!.line;
    throw new TemplateError(`template: ${this.name}:${line}: ${msg}`);
  }

  private next(): Token {
    const t = this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!;
    if (this.i < this.tokens.length - 1 || t.t !== T.EOF) this.i++;
    if (this.i - 1 > this.furthest) this.furthest = this.i - 1;
    return t;
  }
  private backup() {
    this.i--;
  }
  private peek(): Token {
    const t = this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!;
    if (this.i > this.furthest) this.furthest = this.i;
    return t;
  }
  private nextNonSpace(): Token {
    let t: Token;
    do t = this.next();
    while (t.t === T.Space);
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private expect(t: T, context: string): Token {
    const tok = this.nextNonSpace();
    if (tok.t !== t) this.unexpected(tok, context);
    return tok;
  }
  private unexpected(tok: Token, context: string): never {
    if (tok.t === T.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== tok.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (tok.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${tok.val}${extra}`);
    }
    this.errorf(`unexpected ${itemString(tok)} in ${context}`);
  }

  private parseDefinition() {
    const context = 'define clause';
    const tok = this.nextNonSpace();
    if (tok.t !== T.String && tok.t !== T.RawString) this.unexpected(tok, context);
    const name = this.unquote(tok.val);
    this.expect(T.RightDelim, context);
    const savedVars = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.k !== 'end') this.errorf(`unexpected ${itemNodeString(end)} in ${context}`);
    this.add(name, list);
    this.vars = savedVars;
  }

  private unquote(q: string): string {
    const s = unquoteGo(q);
    if (s === null) this.errorf('invalid syntax');
    return s;
  }

  private itemList(): [ListNode, ParsedItem] {
    const list: ListNode = { k: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().t !== T.EOF) {
      const n = this.textOrAction();
      if (n.k === 'end' || n.k === 'else') return [list, n];
      list.nodes.push(n as Node);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): ParsedItem {
    const tok = this.nextNonSpace();
    if (tok.t === T.Text) return { k: 'text', pos: tok.pos, text: tok.val };
    if (tok.t === T.LeftDelim) {
      this.actionLine = tok.line;
      try {
        return this.action();
      } finally {
        this.actionLine = 0;
      }
    }
    this.unexpected(tok, 'input');
  }

  private action(): ParsedItem {
    const tok = this.nextNonSpace();
    switch (tok.t) {
      case T.Block:
        return this.blockControl();
      case T.Break:
      case T.Continue: {
        const word = tok.t === T.Break ? 'break' : 'continue';
        const after = this.nextNonSpace();
        if (after.t !== T.RightDelim) this.unexpected(after, `{{${word}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
        return { k: word, pos: tok.pos, line: tok.line };
      }
      case T.Else: {
        const peek = this.peekNonSpace();
        // "else if" (and Go 1.23's "else with"): leave the keyword for the enclosing control to chain.
        if (peek.t === T.If || peek.t === T.With) return { k: 'else', pos: peek.pos, line: peek.line };
        const t2 = this.expect(T.RightDelim, 'else');
        return { k: 'else', pos: t2.pos, line: t2.line };
      }
      case T.End:
        return { k: 'end', pos: this.expect(T.RightDelim, 'end').pos };
      case T.If:
        return this.control('if');
      case T.Range:
        return this.control('range');
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.control('with');
    }
    this.backup();
    const t = this.peek();
    return { k: 'action', pos: t.pos, line: t.line, pipe: this.pipeline('command', T.RightDelim) };
  }

  private pipeline(context: string, end: T): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { k: 'pipe', pos: start.pos, line: start.line, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.t !== T.Variable) break;
      this.nextNonSpace();
      const afterVarIdx = this.i;
      const tokenAfterVariable = this.peek();
      const nxt = this.peekNonSpace();
      if (nxt.t === T.Assign || nxt.t === T.Declare) {
        pipe.isAssign = nxt.t === T.Assign;
        this.nextNonSpace();
        pipe.decl.push({ k: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
      } else if (nxt.t === T.Char && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ k: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().t;
          if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        // Not a declaration: push the variable back.
        this.i = tokenAfterVariable.t === T.Space ? afterVarIdx - 1 : afterVarIdx - 1;
      }
      break;
    }
    for (;;) {
      const tok = this.nextNonSpace();
      if (tok.t === end) {
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
        for (let i = 1; i < pipe.cmds.length; i++) {
          const k = pipe.cmds[i]!.args[0]!.k;
          if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string')
            this.errorf(`non executable command in pipeline stage ${i + 1}`);
        }
        return pipe;
      }
      switch (tok.t) {
        case T.Bool:
        case T.CharConstant:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(tok, context);
      }
    }
  }

  private control(kind: 'if' | 'range' | 'with'): ControlNode {
    const nvars = this.vars.length;
    const pipe = this.pipeline(kind, T.RightDelim);
    if (kind === 'range') this.rangeDepth++;
    let [list, next] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.k === 'else') {
      const chained = this.peek().t;
      if ((kind === 'if' && chained === T.If) || (kind === 'with' && chained === T.With)) {
        this.next();
        elseList = { k: 'list', pos: next.pos, nodes: [this.control(kind)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.k !== 'end') this.errorf(`expected end; found ${itemNodeString(next)}`);
      }
    }
    this.vars.length = nvars;
    return { k: kind, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
  }

  private templateName(tok: Token, context: string): string {
    if (tok.t === T.String || tok.t === T.RawString) return this.unquote(tok.val);
    this.unexpected(tok, context);
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const tok = this.nextNonSpace();
    const name = this.templateName(tok, context);
    const pipe = this.pipeline(context, T.RightDelim);
    const savedVars = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.k !== 'end') this.errorf(`unexpected ${itemNodeString(end)} in ${context}`);
    this.add(name, list);
    this.vars = savedVars;
    return { k: 'template', pos: tok.pos, line: tok.line, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const tok = this.nextNonSpace();
    const name = this.templateName(tok, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().t !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { k: 'template', pos: tok.pos, line: tok.line, name, pipe };
  }

  private command(): CommandNode {
    const cmd: CommandNode = { k: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const tok = this.next();
      if (tok.t === T.Space) continue;
      if (tok.t === T.RightDelim || tok.t === T.RightParen) this.backup();
      else if (tok.t !== T.Pipe) this.unexpected(tok, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().t !== T.Field) return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().t === T.Field) fields.push(this.next().val.slice(1));
    switch (node.k) {
      case 'field':
        return { k: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { k: 'variable', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
    }
    return { k: 'chain', pos: chainPos, node, field: fields };
  }

  private term(): Node | null {
    const tok = this.nextNonSpace();
    switch (tok.t) {
      case T.Identifier:
        if (!this.hasFunc(tok.val)) this.errorf(`function ${JSON.stringify(tok.val)} not defined`);
        return { k: 'identifier', pos: tok.pos, name: tok.val };
      case T.Dot:
        return { k: 'dot', pos: tok.pos };
      case T.Nil:
        return { k: 'nil', pos: tok.pos };
      case T.Variable: {
        const ident = tok.val.split('.');
        if (!this.vars.includes(ident[0]!)) this.errorf(`undefined variable ${JSON.stringify(ident[0])}`);
        return { k: 'variable', pos: tok.pos, ident } satisfies VariableNode;
      }
      case T.Field:
        return { k: 'field', pos: tok.pos, ident: [tok.val.slice(1)] };
      case T.Bool:
        return { k: 'bool', pos: tok.pos, value: tok.val === 'true' };
      case T.CharConstant:
      case T.Number:
        return this.number(tok);
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String:
      case T.RawString:
        return { k: 'string', pos: tok.pos, quoted: tok.val, text: this.unquote(tok.val) } satisfies StringNode;
    }
    this.backup();
    return null;
  }

  private number(tok: Token): NumberNode {
    const r = parseNumberLiteral(tok.val, tok.t === T.CharConstant);
    if (typeof r === 'string') this.errorf(r);
    return { k: 'number', pos: tok.pos, text: tok.val, ...r };
  }
}
