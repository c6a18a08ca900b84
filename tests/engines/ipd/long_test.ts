/**
 * Long IPD runs: the summary does not depend on the rows logged, the report's chart data is
 * a bounded sample read in one pass, and the checkpoint does not grow with the horizon.
 */
import { summarizeRegret } from "../../../lib/core/regret.ts";
import { ipdRegretPoints, ipdRegretSummary } from "../../../lib/engines/ipd/stage_regret.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { CheckpointRecordSchema } from "../../../lib/core/records.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { findExperiment } from "../../../lib/cli/registry.ts";
import { ipdChartData } from "../../../lib/engines/ipd/chart_data.ts";
import { openRun, runToEnd } from "../../../lib/run/open.ts";

const ipd = findExperiment("ipd")!;

/** Runs an IPD game into `out`; returns its summary. */
async function run(out: string, rounds: number, logDecisions?: string) {
  const session = await openRun({
    experiment: ipd,
    config: { policies: ["random", "tit_for_tat"] },
    horizon: rounds,
    seed: 5,
    out,
    reportsRoot: null,
    policy: { checkpointEvery: "end", ...(logDecisions ? { logDecisions } : {}) },
  });
  return (await runToEnd(session)).summary;
}

Deno.test("ipd long: the summary is the same with every row, every 9th or none", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-ipd-long-" });
  const all = await run(join(root, "all"), 500);
  delete all.returns;
  for (const logDecisions of ["none", "9"]) {
    const other = await run(join(root, logDecisions), 500, logDecisions);
    assert.equal(JSON.stringify(other), JSON.stringify(all), `--log-decisions ${logDecisions}`);
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("ipd long: the chart data is a bounded sample with the rates of every round", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-ipd-long-" });
  const rounds = 3001;
  await run(join(root, "r"), rounds);
  const path = join(root, "r", "decisions.jsonl");
  const full = await ipdChartData(path, new Set(), Infinity);
  const sample = await ipdChartData(path, new Set(), 100);
  assert.equal(full.logged, rounds);
  assert.equal(sample.logged, rounds);
  assert.equal(full.payoff.length, rounds * 2);
  const sampled = [...new Set(sample.payoff.map((r) => r.round))];
  assert.ok(sampled.length <= 201, `${sampled.length} rounds sampled`);
  assert.ok(sampled.length >= 100, `${sampled.length} rounds sampled`);
  assert.equal(sampled.at(-1), rounds, "the last round is shown");
  // the rates of a sampled round count every round before it, not only the sampled ones
  const key = (p: { round: number; series: string }) => `${p.round}/${p.series}`;
  const rates = new Map(full.cooperation.map((p) => [key(p), p.rate]));
  for (const p of sample.cooperation) assert.equal(p.rate, rates.get(key(p)), key(p));
  await Deno.remove(root, { recursive: true });
});

Deno.test("ipd long: the checkpoint line of 10,000 rounds is the size of 100 rounds'", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-ipd-long-" });
  const line = async (rounds: number) => {
    await run(join(root, `c${rounds}`), rounds, "none");
    const cps = await readJsonl(
      join(root, `c${rounds}`, "checkpoints.jsonl"),
      CheckpointRecordSchema,
    );
    return JSON.stringify(cps.at(-1)).length;
  };
  const [short, long] = [await line(100), await line(10_000)];
  assert.ok(
    long <= short * 1.2,
    `checkpoint: ${short} characters at 100 rounds, ${long} at 10,000`,
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("ipd: the regret summary from joint counts equals the per-round points', without a point per round", () => {
  const payoffs = { T: 5, R: 3, P: 1, S: 0 };
  const counts = { CC: 1234, CD: 7, DC: 501, DD: 99999 };
  for (const llm of [[], ["a"]]) {
    assert.deepEqual(
      ipdRegretSummary(counts, ["a", "b"], payoffs, llm),
      summarizeRegret(ipdRegretPoints(counts, ["a", "b"], payoffs, llm)),
    );
  }
});
