/** The dashboard page's stylesheet (served as /static/style.css; no inline styles, so the CSP can forbid them). */
export const PAGE_CSS = `
:root {
  --bg: #f6f8fa; --panel: #fff; --border: #d0d7de; --text: #1f2328; --muted: #656d76; --accent: #1f6feb;
  --fitting: #9a6700; --fitting-bg: #fff8c5; --frozen: #1a7f37; --frozen-bg: #dafbe1;
  --pass: #57606a; --pass-bg: #eaeef2; --version: #6e40c9; --bad: #cf222e;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; align-items: center; gap: 20px; padding: 10px 18px; background: #24292f; color: #fff; }
header.top .brand { color: #fff; font-weight: 600; font-size: 15px; }
header.top nav { display: flex; gap: 4px; flex: 1; }
header.top nav a { color: #c9d1d9; padding: 4px 10px; border-radius: 6px; }
header.top nav a.on { background: #3d444d; color: #fff; }
.conn { font-size: 12px; padding: 2px 10px; border-radius: 10px; background: #57606a; }
.conn[data-state="live"] { background: var(--frozen); }
.conn[data-state="reconnecting"] { background: var(--fitting); }
.conn[data-state="down"] { background: var(--bad); }
main { padding: 16px 18px; }
h1 { font: 600 20px var(--mono); margin: 0; }
h2 { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; }
.muted { color: var(--muted); }
.error { color: var(--bad); font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; margin-bottom: 12px; }
.card, .panel { background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: 12px 14px; }
.panel { margin-bottom: 12px; }
.big { font: 600 26px var(--mono); }
.sub { margin-top: 6px; }
.kv { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0; font-size: 13px; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; font-family: var(--mono); text-align: right; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
.table { border-collapse: collapse; width: 100%; font-size: 13px; }
.table th, .table td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--border); }
.table td { font-family: var(--mono); }
.chart { min-height: 250px; }
.chart.small { min-height: 250px; }
.toolbar { display: flex; gap: 10px; align-items: center; margin-bottom: 10px; }
.toolbar input { width: min(460px, 60vw); padding: 6px 10px; border: 1px solid var(--border); border-radius: 6px; font: 13px var(--mono); }
.toolbar input.invalid { border-color: var(--bad); outline-color: var(--bad); }
.toolbar select { padding: 5px 8px; border: 1px solid var(--border); border-radius: 6px; background: #fff; }
.list { background: var(--panel); border: 1px solid var(--border); border-radius: 8px; overflow: hidden; }
.row { display: grid; grid-template-columns: minmax(220px, 2.4fr) 110px 70px 110px 170px 80px 90px; align-items: center; height: 28px; padding: 0 10px; color: var(--text); font-size: 13px; }
.row.head { background: #f0f3f6; border-bottom: 1px solid var(--border); }
.row.head .col { all: unset; cursor: pointer; font-weight: 600; font-size: 12px; color: var(--muted); padding: 0 6px; }
.row.head .col.num { text-align: right; }
.row.head .col[aria-sort="ascending"]::after { content: " ▲"; }
.row.head .col[aria-sort="descending"]::after { content: " ▼"; }
.viewport { position: relative; height: calc(100vh - 160px); min-height: 300px; overflow-y: auto; }
.spacer { width: 1px; }
.rows { position: absolute; top: 0; left: 0; right: 0; }
.rows .row { position: absolute; left: 0; right: 0; border-bottom: 1px solid #eef1f4; text-decoration: none; }
.rows .row:hover { background: #f3f7ff; }
.cell { padding: 0 6px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.cell.num { font-family: var(--mono); text-align: right; }
.c-series { font-family: var(--mono); }
.c-value { position: relative; }
.zbar { position: absolute; bottom: 3px; height: 3px; background: var(--accent); opacity: .55; }
.ph { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px; background: var(--pass-bg); color: var(--pass); justify-self: start; }
.ph-fitting { background: var(--fitting-bg); color: var(--fitting); }
.ph-frozen { background: var(--frozen-bg); color: var(--frozen); }
.badge { font: 12px var(--mono); padding: 1px 8px; border-radius: 10px; background: #eee5ff; color: var(--version); }
.series-head { display: flex; align-items: center; flex-wrap: wrap; gap: 12px; margin-bottom: 12px; }
.series-head .back { font-size: 13px; }
.actions { display: flex; gap: 8px; align-items: center; margin-left: auto; }
.action { padding: 6px 14px; border-radius: 6px; border: 1px solid var(--border); background: #fff; font-weight: 600; cursor: pointer; }
.action:not(:disabled):hover { background: #f3f4f6; }
.action:disabled { color: #8c959f; cursor: default; }
.msg { font-size: 13px; color: var(--muted); }
.legend { font-weight: 400; text-transform: none; letter-spacing: 0; margin-left: 10px; }
.sw { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 8px; vertical-align: middle; border-radius: 2px; }
.sw.fitting { background: rgba(230, 160, 0, .35); }
.sw.frozen { background: rgba(30, 150, 80, .25); }
.sw.version { background: var(--version); width: 3px; }
`;
