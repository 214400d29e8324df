/** AST of Go text/template (text/template/parse/node.go); `pos` is a UTF-16 offset into the tree's source. */

export type Node =
  | TextNode
  | ActionNode
  | PipeNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | ControlNode
  | TemplateNode
  | BreakNode
  | ContinueNode
  | ListNode;

export interface ListNode {
  k: 'list';
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  k: 'text';
  pos: number;
  text: string;
}
export interface ActionNode {
  k: 'action';
  pos: number;
  line: number;
  pipe: PipeNode;
}
export interface PipeNode {
  k: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  k: 'command';
  pos: number;
  args: Node[];
}
export interface IdentifierNode {
  k: 'identifier';
  pos: number;
  name: string;
}
export interface VariableNode {
  k: 'variable';
  pos: number;
  ident: string[];
}
export interface DotNode {
  k: 'dot';
  pos: number;
}
export interface NilNode {
  k: 'nil';
  pos: number;
}
export interface FieldNode {
  k: 'field';
  pos: number;
  ident: string[];
}
export interface ChainNode {
  k: 'chain';
  pos: number;
  node: Node;
  field: string[];
}
export interface BoolNode {
  k: 'bool';
  pos: number;
  value: boolean;
}
/** A numeric constant with every interpretation Go's parser found valid. */
export interface NumberNode {
  k: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: bigint;
  uint: bigint;
  float: number;
}
export interface StringNode {
  k: 'string';
  pos: number;
  quoted: string;
  text: string;
}
export interface ControlNode {
  k: 'if' | 'range' | 'with';
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode {
  k: 'template';
  pos: number;
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode {
  k: 'break';
  pos: number;
  line: number;
}
export interface ContinueNode {
  k: 'continue';
  pos: number;
  line: number;
}

/** A parsed template: its root list plus the source used for error positions. */
export interface Tree {
  name: string;
  parseName: string;
  text: string;
  root: ListNode;
}

/** Go's Node.String(), used in `executing "x" at <...>` error contexts. */
export function nodeString(n: Node): string {
  switch (n.k) {
    case 'text':
      return JSON.stringify(n.text);
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} `;
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.k === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.name;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((f) => `.${f}`).join('');
    case 'chain': {
      const inner = n.node.k === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => `.${f}`).join('');
    }
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'if':
    case 'range':
    case 'with': {
      const e = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.k} ${nodeString(n.pipe)}}}${nodeString(n.list)}${e}{{end}}`;
    }
    case 'template':
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'list':
      return n.nodes.map(nodeString).join('');
  }
}

/** Go's parse.IsEmptyTree: only whitespace text (and comments). */
export function isEmptyTree(n: Node): boolean {
  if (n.k === 'list') return n.nodes.every(isEmptyTree);
  if (n.k === 'text') return n.text.trim() === '';
  return false;
}

/** "template: NAME:LINE:COL" for a node position, as Go's Tree.ErrorContext (columns count bytes). */
export function errorLocation(tree: Tree, pos: number): string {
  const before = tree.text.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  const lineText = before.slice(nl + 1);
  const col = /^[\x00-\x7f]*$/.test(lineText) ? lineText.length : Buffer.byteLength(lineText);
  return `${tree.parseName}:${line}:${col}`;
}
