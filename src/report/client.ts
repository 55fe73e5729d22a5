/**
 * The page's only script (allowed by its hash in the CSP). It renders a file's diffs when its
 * row is opened: every candidate that touched the file gets a column. The diffs sit in data
 * blocks at the end of the page, deflated; nothing is rendered before it is asked for.
 */
export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var body = document.body;
  var task = body.getAttribute('data-task');
  var KIND = { c: 'committed', u: 'uncommitted', n: 'untracked' };
  var blocks = new Map();
  var index = document.getElementById('index');
  function block(id) {
    var found = blocks.get(id);
    if (found) return found;
    found = { files: new Map(), chunks: new Map(), inflated: new Map() };
    var el = document.getElementById(id);
    if (el) {
      var lines = el.textContent.split('\\n');
      for (var i = 0; i < lines.length; i++) {
        var parts = lines[i].split(',');
        if (parts.length === 2 && parts[0].charAt(0) === '=') found.chunks.set(parts[0].slice(1), parts[1]);
        else if (parts.length === 6) found.files.set(parts[0], { flags: +parts[1], bytes: +parts[2], chunk: parts[3], start: +parts[4], end: +parts[5] });
      }
    }
    blocks.set(id, found);
    return found;
  }
  function inflate(data) {
    var bin = atob(data);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }
  async function textOf(found, entry) {
    if (entry.start === entry.end) return '';
    var chunk = found.inflated.get(entry.chunk);
    if (!chunk) {
      chunk = inflate(found.chunks.get(entry.chunk));
      found.inflated.set(entry.chunk, chunk);
    }
    return new TextDecoder().decode((await chunk).subarray(entry.start, entry.end));
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function line(table, cls, a, b, text) {
    var tr = el('tr', cls);
    tr.append(el('td', 'ln', a), el('td', 'ln', b), el('td', 'tx', text));
    table.append(tr);
  }
  function renderDiff(text) {
    var table = el('table', 'diff');
    var lines = text.split('\\n');
    var oldNo = 0, newNo = 0, inHunk = false;
    for (var i = 0; i < lines.length; i++) {
      var l = lines[i];
      if (i === lines.length - 1 && l === '') break;
      var hunk = /^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@/.exec(l);
      if (hunk) {
        oldNo = +hunk[1]; newNo = +hunk[2]; inHunk = true;
        line(table, 'hunk', '', '', l);
      } else if (!inHunk || l.charAt(0) === '\\\\') {
        if (/^(diff --git|index |--- |\\+\\+\\+ )/.test(l)) continue;
        line(table, 'meta', '', '', l);
      } else if (l.charAt(0) === '+') line(table, 'add', '', String(newNo++), l.slice(1));
      else if (l.charAt(0) === '-') line(table, 'del', String(oldNo++), '', l.slice(1));
      else if (l.slice(0, 11) === 'diff --git ') { inHunk = false; }
      else line(table, 'ctx', String(oldNo++), String(newNo++), l.slice(1));
    }
    if (!table.firstChild) line(table, 'meta', '', '', '(no content change)');
    return table;
  }
  function renderNew(text) {
    var table = el('table', 'diff');
    var lines = text.split('\\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (var i = 0; i < lines.length; i++) line(table, 'add', '', String(i + 1), lines[i]);
    if (!lines.length) line(table, 'meta', '', '', '(empty file)');
    return table;
  }
  function size(bytes) {
    return bytes < 1024 ? bytes + ' B' : bytes < 1048576 ? (bytes / 1024).toFixed(1) + ' KiB' : (bytes / 1048576).toFixed(1) + ' MiB';
  }
  function seeAll(kind, n, path, worktree) {
    if (kind === 'c') return 'parallel diff ' + task + ' ' + n;
    if (kind === 'u') return 'git -C ' + worktree + ' diff HEAD -- ' + path;
    return worktree + '/' + path;
  }
  function note(parent, cls, text, command) {
    var p = el('p', cls, text);
    if (command) { p.append(' '); p.append(el('code', '', command)); }
    parent.append(p);
  }
  var heads = index ? index.tHead.rows[0].cells : [];
  async function fill(col, cell, row, path) {
    var pos = cell.cellIndex - 1;
    var n = heads[cell.cellIndex].getAttribute('data-n');
    var worktree = document.getElementById('candidate-' + n).getAttribute('data-worktree');
    var kinds = cell.getAttribute('data-k');
    for (var i = 0; i < kinds.length; i++) {
      var kind = kinds.charAt(i);
      col.append(el('h4', 'kind', KIND[kind]));
      var found = block('z-' + pos + '-' + kind);
      var entry = found.files.get(row);
      if (!entry) { note(col, 'warn', 'Left out: the report reached its size cap. See it with', seeAll(kind, n, path, worktree)); continue; }
      if (entry.flags & 4) { note(col, 'warn', 'Could not be read when the report was written.'); continue; }
      if (entry.flags & 2) { note(col, 'dim', 'Binary file, ' + size(entry.bytes) + '.'); continue; }
      var text = await textOf(found, entry);
      col.append(kind === 'n' ? renderNew(text) : renderDiff(text));
      if (entry.flags & 1) note(col, 'warn', 'Cut: ' + size(entry.bytes) + ' in all. See all of it with', seeAll(kind, n, path, worktree));
    }
  }
  async function toggle(tr) {
    var next = tr.nextElementSibling;
    if (next && next.classList.contains('open')) { next.remove(); tr.classList.remove('is-open'); return; }
    tr.classList.add('is-open');
    var row = tr.getAttribute('data-r');
    var path = tr.firstElementChild.textContent;
    var cells = tr.querySelectorAll('td[data-k]');
    var detail = el('tr', 'open');
    var td = el('td');
    td.colSpan = tr.children.length;
    var grid = el('div', 'grid');
    grid.style.gridTemplateColumns = 'repeat(' + cells.length + ', minmax(360px, 1fr))';
    td.append(grid);
    detail.append(td);
    tr.after(detail);
    for (var i = 0; i < cells.length; i++) {
      var col = el('div', 'col');
      var head = heads[cells[i].cellIndex];
      col.setAttribute('data-candidate', head.getAttribute('data-n'));
      col.append(el('h3', '', '#' + head.getAttribute('data-n') + ' ' + head.getAttribute('data-a')));
      grid.append(col);
    }
    for (var j = 0; j < cells.length; j++) {
      try { await fill(grid.children[j], cells[j], row, path); }
      catch (e) { note(grid.children[j], 'warn', 'Could not show this diff: ' + e.message); }
    }
  }
  if (index) index.addEventListener('click', function (event) {
    var tr = event.target.closest('tr[data-r]');
    if (tr) toggle(tr);
  });
  var filter = document.getElementById('filter');
  var timer;
  if (filter && index) filter.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var wanted = filter.value.toLowerCase();
      var rows = index.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        var path = r.hasAttribute('data-r') ? r.firstElementChild.textContent.toLowerCase() : null;
        if (path !== null) r.hidden = wanted !== '' && path.indexOf(wanted) < 0;
        else r.hidden = r.previousElementSibling.hidden;
      }
    }, 120);
  });
})();
`;
