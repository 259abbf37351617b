// A deliberately small, safe Markdown renderer. It never parses HTML: every piece of the source
// becomes a text node inside elements created here, so markup in a description shows literally.
// Supported: # headings, paragraphs, - / * / 1. lists, > quotes, ``` code blocks, `code`,
// **bold**, *italic* / _italic_, [links](https://...) (http, https and mailto only).
import { h } from './dom.js';

export function renderMarkdown(source) {
  const root = document.createDocumentFragment();
  const lines = String(source || '').replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) code.push(lines[i++]);
      i++;
      root.append(h('pre', {}, h('code', {}, code.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      root.append(h(`h${Math.min(6, heading[1].length + 2)}`, {}, inline(heading[2])));
      i++;
      continue;
    }
    if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const list = h(ordered ? 'ol' : 'ul', {});
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) {
        const text = lines[i].replace(/^\s*([-*+]|\d+[.)])\s+/, '');
        const task = /^\[([ xX])\]\s+(.*)$/.exec(text);
        list.append(task
          ? h('li', { class: 'check' }, h('input', { type: 'checkbox', disabled: true, checked: task[1] !== ' ' }), ' ', inline(task[2]))
          : h('li', {}, inline(text)));
        i++;
      }
      root.append(list);
      continue;
    }
    if (/^>\s?/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) quoted.push(lines[i++].replace(/^>\s?/, ''));
      root.append(h('blockquote', {}, renderMarkdown(quoted.join('\n'))));
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !/^(```|#{1,6}\s|>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i])) para.push(lines[i++]);
    const p = h('p', {});
    para.forEach((text, n) => {
      if (n) p.append(h('br'));
      p.append(inline(text));
    });
    root.append(p);
  }
  return root;
}

// underscores emphasise only at word boundaries, so snake_case and __names__ inside words stay as typed
const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|(?<!\w)_[^_\s][^_]*_(?!\w))|(\[[^\]]+\]\([^)\s]+\))/;

/** Inline spans of one line, as nodes. */
function inline(text) {
  const out = document.createDocumentFragment();
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.append(rest);
      break;
    }
    if (m.index) out.append(rest.slice(0, m.index));
    const token = m[0];
    if (m[1]) out.append(h('code', {}, token.slice(1, -1)));
    else if (m[2]) out.append(h('strong', {}, inline(token.slice(2, -2))));
    else if (m[3]) out.append(h('em', {}, inline(token.slice(1, -1))));
    else out.append(link(token));
    rest = rest.slice(m.index + token.length);
  }
  return out;
}

function link(token) {
  const m = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
  let url;
  try {
    url = new URL(m[2], window.location.origin);
  } catch {
    return token;
  }
  if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) return token;
  return h('a', { href: url.href, rel: 'noopener noreferrer nofollow', target: '_blank' }, m[1]);
}
