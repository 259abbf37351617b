// A deliberately small, safe Markdown renderer. It never parses HTML: every piece of the source
// becomes a text node inside elements created here, so markup in a description shows literally.
// Supported: # headings, paragraphs, - / * / 1. lists, > quotes, ``` code blocks, `code`,
// **bold**, *italic* / _italic_, [links](https://...) (http, https and mailto only), and images
// ![alt](https://...) shown as a link to the image named by its alt text: the page's Content-Security-Policy
// (img-src 'self') would block a picture from elsewhere, and loading one would tell its host who reads the task.
// Every pattern here runs in linear time on any line (issue 12: descriptions are user input): no
// "\s+(.*)$" that backtracks over a run of spaces, no character class that lets one attempt scan past
// the start of the next, and quotes nest at most MAX_QUOTE_DEPTH deep (deeper '>' are text).
import { h } from './dom.js';

const MAX_QUOTE_DEPTH = 8;

export function renderMarkdown(source, depth = 0) {
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
    const heading = /^(#{1,6})\s+([^]*)$/.exec(line);
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
        const task = /^\[([ xX])\]\s+([^]*)$/.exec(text);
        list.append(task
          ? h('li', { class: 'check' }, h('input', { type: 'checkbox', disabled: true, checked: task[1] !== ' ' }), ' ', inline(task[2]))
          : h('li', {}, inline(text)));
        i++;
      }
      root.append(list);
      continue;
    }
    if (depth < MAX_QUOTE_DEPTH && /^>\s?/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) quoted.push(lines[i++].replace(/^>\s?/, ''));
      root.append(h('blockquote', {}, renderMarkdown(quoted.join('\n'), depth + 1)));
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const para = [lines[i++]]; // the first line is text (a '>' beyond MAX_QUOTE_DEPTH included)
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
// (link text holds no '[' and a link target no '[', so an attempt from one '[' never scans past the next)
const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|(?<!\w)_[^_\s][^_]*_(?!\w))|(!?\[[^[\]]*\]\([^)\s[]+\))/g;

/** Inline spans of one line, as nodes. */
function inline(text) {
  const out = document.createDocumentFragment();
  let at = 0;
  INLINE.lastIndex = 0;
  for (let m = INLINE.exec(text); m; INLINE.lastIndex = at, m = INLINE.exec(text)) {
    if (m.index > at) out.append(text.slice(at, m.index));
    const token = m[0];
    if (m[1]) out.append(h('code', {}, token.slice(1, -1)));
    else if (m[2]) out.append(h('strong', {}, inline(token.slice(2, -2))));
    else if (m[3]) out.append(h('em', {}, inline(token.slice(1, -1))));
    else out.append(link(token));
    at = m.index + token.length; // set again before the next search: the calls above reset INLINE.lastIndex
  }
  if (at < text.length) out.append(text.slice(at));
  return out;
}

function link(token) {
  const m = /^(!?)\[([^[\]]*)\]\(([^)\s[]+)\)$/.exec(token);
  const image = m[1] === '!';
  if (!image && !m[2]) return token; // [](...) names nothing to click
  let url;
  try {
    url = new URL(m[3], window.location.origin);
  } catch {
    return token;
  }
  if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) return token;
  const attrs = { href: url.href, rel: 'noopener noreferrer nofollow', target: '_blank' };
  if (!image) return h('a', attrs, m[2]);
  return h('a', { ...attrs, class: 'md-image', title: url.href }, m[2] || url.pathname.split('/').pop() || url.href);
}
