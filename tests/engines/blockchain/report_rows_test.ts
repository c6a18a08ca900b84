/**
 * The blockchain report of long runs and of runs without rows: a bounded sample of the
 * rounds (with a banner), or the summary alone.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { exists } from "../../../lib/core/run_dir.ts";
import { findExperiment } from "../../../lib/cli/registry.ts";
import { BlockchainDecisionSchema } from "../../../lib/engines/blockchain/decision_row.ts";
import { blockchainReport } from "../../../lib/engines/blockchain/report.ts";
import { reportRows } from "../../../lib/engines/blockchain/report_rows.ts";
import { openRun, runToEnd } from "../../../lib/run/open.ts";

async function run(out: string, rounds: number, logDecisions: string) {
  await runToEnd(
    await openRun({
      experiment: findExperiment("blockchain")!,
      config: { rounds },
      seed: 2,
      out,
      reportsRoot: null,
      policy: { checkpointEvery: "end", logDecisions },
    }),
  );
}

Deno.test("report rows: a long run is read through a sample of round pairs", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-report-rows-" });
  const dir = join(root, "long");
  await run(dir, 400, "all");
  const whole = await reportRows(dir, 400);
  assert.equal(whole.dir, dir);
  assert.equal(whole.sample, null);
  const rows = await reportRows(dir, 40);
  try {
    assert.equal(rows.logged, 400);
    assert.deepEqual(rows.sample, { stride: 20, rounds: 40 });
    const kept = await readJsonl(join(rows.dir, "decisions.jsonl"), BlockchainDecisionSchema);
    const rounds = [...new Set(kept.map((r) => r.round))];
    assert.deepEqual(rounds.slice(0, 4), [19, 20, 39, 40]);
    assert.equal(rounds.at(-1), 400);
    assert.equal(kept.length, rounds.length * 3, "every miner's row of a sampled round");
  } finally {
    await rows.cleanup();
  }
  assert.equal(await exists(rows.dir), false, "cleanup removes the sampled copy");
  await Deno.remove(root, { recursive: true });
});

Deno.test("report rows: a run without rows gets the summary's report, no charts", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-report-rows-" });
  const dir = join(root, "none");
  await run(dir, 40, "none");
  const doc = await blockchainReport(dir);
  const text = JSON.stringify(doc);
  assert.ok(text.includes("The run logged no decision rows: no charts."), text.slice(0, 300));
  assert.ok(text.includes("parasitic equilibrium: "), "the verdict badges");
  await Deno.remove(root, { recursive: true });
});

Deno.test("report of a sampled long run: the verdicts rest on the summary's late means, not the sample's", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-bc-report-rows-" });
  const dir = join(root, "long");
  await run(dir, 1500, "all"); // over REPORT_ROUNDS: the report reads a sample
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  const doc = await blockchainReport(dir);
  const verdicts = doc.sections.find((s) => s.title === "Verdicts")!;
  const text = JSON.stringify(verdicts);
  const { from, to } = summary.late;
  assert.ok(
    text.includes(`Late window: rounds ${from}–${to} (${to - from + 1} rounds of 1500)`),
    text,
  );
  const table = verdicts.blocks.find((b) => "table" in b) as {
    table: { rows: readonly (readonly unknown[])[] };
  };
  const means = table.table.rows.map((r) => Number(r[2]));
  assert.deepEqual(
    means,
    [summary.late.d, summary.late.p, summary.late.c].map((x) => Number(x.toFixed(6))),
  );
  // so do the verdicts against the rational baseline and the regret
  const baseline = JSON.stringify(
    doc.sections.find((s) => s.title === "Verdicts against the rational baseline"),
  );
  const four = (x: number) => String(Number(x.toFixed(4)));
  assert.ok(
    baseline.includes(`excess free-riding ${four(summary.baseline.excess_free_ride)}`),
    baseline,
  );
  const play = JSON.stringify(
    doc.sections.find((s) => s.title === "Play against the rational baseline"),
  );
  assert.ok(play.includes(four(summary.regret.miner_c.total)), play.slice(0, 400));
  await Deno.remove(root, { recursive: true });
});
