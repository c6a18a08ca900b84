/** Chart builders compile with Vega-Lite and render to SVG; notebook displays carry the spec. */
import assert from "node:assert/strict";
import { compile, type TopLevelSpec } from "vega-lite";
import { display, JUPYTER_DISPLAY, toSvg, VEGALITE_MIME } from "../../lib/charts/mod.ts";
import {
  CPD_COLORS,
  cpdAllocationChart,
  cumulativeRewardChart,
  type DecisionChartRow,
  efficiencyChart,
  HONEST_GROUP,
  verdictPanel,
} from "../../lib/engines/blockchain/mod.ts";

const ROWS: DecisionChartRow[] = [1, 2, 3].flatMap((round) => [
  {
    round,
    agent: "miner_a",
    c: 1 - 0.25 * round,
    p: 0.25 * round,
    d: 0,
    efficiency: 1,
    honest_efficiency: 1 - 0.25 * round,
    cumulative_reward: 2 * round,
  },
  {
    round,
    agent: "miner_b",
    c: 0.5,
    p: 0.25,
    d: 0.25,
    efficiency: 0.5,
    honest_efficiency: 1 - 0.25 * round,
    cumulative_reward: 3 * round,
  },
]);

/** Every inline data value, anywhere in the spec, of datasets with a `field` entry. */
function values(spec: TopLevelSpec, field: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const data = (node as { data?: { values?: Record<string, unknown>[] } }).data;
    if (data?.values?.some((v) => field in v)) found.push(...data.values);
    for (const v of Object.values(node)) if (typeof v === "object") walk(v);
  };
  walk(spec);
  return found;
}

Deno.test("builders compile and render to SVG", async () => {
  const specs = [
    cpdAllocationChart(ROWS),
    efficiencyChart(ROWS, 0.1),
    cumulativeRewardChart(ROWS),
    verdictPanel({ c: 0.125, p: 0.8125, d: 0.0625, from: 3, to: 4 }),
  ];
  for (const spec of specs) {
    assert.ok(compile(spec).spec, "compiles");
    const svg = await toSvg(spec);
    assert.ok(svg.startsWith("<svg"), svg.slice(0, 40));
    assert.ok(svg.includes("</svg>"));
    assert.doesNotMatch(svg, /(src|href)="http/);
  }
});

Deno.test("cpdAllocationChart: one panel per agent, fixed colours, rows without a vector dropped", () => {
  const spec = cpdAllocationChart([...ROWS, {
    round: 4,
    agent: "miner_c",
    c: null,
    p: null,
    d: null,
  }]);
  assert.equal(spec.title, "Effort allocation per miner");
  assert.equal(values(spec, "c").length, 6);
  const text = JSON.stringify(spec);
  for (const color of Object.values(CPD_COLORS)) assert.ok(text.includes(color), color);
  assert.ok("facet" in spec && JSON.stringify(spec.facet).includes('"agent"'));
});

Deno.test("efficiencyChart: every miner, the honest group once per round, a rule at eta_min", async () => {
  const spec = efficiencyChart(ROWS, 0.1);
  const lines = values(spec, "participant");
  assert.deepEqual(
    lines.filter((v) => v.participant === HONEST_GROUP).map((v) => [v.round, v.efficiency]),
    [[1, 0.75], [2, 0.5], [3, 0.25]],
  );
  assert.equal(lines.filter((v) => v.participant === "miner_a").length, 3);
  assert.deepEqual(values(spec, "eta_min").map((v) => v.eta_min), [0.1]);
  const svg = await toSvg(spec);
  assert.ok(svg.includes("η_min = 0.1"));
  assert.ok(svg.includes(HONEST_GROUP));
});

Deno.test("verdictPanel: bars, threshold rules and annotations", async () => {
  const spec = verdictPanel({ c: 0.6, p: 0.3, d: 0.1 }, { honest_c_min: 0.5 });
  const rows = values(spec, "threshold");
  assert.deepEqual(rows.map((r) => [r.effort, r.value, r.threshold, r.holds]), [
    ["c", 0.6, 0.5, true],
    ["p", 0.3, 0.4, false],
    ["d", 0.1, 0.08, false],
  ]);
  const svg = await toSvg(spec);
  for (const note of ["c &gt; 0.5: yes", "p &gt; 0.4: no", "d &lt; 0.08: no"]) {
    assert.ok(svg.includes(note), note);
  }
  assert.ok(svg.includes("parasitic equilibrium: no"));
  assert.ok(svg.includes("honest convergence: yes"));
  assert.equal((svg.match(/aria-roledescription="rule mark"/g) ?? []).length, 3);
});

Deno.test("display: a Jupyter displayable with the Vega-Lite spec and the SVG", async () => {
  const spec = cumulativeRewardChart(ROWS);
  const shown = await display(spec);
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const bundle = shown[Symbol.for("Jupyter.display") as typeof JUPYTER_DISPLAY]();
  assert.equal(VEGALITE_MIME, "application/vnd.vegalite.v5+json");
  const vl = bundle[VEGALITE_MIME] as Record<string, unknown>;
  assert.equal(vl.title, "Cumulative reward");
  assert.deepEqual(vl.data, spec.data);
  assert.ok(String(bundle["image/svg+xml"]).startsWith("<svg"));
  assert.equal(bundle["text/plain"], "[chart: Cumulative reward]");
});
