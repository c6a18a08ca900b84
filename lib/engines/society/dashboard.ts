/**
 * The society server's live page (`GET /`): plain HTML and one script (`GET /dashboard.js`),
 * both served by the server itself, nothing from the internet, no build step. The page
 * embeds the current state, so it shows the society as soon as it loads (also in a
 * headless browser's DOM dump); the script renders it, offers "next day" and "reset", and
 * refreshes after each day and every few seconds. Beside today's figures it draws the run's
 * history (the state's `history`, one point per day) as four small SVG charts: citizens
 * alive, resources left (and granted that day), system efficiency, proposals made and
 * passed per day.
 *
 * Text from citizens (statements, messages) is set with `textContent`, never as HTML.
 *
 * @module
 */
import type { StateView } from "./views.ts";

/** The path of the page's script. */
export const DASHBOARD_SCRIPT_PATH = "/dashboard.js";

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028|\u2029/g, " ");
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1em 2em;color:#222}
h1{margin:.2em 0}h2{margin:1em 0 .3em;font-size:1.1em}
.bar{display:flex;gap:1.5em;flex-wrap:wrap;align-items:center;margin:.5em 0}
.figure{background:#f3f3f3;border-radius:6px;padding:.4em .8em}.figure b{font-size:1.2em}
button{font-size:1em;padding:.4em 1em;cursor:pointer}
table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f3f3f3}tr.dead td{color:#999;background:#fafafa}
td.health-cell{white-space:nowrap}
.health{display:inline-block;height:10px;background:#59a14f;vertical-align:middle;margin-right:6px}
.cols{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}.cols>div{flex:1 1 380px;min-width:0}
.cols>div.table-col{flex:0 1 auto;overflow-x:auto;max-width:100%}
ul{padding-left:1.2em;margin:.2em 0}li{margin:.15em 0;overflow-wrap:anywhere}#status{color:#b00020;min-height:1.2em}
.ev-elimination_by_vote,.ev-elimination_by_starvation{color:#b00020}.ev-revive{color:#2f7d32}
.history{display:flex;gap:1em;flex-wrap:wrap}.history figure{margin:0;background:#fafafa;border:1px solid #e3e3e3;border-radius:6px;padding:.3em .5em}
.history figcaption{font-size:13px;font-weight:600;max-width:300px}.history svg{display:block;font-size:10px;fill:#555}
`;

/** The history charts: id suffix and caption. */
const HISTORY_CHARTS = [
  ["alive", "Citizens alive"],
  ["resources", "Resources left (bars: granted that day)"],
  ["efficiency", "System efficiency"],
  ["proposals", "Proposals per day: made (grey), passed (blue)"],
] as const;

const historyFigures = HISTORY_CHARTS.map(([id, caption]) =>
  `<figure><figcaption id="history-${id}-caption" data-base="${caption}">${caption}</figcaption>` +
  `<svg id="history-${id}" width="300" height="120" role="img" aria-label="${caption}"></svg></figure>`
).join("\n");

/**
 * The page, with the current state embedded.
 *
 * @param state The state to show first ({@linkcode StateView}).
 * @returns The HTML.
 */
export function dashboardHtml(state: StateView): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Society: live</title>
<style>${STYLE}</style></head><body>
<h1>The shelter <small id="run"></small></h1>
<div class="bar">
  <span class="figure">day <b id="day"></b></span>
  <span class="figure">alive <b id="alive"></b></span>
  <span class="figure">system efficiency <b id="efficiency"></b></span>
  <span class="figure">resources left <b id="resources"></b></span>
  <span class="figure">available tomorrow <b id="available"></b></span>
  <span class="figure">game tokens left <b id="tokens"></b></span>
  <span class="figure">eliminations <b id="eliminations"></b></span>
  <button id="next">Next day</button> <button id="reset">Reset</button>
</div>
<div id="status" role="status"></div>
<h2>History</h2>
<div class="history">
${historyFigures}
</div>
<div class="cols">
<div class="table-col"><h2>Citizens</h2>
<table id="citizens"><thead><tr><th>citizen</th><th>kind</th><th>status</th><th>health</th><th>AP</th><th>request</th><th>granted</th><th>game tokens today</th></tr></thead><tbody></tbody></table></div>
<div><h2>Open proposals</h2><ul id="proposals"></ul>
<h2>Today's statements</h2><ul id="statements"></ul>
<h2>Today's events</h2><ul id="events"></ul></div>
</div>
<script type="application/json" id="initial-state">${scriptJson(state)}</script>
<script src="${DASHBOARD_SCRIPT_PATH}"></script>
</body></html>
`;
}

/** The page's script (plain browser JavaScript). */
export const DASHBOARD_JS: string = String.raw`"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  var pct = function (x) { return (Math.round(x * 1000) / 10) + "%"; };
  var VERB = { resource_allocation: "allocate", elimination_vote: "eliminate", appeal: "revive" };

  function render(s) {
    $("run").textContent = s.run.id + (s.run.done ? " (over: " + s.run.end_reason + ")" : "");
    $("day").textContent = s.day + " / " + s.days;
    $("alive").textContent = s.alive + " / " + s.citizens.length;
    $("efficiency").textContent = pct(s.system_efficiency);
    $("resources").textContent = Math.round(s.remaining_resources);
    $("available").textContent = s.available;
    $("tokens").textContent = s.tokens.remaining + " / " + s.tokens.budget;
    $("eliminations").textContent = s.elimination_count;
    $("next").disabled = s.run.done;
    var body = $("citizens").tBodies[0];
    body.replaceChildren();
    s.citizens.forEach(function (c) {
      var tr = el("tr", undefined, c.alive ? "alive" : "dead");
      tr.setAttribute("data-citizen", c.name);
      tr.appendChild(el("td", c.name));
      tr.appendChild(el("td", c.kind));
      tr.appendChild(el("td", c.alive ? "alive" : "dead"));
      var h = el("td");
      var bar = el("span", undefined, "health");
      bar.style.width = Math.max(0, c.health) + "px";
      h.appendChild(bar);
      h.appendChild(document.createTextNode(String(c.health)));
      h.className = "health-cell";
      tr.appendChild(h);
      tr.appendChild(el("td", c.action_points));
      tr.appendChild(el("td", c.request === null ? "" : c.request));
      tr.appendChild(el("td", c.granted));
      tr.appendChild(el("td", c.token_consumed_today));
      body.appendChild(tr);
    });
    var props = $("proposals");
    props.replaceChildren();
    if (!s.open_proposals.length) props.appendChild(el("li", "none"));
    s.open_proposals.forEach(function (p) {
      props.appendChild(el("li", "#" + p.id + " " + p.proposer + ": " + (VERB[p.proposal_type] || p.proposal_type) +
        " " + p.content + " (for " + p.for + ", against " + p.against + ")"));
    });
    var st = $("statements");
    st.replaceChildren();
    var said = s.citizens.filter(function (c) { return c.statement; });
    if (!said.length) st.appendChild(el("li", "none"));
    said.forEach(function (c) { st.appendChild(el("li", c.name + ": " + c.statement)); });
    var ev = $("events");
    ev.replaceChildren();
    var shown = s.events.filter(function (e) { return e.type !== "decision"; });
    if (!shown.length) ev.appendChild(el("li", s.day ? "none" : "no day played yet"));
    shown.forEach(function (e) { ev.appendChild(el("li", e.type + ": " + e.content, "ev-" + e.type)); });
    drawHistory(s);
  }

  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  // One small chart: bars and/or a line over the days, the y range [lo, hi] labelled.
  function chart(id, h, opts) {
    var svg = $(id);
    svg.replaceChildren();
    svg.setAttribute("data-points", String(h.length));
    var W = 300, H = 120, L = 40, R = 8, T = 8, B = 18;
    var days = h.map(function (p) { return p.day; });
    var d0 = days[0] || 0, d1 = Math.max(days[days.length - 1] || 0, d0 + 1);
    var P = 10; // room for the first and last bars
    var x = function (d) { return L + P + (W - L - R - 2 * P) * (d - d0) / (d1 - d0); };
    var y = function (v) { return H - B - (H - T - B) * (v - opts.lo) / ((opts.hi - opts.lo) || 1); };
    svg.appendChild(svgEl("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#999" }));
    svg.appendChild(svgEl("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#999" }));
    svg.appendChild(svgEl("text", { x: L - 4, y: T + 8, "text-anchor": "end" }, opts.fmt(opts.hi)));
    svg.appendChild(svgEl("text", { x: L - 4, y: H - B, "text-anchor": "end" }, opts.fmt(opts.lo)));
    svg.appendChild(svgEl("text", { x: L, y: H - 4 }, "day " + d0));
    svg.appendChild(svgEl("text", { x: W - R, y: H - 4, "text-anchor": "end" }, "day " + d1));
    var bars = opts.bars || [];
    var bw = Math.min(2 * P, Math.max(2, (W - L - R - 2 * P) / (d1 - d0 + 1) * 0.7)) / Math.max(1, bars.length);
    bars.forEach(function (b, i) { // series side by side
      h.forEach(function (p) {
        var v = b.value(p);
        if (!v) return;
        svg.appendChild(svgEl("rect", { x: x(p.day) - bw * bars.length / 2 + i * bw, y: y(v), width: bw,
          height: Math.max(0, H - B - y(v)), fill: b.color, "data-day": p.day }));
      });
    });
    if (opts.line) {
      svg.appendChild(svgEl("polyline", { fill: "none", stroke: opts.lineColor || "#4e79a7", "stroke-width": 2,
        points: h.map(function (p) { return x(p.day) + "," + y(opts.line(p)); }).join(" ") }));
    }
    var cap = $(id + "-caption");
    cap.textContent = cap.getAttribute("data-base") + " — " + opts.now;
  }

  function drawHistory(s) {
    var h = s.history || [];
    if (!h.length) return;
    var last = h[h.length - 1];
    var n = s.citizens.length;
    chart("history-alive", h, { lo: 0, hi: n, line: function (p) { return p.alive; }, lineColor: "#59a14f",
      fmt: String, now: last.alive + " of " + n });
    var r0 = Math.max.apply(null, h.map(function (p) { return p.remaining_resources; }));
    chart("history-resources", h, { lo: 0, hi: r0 || 1, line: function (p) { return p.remaining_resources; },
      bars: [{ value: function (p) { return p.granted; }, color: "#f28e2b" }],
      fmt: function (v) { return String(Math.round(v)); },
      now: Math.round(last.remaining_resources) + " left, " + last.granted + " granted on day " + last.day });
    var e0 = Math.min.apply(null, h.map(function (p) { return p.efficiency; }));
    chart("history-efficiency", h, { lo: Math.min(0.5, e0), hi: 1, line: function (p) { return p.efficiency; },
      lineColor: "#e15759", fmt: pct, now: pct(last.efficiency) });
    var p0 = Math.max.apply(null, h.map(function (p) { return p.proposals_made; }));
    chart("history-proposals", h, { lo: 0, hi: Math.max(1, p0), fmt: String,
      bars: [{ value: function (p) { return p.proposals_made; }, color: "#bab0ac" },
        { value: function (p) { return p.proposals_passed; }, color: "#4e79a7" }],
      now: last.proposals_made + " made, " + last.proposals_passed + " passed on day " + last.day });
  }

  function say(text) { $("status").textContent = text || ""; }

  async function refresh() {
    var r = await fetch("/current_state");
    if (r.ok) render(await r.json());
  }

  async function post(path, label) {
    $("next").disabled = true;
    $("reset").disabled = true;
    say(label + "...");
    try {
      var r = await fetch(path, { method: "POST" });
      var body = await r.json();
      say(r.ok ? "" : (body.error || ("HTTP " + r.status)) + (body.reason ? " (" + body.reason + ")" : ""));
    } catch (e) {
      say(String(e));
    }
    $("reset").disabled = false;
    await refresh();
  }

  render(JSON.parse($("initial-state").textContent));
  $("next").addEventListener("click", function () { post("/run_next_emergent", "playing the day"); });
  $("reset").addEventListener("click", function () { post("/reset", "resetting"); });
  setInterval(function () { refresh().catch(function () {}); }, 3000);
})();
`;
