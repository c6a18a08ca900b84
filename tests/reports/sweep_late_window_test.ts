/**
 * A real small blockchain sweep: the late-window means c, p, d its verdicts rest on
 * (`late_c`, `late_p`, `late_d` of each run's summary) reach the generic sweep frame,
 * `runs.parquet` and the sweep report (per cell, mean and interval across seeds), without
 * the generic code naming the engine.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { loadSweep } from "../../lib/analysis/sweep.ts";
import { exportDir } from "../../lib/analysis/export.ts";
import { meanCI } from "../../lib/analysis/stats.ts";
import type { TableBlock } from "../../lib/core/document.ts";
import { sweepReport, writeSweepReport } from "../../lib/reports/sweep_report.ts";
import { cellText } from "../../lib/reports/render_document.ts";
import { runCli } from "../support/cli.ts";

const LATE = ["late_c", "late_p", "late_d"];

Deno.test("blockchain sweep: late-window c, p, d in runs.parquet and in the sweep report", async () => {
  const root = await Deno.makeTempDir({ prefix: "late_window_" });
  try {
    const grid = join(root, "grid.json");
    await Deno.writeTextFile(
      grid,
      JSON.stringify({ experiment: "blockchain", base: { rounds: 12 }, grid: { lambda: [0, 2] } }),
    );
    const sweep = join(root, "sw");
    const r = await runCli(["--sweep", grid, "--seeds", "0..2", "--out", sweep, "--quiet"]);
    assert.equal(r.code, 0, r.err);

    // Each run's summary: the flat late means, equal to the nested `late` block.
    const df = await loadSweep(sweep);
    assert.equal(df.height, 6);
    const byRun = new Map<string, Record<string, number>>();
    for (const run of df.getColumn("run").toArray() as string[]) {
      const s = JSON.parse(await Deno.readTextFile(join(sweep, "runs", run, "summary.json")));
      assert.deepEqual([s.late_c, s.late_p, s.late_d], [s.late.c, s.late.p, s.late.d]);
      byRun.set(run, { late_c: s.late_c, late_p: s.late_p, late_d: s.late_d });
    }
    for (const k of LATE) assert.ok(df.columns.includes(k), `${k} in ${df.columns}`);

    // runs.parquet carries them, run by run.
    const out = join(root, "export");
    await exportDir(sweep, { out });
    const runs = pl.readParquet(join(out, "runs.parquet"));
    const records = runs.toRecords() as Record<string, unknown>[];
    assert.equal(records.length, 6);
    for (const rec of records) {
      const expected = byRun.get(rec.run as string)!;
      for (const k of LATE) assert.equal(rec[k], expected[k], `${rec.run} ${k}`);
    }

    // The report: every cell's mean and t interval across its seeds, for each late mean.
    const doc = await sweepReport(sweep);
    const metrics = doc.sections.find((s) => s.title === "Metrics")!.blocks
      .find((b) => "table" in b) as { table: TableBlock };
    for (const cell of ["lambda=0", "lambda=2"]) {
      const ofCell = records.filter((x) => x.cell === cell && x.valid !== false);
      assert.equal(ofCell.length, 3);
      for (const k of LATE) {
        const row = metrics.table.rows.find((x) => String(x[0]).startsWith(k) && x[1] === cell);
        assert.ok(row, `${k} ${cell}`);
        const ci = meanCI(ofCell.map((x) => x[k] as number));
        assert.equal(row[2], 3, "three seeds");
        assert.ok(Math.abs((row[3] as number) - ci.mean) < 1e-12, `${k} ${cell} mean`);
        if (Number.isFinite(ci.lo)) {
          assert.equal(row[4], `[${cellText(ci.lo)}, ${cellText(ci.hi)}]`, `${k} ${cell} CI`);
        }
      }
    }
    const html = await Deno.readTextFile(await writeSweepReport(sweep, join(root, "report")));
    for (const k of LATE) assert.ok(html.includes(`<td>${k}</td>`), k);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
