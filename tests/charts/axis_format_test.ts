/**
 * Chart axes read as numbers for people: shares as percentages, other values without
 * trailing zeros (no `0.000000` ticks on a flat panel); chart blocks keep the spec as data.
 */
import assert from "node:assert/strict";
import { chartBlock } from "../../lib/charts/chart_block.ts";
import { toSvg } from "../../lib/charts/render.ts";
import { intervalChart as sweepChart } from "../../lib/reports/sweep_report.ts";
import { intervalChart as studyChart } from "../../lib/reports/study_report.ts";

/** The tick labels of an SVG's axes. */
function tickLabels(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

Deno.test("chartBlock: the spec, file and caption as a document block", () => {
  const spec = { mark: "point" as const, data: { values: [] } };
  const b = chartBlock(spec, "p.svg", "Points.");
  assert.deepEqual(b, { chart: { spec, file: "p.svg", caption: "Points." } });
});

Deno.test("sweep chart: a flat metric has plain ticks, a rate percentage ticks", async () => {
  const flat = [0, 1].map((x) => ({ x, series: "", y: 0.5, lo: 0.5, hi: 0.5, n: 3 }));
  const svg = await toSvg(sweepChart(flat, { title: "t", xTitle: "x", yTitle: "y" }));
  const labels = tickLabels(svg);
  assert.ok(labels.length > 0);
  assert.ok(!labels.some((l) => /\.\d{4,}/.test(l)), labels.join(" "));
  const rate = await toSvg(sweepChart(flat, { title: "t", xTitle: "x", yTitle: "y", rate: true }));
  assert.ok(tickLabels(rate).includes("100%"), tickLabels(rate).join(" "));
});

Deno.test("study chart: a [0, 1] domain reads as percentages", async () => {
  const points = [{ x: "a", series: "s", mean: 0.25, lo: 0.1, hi: 0.4 }];
  const svg = await toSvg(studyChart(points, { title: "t", x: "x", y: "share", domain: [0, 1] }));
  assert.ok(tickLabels(svg).includes("100%"), tickLabels(svg).join(" "));
});
