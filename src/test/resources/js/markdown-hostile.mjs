// Renders one hostile 1 MB description with the browser's markdown.js under a minimal DOM, and prints
// how many nodes it made. Usage: node markdown-hostile.mjs SHAPE (run by MarkdownHostileInputTest).
// node markdown-hostile.mjs render SOURCE prints the tree SOURCE renders to, as HTML-like text
// (elements with their attributes, text as is; run by MarkdownRenderTest).
class Node {
  constructor(name) { this.name = name; this.children = []; this.dataset = {}; this.style = { setProperty() {} }; }
  append(...nodes) { this.children.push(...nodes); }
  setAttribute(k, v) { this[k] = v; }
  addEventListener() {}
}
globalThis.Node = Node;
globalThis.window = { location: { origin: 'http://localhost' } };
globalThis.document = {
  createElement: (tag) => new Node(tag),
  createDocumentFragment: () => new Node('#fragment'),
  createTextNode: (text) => { const n = new Node('#text'); n.text = text; return n; },
};

const MB = 1 << 20;
const shapes = {
  'brackets': '['.repeat(MB),
  'link targets without end': '[a](b'.repeat(MB / 5),
  'link text then brackets': '[a' + ']('.repeat(MB / 2),
  'image marks': '![]('.repeat(MB / 4),
  'backticks unclosed': '`' + 'a'.repeat(MB),
  'stars': '*a'.repeat(MB / 2),
  'double stars': '**a'.repeat(MB / 3),
  'underscores': ' _a'.repeat(MB / 3),
  'heading then spaces then a separator': '# ' + ' '.repeat(MB) + '\u2028x',
  'task then spaces then a separator': '- [ ] ' + ' '.repeat(MB) + '\u2028x',
  'list markers': '1'.repeat(MB) + ' x',
  'nested quotes': '>'.repeat(MB),
  'quote lines': '> > > > > > > > > > > > x\n'.repeat(MB / 26),
  'many short spans': '`a` **b** *c* _d_ [e](https://e.example) '.repeat(MB / 40),
  'blank lines': '\n'.repeat(MB),
};
const shape = process.argv[2];
if (shape === 'render') {
  const { renderMarkdown } = await import('./markdown.js');
  const show = (n) => {
    if (!(n instanceof Node)) return String(n);
    if (n.name === '#text') return n.text;
    const inner = n.children.map(show).join('');
    if (n.name === '#fragment') return inner;
    const attrs = Object.entries(n)
      .filter(([k, v]) => !['name', 'children', 'dataset', 'style'].includes(k) && typeof v !== 'function')
      .map(([k, v]) => ` ${k}="${v}"`).join('');
    return `<${n.name}${attrs}>${inner}</${n.name}>`;
  };
  console.log(show(renderMarkdown(process.argv[3])));
  process.exit(0);
}
if (!(shape in shapes)) {
  console.error('unknown shape ' + shape + '; known: ' + Object.keys(shapes).join(', '));
  process.exit(2);
}
const { renderMarkdown } = await import('./markdown.js');
const count = (n) => 1 + n.children.reduce((sum, c) => sum + (c instanceof Node ? count(c) : 0), 0);
const root = renderMarkdown(shapes[shape]);
console.log(JSON.stringify({ shape, nodes: count(root) }));
