import { ANSI_CSS } from './ansi.js';

export const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; }
header { padding: 16px 24px; border-bottom: 1px solid #d0d7de; background: #f6f8fa; }
header nav a { margin-right: 12px; }
main { padding: 0 24px 48px; }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 12px 0 8px; }
h4.kind { font-size: 12px; margin: 10px 0 4px; color: #57606a; text-transform: uppercase; letter-spacing: .04em; }
code, pre, table.diff { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
table.summary, table.evals, table.index { border-collapse: collapse; margin: 8px 0; }
table.summary th, table.summary td, table.evals th, table.evals td, table.index th, table.index td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num, table.index td[data-k] { text-align: right; white-space: nowrap; }
table.index tr[data-r] { cursor: pointer; }
table.index tr[data-r]:hover, table.index tr.is-open { background: #f6f8fa; }
table.index td.p { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
table.index td i { font-style: normal; color: #9a6700; margin-left: 4px; }
tr.open > td { padding: 0; background: #fff; }
.grid { display: grid; gap: 12px; padding: 8px; overflow-x: auto; }
.col { min-width: 0; overflow-x: auto; }
table.diff { border-collapse: collapse; width: 100%; }
table.diff td { padding: 0 6px; white-space: pre-wrap; word-break: break-all; vertical-align: top; border: 0; }
table.diff td.ln { color: #6e7781; text-align: right; width: 1%; white-space: nowrap; user-select: none; }
table.diff tr.add { background: #e6ffec; } table.diff tr.del { background: #ffebe9; }
table.diff tr.hunk, table.diff tr.meta { background: #ddf4ff; color: #57606a; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dt { color: #57606a; }
dd { margin: 0; }
.ins { color: #1a7f37; } .del { color: #cf222e; } .dim { color: #6e7781; }
.warn { color: #9a6700; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; border: 1px solid #d0d7de; }
.badge.pass { background: #dafbe1; } .badge.fail, .badge.timeout, .badge.missing { background: #ffebe9; }
.badge.skipped { background: #eaeef2; } .badge.rank { background: #ddf4ff; }
pre { max-height: 320px; overflow: auto; background: #f6f8fa; padding: 8px; white-space: pre-wrap; word-break: break-all; }
#filter { margin: 4px 0 8px; padding: 4px 8px; width: 320px; max-width: 100%; }
${ANSI_CSS}
`;
