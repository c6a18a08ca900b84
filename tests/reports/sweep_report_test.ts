/**
 * The sweep report of a small IPD sweep run through the CLI, tested as data (the document's
 * banners, sections and tables): its tables hold the right cells and the figures equal what
 * is computed here from the index rows (Student's t and Wilson intervals written out by
 * hand); an invalid run gets the red banner; the written page holds the same, charts as SVG.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import {
  intervalChart,
  intervalPoints,
  pairwiseComparisons,
  sweepBanners,
  sweepDocument,
  sweepFigures,
  sweepReport,
  sweepReportData,
  writeSweepReport,
} from "../../lib/reports/sweep_report.ts";
import type { Block, Cell, ReportDocument, TableBlock } from "../../lib/core/document.ts";
import { documentCharts } from "../../lib/core/document.ts";
import { isShareCI, shareCI } from "../../lib/analysis/share_ci.ts";
import { holmAdjust } from "../../lib/analysis/stats.ts";
import { cellText, formatNumber } from "../../lib/reports/render_document.ts";
import { runCli } from "../support/cli.ts";

const Z975 = 1.959964;

interface IndexRow {
  cell: string;
  seed: number;
  run: string;
  status: string;
  valid?: boolean;
  summary?: Record<string, unknown>;
}

/** The last index row of each run, grouped by cell (what the report should summarise). */
async function cellsOf(sweepDir: string): Promise<Map<string, IndexRow[]>> {
  const lines = (await Deno.readTextFile(join(sweepDir, "index.jsonl"))).trim().split("\n");
  const last = new Map<string, IndexRow>();
  for (const l of lines) {
    const r = JSON.parse(l) as IndexRow;
    last.set(r.run, r);
  }
  const cells = new Map<string, IndexRow[]>();
  for (const r of last.values()) cells.set(r.cell, [...(cells.get(r.cell) ?? []), r]);
  return cells;
}

const fmt = (x: number) => formatNumber(x);

/** `share [lo, hi]` of a share metric over a cell's valid runs (`shareCI`, tested by hand). */
function expectedShare(rows: IndexRow[], metric: string): { text: string; mean: number } {
  const xs = rows.filter((r) => r.valid !== false).map((r) => r.summary?.[metric])
    .filter((v): v is number => typeof v === "number");
  const ci = shareCI({ values: xs });
  assert.ok(ci.lo >= 0 && ci.hi <= 1, `[${ci.lo}, ${ci.hi}] inside [0, 1]`);
  return { text: `${fmt(ci.mean)} [${fmt(ci.lo)}, ${fmt(ci.hi)}]`, mean: ci.mean };
}

/** `rate [lo, hi] (k/n[, i inconclusive])` of a verdict, Wilson by hand. */
function expectedRate(rows: IndexRow[], verdict: string): string {
  const done = rows.filter((r) => r.status === "completed" && r.valid !== false);
  const decided = done.map((r) => r.summary?.[verdict]).filter((v) => typeof v === "boolean");
  const inconclusive = done.length - decided.length;
  const k = decided.filter((v) => v === true).length;
  const n = decided.length;
  const p = k / n;
  const z2 = Z975 * Z975;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = Z975 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  const lo = k === 0 ? 0 : centre - half;
  const hi = k === n ? 1 : centre + half;
  const inc = inconclusive ? `, ${inconclusive} inconclusive` : "";
  return `${fmt(p)} [${fmt(lo)}, ${fmt(hi)}] (${k}/${n}${inc})`;
}

/** The first table of a document's section. */
function tableOf(doc: ReportDocument, title: string): TableBlock {
  const section = doc.sections.find((s) => s.title === title);
  assert.ok(section, `a section ${title}`);
  const block = section.blocks.find((b): b is { table: TableBlock } => "table" in b);
  assert.ok(block, `a table in ${title}`);
  return block.table;
}

/** A table's row by its first cell, as text. */
function rowOf(t: TableBlock, first: string): string[] {
  const row = t.rows.find((r) => r[0] === first);
  assert.ok(row, `a row for ${first}`);
  return row.map((c: Cell) => cellText(c));
}

async function ipdSweep(root: string): Promise<string> {
  const grid = join(root, "grid.json");
  await Deno.writeTextFile(
    grid,
    JSON.stringify({ experiment: "ipd", grid: { rounds: [4, 8], "payoffs.T": [5, 7] } }),
  );
  const out = join(root, "sw");
  const r = await runCli(["--sweep", grid, "--seeds", "0..2", "--out", out, "--quiet"]);
  assert.equal(r.code, 0, r.err);
  return out;
}

/** Marks one run invalid and one failed, as a rerun would append them. */
async function spoil(sweepDir: string): Promise<void> {
  const lines = (await Deno.readTextFile(join(sweepDir, "index.jsonl"))).trim().split("\n");
  const rows = lines.map((l) => JSON.parse(l));
  const a = rows.find((r) => r.cell === "rounds=8,payoffs.T=5" && r.seed === 0);
  const b = rows.find((r) => r.cell === "rounds=4,payoffs.T=7" && r.seed === 1);
  const invalid = {
    ...a,
    valid: false,
    verdicts: { ...a.verdicts, mutual_cooperation: "inconclusive" },
    summary: { ...a.summary, mutual_cooperation: "inconclusive" },
  };
  const failed = {
    v: 1,
    cell: b.cell,
    params: b.params,
    seed: b.seed,
    run: b.run,
    status: "failed",
    error: "boom",
  };
  await Deno.writeTextFile(
    join(sweepDir, "index.jsonl"),
    `${JSON.stringify(invalid)}\n${JSON.stringify(failed)}\n`,
    { append: true },
  );
}

Deno.test("sweep report: tables and figures agree with the index rows", async () => {
  const root = await Deno.makeTempDir({ prefix: "sweep_report_" });
  try {
    const sweep = await ipdSweep(root);

    // A clean sweep: no banner.
    const cleanData = await sweepReportData(sweep);
    assert.equal(cleanData.invalid, 0);
    assert.deepEqual(sweepBanners(cleanData), []);
    assert.deepEqual(sweepDocument(cleanData).banners, []);

    await spoil(sweep);
    const doc = await sweepReport(sweep);

    // Title: the grid's experiment and the seeds; the red banner with the count; a warning.
    assert.equal(doc.title, "Sweep sw: ipd, seeds 0..2");
    assert.equal(doc.banners?.length, 2);
    assert.equal(doc.banners![0].tone, "bad");
    assert.match(doc.banners![0].text, /^1 of 12 runs are invalid \(valid: false\)/);
    assert.equal(doc.banners![1].tone, "warn");
    assert.match(doc.banners![1].text, /1 of 12 runs did not complete \(1 failed\)/);
    assert.deepEqual(
      doc.sections.map((s) => s.title),
      ["Grid", "Cells", "Metrics", "Comparisons", "Models and seats", "Figures"],
    );

    const cells = await cellsOf(sweep);
    assert.deepEqual([...cells.keys()].sort(), [
      "rounds=4,payoffs.T=5",
      "rounds=4,payoffs.T=7",
      "rounds=8,payoffs.T=5",
      "rounds=8,payoffs.T=7",
    ]);
    const overview = tableOf(doc, "Cells");
    assert.equal(overview.sortable, true);
    const cellsBlocks = doc.sections.find((s) => s.title === "Cells")!.blocks;
    const rates = (cellsBlocks.filter((b) => "table" in b)[1] as { table: TableBlock }).table;
    const rateCol = overview.header.indexOf("mutual_cooperation_rate (mean [95% CI])");
    const verdictCol = rates.header.indexOf("mutual_cooperation (rate [95% CI])");
    assert.ok(rateCol > 0 && verdictCol > 0, overview.header.join(" | "));
    for (const [cell, rows] of cells) {
      const row = rowOf(overview, cell);
      assert.equal(row[1], String(rows.length), `${cell} runs`);
      const valid = rows.filter((r) => r.valid === true).length;
      const excluded = rows.filter((r) => r.valid === false).length;
      const note = `${valid} of ${rows.length} seeds valid${
        excluded ? `; ${excluded} excluded` : ""
      }`;
      assert.equal(row[2], note, `${cell} seeds counted`);
      assert.equal(row[rateCol], expectedShare(rows, "mutual_cooperation_rate").text, cell);
      assert.equal(rowOf(rates, cell)[verdictCol], expectedRate(rows, "mutual_cooperation"), cell);
    }
    assert.equal(rowOf(overview, "rounds=4,payoffs.T=7")[1], "3");
    // The invalid run is excluded, not counted as inconclusive; its cell's row reads bad.
    assert.equal(rowOf(overview, "rounds=8,payoffs.T=5")[2], "2 of 3 seeds valid; 1 excluded");
    assert.match(rowOf(rates, "rounds=8,payoffs.T=5")[verdictCol], /\(\d\/2\)$/);
    const spoiled = overview.rows.findIndex((r) => r[0] === "rounds=8,payoffs.T=5");
    assert.equal(overview.rowTones?.[spoiled], "bad");
    assert.equal(
      overview.rowTones?.[overview.rows.findIndex((r) => r[0] === "rounds=4,payoffs.T=7")],
      "warn",
    );

    // Every metric of every cell, grouped by metric, with its mean over the valid seeds.
    const data = await sweepReportData(sweep);
    const metrics = tableOf(doc, "Metrics");
    assert.equal(metrics.rows.length, (data.metrics.length + data.verdicts.length) * 4);
    for (const [cell, rows] of cells) {
      const line = metrics.rows.find((r) =>
        r[0] === "mutual_cooperation_rate (share)" && r[1] === cell
      )!;
      assert.ok(
        Math.abs((line[3] as number) - expectedShare(rows, "mutual_cooperation_rate").mean) < 1e-12,
      );
    }

    // The figures: their points are the cell means computed here.
    assert.equal(data.charted[0], "mutual_cooperation_rate");
    assert.ok(!data.charted.includes("valid_action_rate"), "constant metrics are not charted");
    assert.ok(!data.charted.includes("summary.rounds"), "duplicates of steps are not charted");
    const figures = sweepFigures(data);
    assert.equal(figures.length, 2 * (data.charted.length + data.verdicts.length));
    const byRounds = figures[0].spec as unknown as {
      data: { values: { x: number; series: string; y: number }[] };
    };
    for (const p of byRounds.data.values) {
      const cell = `rounds=${p.x},${p.series}`;
      const expected = expectedShare(cells.get(cell)!, "mutual_cooperation_rate").mean;
      assert.ok(Math.abs(p.y - expected) < 1e-12, `${cell}: ${p.y} vs ${expected}`);
    }
    assert.equal(byRounds.data.values.length, 4);
    // Every share interval of the report lies in [0, 1].
    for (const c of data.cells) {
      for (const [k, m] of Object.entries(c.metrics)) {
        if (isShareCI(m) && m.n) assert.ok(m.lo >= 0 && m.hi <= 1, `${c.cell} ${k}`);
      }
    }
    // Comparisons: one Holm family over every pair, raw and adjusted p-values shown.
    assert.ok(data.comparisons.length > 0);
    const adjusted = holmAdjust(data.comparisons.map((c) => c.p));
    data.comparisons.forEach((c, i) => {
      assert.equal(c.p_holm, adjusted[i]);
      assert.ok(c.p_holm >= c.p);
      assert.equal(c.survives, c.p_holm <= 0.05);
    });
    const comparisons = doc.sections.find((x) => x.title === "Comparisons")!;
    assert.match(
      (comparisons.blocks[0] as { text: string }).text,
      /\d+ of \d+ comparisons survive Holm's correction at a family-wise level/,
    );
    assert.deepEqual(tableOf(doc, "Comparisons").header.slice(0, 7), [
      "field",
      "cell A",
      "cell B",
      "n (A, B)",
      "difference A − B",
      "p (raw)",
      "p (Holm)",
    ]);

    // The figures are chart blocks with the specs above.
    const charts = documentCharts(doc);
    assert.deepEqual(charts.map((c) => c.file), figures.map((f) => f.file));
    const figureBlocks: readonly Block[] = doc.sections.at(-1)!.blocks;
    assert.equal(figureBlocks.length, figures.length);

    // The written page: the same title, banners, tables and real SVG charts, inline and as files.
    const outDir = join(root, "report");
    const htmlPath = await writeSweepReport(sweep, outDir);
    assert.equal(htmlPath, join(outDir, "report.html"));
    const md = await Deno.readTextFile(join(outDir, "report.md"));
    const html = await Deno.readTextFile(htmlPath);
    assert.match(md.split("\n")[0], /^# Sweep sw: ipd, seeds 0\.\.2$/);
    assert.match(html, /<h1>Sweep sw: ipd, seeds 0\.\.2<\/h1>/);
    assert.match(
      html,
      /<div class="banner banner-bad" role="alert"><strong>1 of 12 runs are invalid/,
    );
    assert.match(md, /> \*\*Alert: 1 of 12 runs are invalid \(valid: false\)/);
    assert.ok(html.includes("<h2>Comparisons</h2>"));
    assert.ok(html.includes(`<td>${rowOf(overview, "rounds=8,payoffs.T=5")[2]}</td>`));
    const svgs = [...html.matchAll(/<figure><svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    assert.equal(svgs.length, figures.length);
    for (const [i, svg] of svgs.entries()) {
      assert.match(svg, /class="mark-line/, `figure ${i + 1} has lines`);
      assert.match(svg, /class="mark-symbol/, `figure ${i + 1} has points`);
      assert.match(svg, /class="mark-rule/, `figure ${i + 1} has error bars`);
      const file = await Deno.readTextFile(join(outDir, figures[i].file));
      assert.ok(file.startsWith("<svg") && file.length > 2000);
      assert.ok(md.includes(`](${figures[i].file})`));
    }
    assert.ok(!/src="http/.test(html), "self-contained");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("sweep report: chart specs for one varied parameter and for a nominal one", () => {
  const cell = (policy: string, mean: number, n: number) => ({
    cell: `policy=${policy}`,
    params: { policy },
    runs: n,
    completed: n,
    valid: n,
    valid_share: 1,
    excluded: 0,
    metrics: {
      score: {
        n,
        mean,
        sd: 1,
        lo: n > 1 ? mean - 1 : -Infinity,
        hi: n > 1 ? mean + 1 : Infinity,
        half_width: n > 1 ? 1 : Infinity,
        method: "t" as const,
        level: 0.95,
      },
    },
    verdicts: {},
  });
  const cells = [cell("greedy", 2, 3), cell("honest", 5, 1)];
  const points = intervalPoints(cells, "policy", [], (c) => {
    const m = c.metrics.score;
    return { y: m.mean, lo: m.lo, hi: m.hi, n: m.n };
  });
  assert.deepEqual(points, [
    { x: "greedy", series: "", y: 2, lo: 1, hi: 3, n: 3 },
    { x: "honest", series: "", y: 5, lo: null, hi: null, n: 1 },
  ]);
  const spec = intervalChart(points, {
    title: "score by policy",
    xTitle: "policy",
    yTitle: "score",
    xNumeric: false,
  }) as unknown as Record<string, { x: { type: string }; color?: unknown }>;
  assert.equal(spec.encoding.x.type, "nominal");
  assert.equal(spec.encoding.color, undefined, "one parameter: no colour");
});

Deno.test("sweep report: pairwise comparisons, exact p-values and Holm's correction by hand", () => {
  const rows = [
    ...[0, 0, 0, 0].map((x, seed) => ({ cell: "A", seed, valid: true, score: x })),
    ...[1, 1, 1, 1].map((x, seed) => ({ cell: "B", seed, valid: true, score: x })),
    ...[0, 1, 0, 1].map((x, seed) => ({ cell: "C", seed, valid: true, score: x })),
    { cell: "C", seed: 9, valid: false, score: 100 }, // invalid: left out
  ];
  const df = pl.DataFrame(rows);
  const out = pairwiseComparisons(df, ["A", "B", "C"], ["score"]);
  assert.equal(out.length, 3);
  // A vs B: 4 vs 4, only the 2 splits {A}, {B} are as extreme of C(8, 4) = 70: p = 2/70.
  const ab = out.find((c) => c.a === "A" && c.b === "B")!;
  assert.equal(ab.p, 2 / 70);
  assert.equal(ab.diff, -1);
  // Holm with m = 3: the smallest p times 3 = 0.0857 > 0.05: it does not survive.
  assert.ok(Math.abs(ab.p_holm - 3 * 2 / 70) < 1e-12);
  assert.equal(ab.survives, false, "raw p < 0.05 is not enough among 3 comparisons");
  assert.equal(out[0], ab, "sorted by raw p");
  const c = out.find((x) => x.b === "C")!;
  assert.equal(c.n_b, 4, "the invalid run is not compared");
  assert.equal(pairwiseComparisons(df, ["A", "B", "C"], ["score"], 0.1)[0].survives, true);
});
