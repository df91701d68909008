"""The HTML report's style sheet and script, inline in every page (no network at view time).

Kept apart from the page assembly in ``_html.py`` so that module reads as the
page's structure. The script only filters and opens the failing cases: every
number is already in the markup, so the page reads the same with scripts off.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CSP", "SCRIPT", "STYLE"]

STYLE = """
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #57606a;
  --line: #d0d7de; --bg2: #f6f8fa; --hole: #fff1b8; --hole-line: #d4a72c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
  max-width: 1200px; padding: 16px 24px 48px; color: #1f2328; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 2px 0; }
.note { color: var(--muted); font-style: italic; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px;
  background: var(--bg2); }
.card .name { color: var(--muted); font-size: 12px; }
.card .value { font-size: 22px; font-weight: 600; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--bg2); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600;
  color: #fff; }
.status.pass { background: var(--ok); }
.status.fail { background: var(--bad); }
.status.none { background: var(--muted); }
.better { color: var(--ok); }
.worse { color: var(--bad); font-weight: 600; }
.chart { max-width: 760px; }
.chart text { font: 12px system-ui, sans-serif; fill: #1f2328; }
.chart .track { fill: var(--bg2); stroke: var(--line); }
.chart .bar { fill: var(--ok); }
.chart .bar.low { fill: var(--warn); }
.chart .bar.bad { fill: var(--bad); }
.toolbar { display: flex; gap: 8px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.toolbar input { padding: 4px 8px; min-width: 280px; border: 1px solid var(--line);
  border-radius: 4px; }
.toolbar button { padding: 3px 10px; border: 1px solid var(--line); border-radius: 4px;
  background: var(--bg2); cursor: pointer; }
details.case { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0;
  background: #fff; }
details.case > summary { padding: 6px 10px; cursor: pointer; background: var(--bg2);
  border-radius: 6px; }
details.case[open] > summary { border-bottom: 1px solid var(--line);
  border-radius: 6px 6px 0 0; }
details.case .body { padding: 6px 12px 10px; }
.badge { display: inline-block; padding: 0 6px; margin-left: 4px; border-radius: 10px;
  font-size: 12px; border: 1px solid var(--line); background: #fff; }
.badge.failed, .badge.error { border-color: var(--bad); color: var(--bad); }
.badge.check { border-color: var(--warn); color: var(--warn); }
pre { background: var(--bg2); border: 1px solid var(--line); border-radius: 4px;
  padding: 8px 10px; overflow-x: auto; white-space: pre; margin: 4px 0 8px; }
pre.failure { white-space: pre-wrap; border-left: 3px solid var(--bad); }
.hole { background: var(--hole); outline: 1px solid var(--hole-line); border-radius: 2px; }
.hole.empty::before { content: "\\2205 empty"; color: var(--warn); font-style: italic;
  padding: 0 3px; }
.cut { color: var(--muted); font-style: italic; }
.legend { color: var(--muted); font-size: 12px; }
"""

SCRIPT = """
(function () {
  "use strict";
  var list = document.getElementById("case-list");
  if (!list) { return; }
  var cases = Array.prototype.slice.call(list.querySelectorAll("details.case"));
  var input = document.getElementById("case-filter");
  var count = document.getElementById("case-count");
  function apply() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    cases.forEach(function (item) {
      var text = item.getAttribute("data-search");
      var hit = words.every(function (word) { return text.indexOf(word) >= 0; });
      item.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown + " of " + cases.length + " shown";
  }
  function openAll(open) {
    cases.forEach(function (item) { if (!item.hidden) { item.open = open; } });
  }
  input.addEventListener("input", apply);
  document.getElementById("expand-all").addEventListener("click", function () {
    openAll(true);
  });
  document.getElementById("collapse-all").addEventListener("click", function () {
    openAll(false);
  });
  apply();
})();
"""


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


#: The page's Content-Security-Policy: nothing is loaded from anywhere, and only
#: the one script and the one style sheet above apply (by their hashes), so a
#: completion that smuggled markup past the escaping could still neither run code,
#: restyle the page nor reach the network.
CSP = f"default-src 'none'; script-src '{_hash(SCRIPT)}'; style-src '{_hash(STYLE)}'; img-src data:"
