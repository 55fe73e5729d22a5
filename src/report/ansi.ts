import { esc } from './html.js';

/**
 * Terminal output as HTML: SGR colours and weights become `<span class="a-…">`, every other
 * escape sequence is dropped, and a line rewritten with `\r` (a progress bar) keeps its last
 * state. Pure; the text comes out escaped.
 */
export function ansiToHtml(text: string): string {
  const lines = text.split('\n').map((line) => {
    if (!line.includes('\r')) return line;
    const parts = line.split('\r').filter((part) => part.length > 0);
    return parts[parts.length - 1] ?? '';
  });
  let html = '';
  let classes: string[] = [];
  let open = false;
  const pattern = /\u001b\[([0-9;:?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
  const source = lines.join('\n');
  let last = 0;
  for (const match of source.matchAll(pattern)) {
    html += esc(source.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] !== 'm' || match[1] === undefined) continue;
    classes = applySgr(classes, match[1]);
    if (open) html += '</span>';
    open = classes.length > 0;
    if (open) html += `<span class="${classes.join(' ')}">`;
  }
  html += esc(source.slice(last));
  return open ? `${html}</span>` : html;
}

function applySgr(current: string[], params: string): string[] {
  const codes = params === '' ? [0] : params.split(/[;:]/).map(Number);
  let classes = [...current];
  const drop = (prefix: string) => {
    classes = classes.filter((c) => !c.startsWith(prefix));
  };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) classes = [];
    else if (code === 1) classes.push('a-b');
    else if (code === 2) classes.push('a-d');
    else if (code === 3) classes.push('a-i');
    else if (code === 4) classes.push('a-u');
    else if (code === 22) classes = classes.filter((c) => c !== 'a-b' && c !== 'a-d');
    else if (code === 23) classes = classes.filter((c) => c !== 'a-i');
    else if (code === 24) classes = classes.filter((c) => c !== 'a-u');
    else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
      drop('a-f');
      classes.push(`a-f${code >= 90 ? code - 82 : code - 30}`);
    } else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
      drop('a-g');
      classes.push(`a-g${code >= 100 ? code - 92 : code - 40}`);
    } else if (code === 39) drop('a-f');
    else if (code === 49) drop('a-g');
    else if (code === 38 || code === 48) i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 1;
  }
  return [...new Set(classes)];
}

const PALETTE = [
  '#1f2328',
  '#cf222e',
  '#1a7f37',
  '#9a6700',
  '#0969da',
  '#8250df',
  '#1b7c83',
  '#6e7781',
  '#57606a',
  '#a40e26',
  '#2da44e',
  '#bf8700',
  '#218bff',
  '#a475f9',
  '#3192aa',
  '#8c959f',
];

export const ANSI_CSS = `.a-b{font-weight:600}.a-d{opacity:.7}.a-i{font-style:italic}.a-u{text-decoration:underline}
${PALETTE.map((color, i) => `.a-f${i}{color:${color}}.a-g${i}{background:${color}33}`).join('')}`;
