#!/usr/bin/env bash
# Regenerates docs/demo.png, the picture of `streamnorm demo` in the README: the demo's live view in
# a tmux terminal of 126 x 31 cells, captured with its colours (tmux capture-pane -e), turned into
# HTML and drawn by headless Chromium. Needs tmux, chromium and a monospace font (Debian: tmux,
# chromium, fonts-dejavu-core). Run from anywhere: bash docs/demo-screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
tmp=$(mktemp -d)
session="streamnorm-shot-$$"
tmux new-session -d -s "$session" -x 126 -y 31 "node dist/bin/streamnorm.js demo --period 100ms --duration 60s"
sleep "${SHOT_AFTER:-7.5}"
tmux capture-pane -e -p -t "$session" > "$tmp/screen.ans"
tmux send-keys -t "$session" C-c
sleep 2
tmux kill-session -t "$session" 2>/dev/null || true

# ANSI SGR (bold, dim, red, green, yellow, cyan, reset) to HTML spans, on a dark terminal background.
node - "$tmp/screen.ans" > "$tmp/screen.html" <<'JS'
const text = require('fs').readFileSync(process.argv[2], 'utf8').replace(/\s+$/, '');
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const colours = { 31: '#ff6b6b', 32: '#7bd88f', 33: '#f4d35e', 36: '#5fd7ff' };
let html = '';
let open = false;
let style = {};
for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
  const m = /^\x1b\[([0-9;]*)m$/.exec(part);
  if (!m) { html += esc(part); continue; }
  for (const code of (m[1] || '0').split(';').map(Number)) {
    if (code === 0) style = {};
    else if (code === 1) style.weight = 'bold';
    else if (code === 2) style.opacity = '0.6';
    else if (colours[code]) style.color = colours[code];
    else if (code === 39) delete style.color;
    else if (code === 22) { delete style.weight; delete style.opacity; }
  }
  if (open) html += '</span>';
  const css = [style.color && `color:${style.color}`, style.weight && 'font-weight:bold', style.opacity && `opacity:${style.opacity}`].filter(Boolean).join(';');
  open = css !== '';
  if (open) html += `<span style="${css}">`;
}
if (open) html += '</span>';
process.stdout.write(`<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1e1e2e"><pre style="margin:0;padding:14px 18px;color:#d9e0ee;font:14px/1.35 'DejaVu Sans Mono',monospace">${html}</pre></body>`);
JS
# 126 cells of 14 px DejaVu Sans Mono (8.43 px each) and 31 lines of 18.9 px, plus the padding.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 --window-size=1100,616 --screenshot=docs/demo.png "file://$tmp/screen.html" 2>/dev/null
rm -rf "$tmp"
echo "wrote docs/demo.png"
