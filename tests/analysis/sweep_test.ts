/**
 * `loadSweep` and `sweepCellStats` on a hand-written sweep directory (reruns, a failed run,
 * an invalid run with an inconclusive verdict, a summary field named like a parameter) and
 * on a real IPD sweep run through the CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import {
  loadSweep,
  readSweepIndex,
  sweepCellStats,
  sweepParams,
} from "../../lib/analysis/sweep.ts";
import { proportionCI } from "../../lib/analysis/stats.ts";
import { ConfigError } from "../../lib/core/config.ts";
import { LogFormatError } from "../../lib/core/run_log.ts";
import { runCli } from "../support/cli.ts";

const near = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} expected ${expected} ± ${tol}, got ${actual}`,
  );

const CELL_A = "kappa=0.1,policy=greedy";
const CELL_B = 'kappa=0.3,policy=["a","b"]';

function row(
  cell: string,
  params: Record<string, unknown>,
  seed: number,
  status: string,
  summary?: Record<string, unknown>,
) {
  const run = `runs/${cell.replace(/[^A-Za-z0-9._=,+-]+/g, "_")}-s${seed}`;
  const valid = summary ? summary.won !== "inconclusive" : undefined;
  if (!summary) return { v: 1, cell, params, seed, run, status };
  // The verdicts as the run layer records them; `fair` is only there, not in the summary.
  const verdicts = { won: summary.won, fair: valid ? seed !== 1 : "inconclusive" };
  return { v: 1, cell, params, seed, run, status, valid, verdicts, summary };
}

function summary(seed: number, score: number, won: boolean | string, kappa: number) {
  return {
    v: 1,
    experiment: "toy",
    seed,
    status: "completed",
    steps: 10,
    kappa, // named like the parameter: becomes `summary.kappa`
    score,
    won,
    label: "text is not a metric",
  };
}

/** A sweep directory written by hand, index lines deliberately out of order. */
async function writeToySweep(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sweep_toy_" });
  const a = { kappa: 0.1, policy: "greedy" };
  const b = { kappa: 0.3, policy: ["a", "b"] };
  const grid = {
    experiment: "toy",
    base: {},
    grid: { kappa: [0.1, 0.3], policy: ["greedy", ["a", "b"]] },
  };
  const cells = [
    { id: CELL_A, name: CELL_A, params: a },
    { id: "x", name: 'kappa=0.1,policy=["a","b"]', params: { kappa: 0.1, policy: ["a", "b"] } },
    { id: "y", name: "kappa=0.3,policy=greedy", params: { kappa: 0.3, policy: "greedy" } },
    { id: "z", name: CELL_B, params: b },
  ];
  await Deno.writeTextFile(
    join(dir, "sweep.json"),
    JSON.stringify({ v: 1, grid, seeds: [0, 2], cells }),
  );
  const rows = [
    row(CELL_B, b, 1, "completed", summary(1, 10, "inconclusive", 0.3)),
    row(CELL_A, a, 2, "interrupted"), // a rerun completes it below: the last row wins
    row(CELL_A, a, 1, "completed", summary(1, 2, true, 0.1)),
    row(CELL_B, b, 2, "failed"),
    row(CELL_A, a, 0, "completed", summary(0, 1, true, 0.1)),
    row(CELL_B, b, 0, "completed", summary(0, 4, true, 0.3)),
    row(CELL_A, a, 2, "completed", summary(2, 3, false, 0.1)),
  ];
  await Deno.writeTextFile(
    join(dir, "index.jsonl"),
    rows.map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  return dir;
}

Deno.test("loadSweep: one typed row per run, last index row wins, cells in sweep.json order", async () => {
  const dir = await writeToySweep();
  try {
    const df = await loadSweep(dir);
    assert.deepEqual(df.columns, [
      "cell",
      "seed",
      "run",
      "status",
      "valid",
      "kappa",
      "policy",
      "steps",
      "summary.kappa",
      "score",
      "won",
      "fair",
    ]);
    const dtype = (k: string) => df.getColumn(k).dtype;
    assert.ok(dtype("seed").equals(pl.Int64));
    assert.ok(dtype("kappa").equals(pl.Float64));
    assert.ok(dtype("policy").equals(pl.String));
    assert.ok(dtype("score").equals(pl.Float64));
    assert.ok(dtype("won").equals(pl.Bool));
    assert.ok(dtype("valid").equals(pl.Bool));
    const rows = df.toRecords();
    assert.deepEqual(rows.map((r) => [r.cell, r.seed, r.status]), [
      [CELL_A, 0, "completed"],
      [CELL_A, 1, "completed"],
      [CELL_A, 2, "completed"],
      [CELL_B, 0, "completed"],
      [CELL_B, 1, "completed"],
      [CELL_B, 2, "failed"],
    ]);
    assert.equal(rows[0].run, `${CELL_A}-s0`);
    assert.deepEqual(rows.map((r) => r.policy), [
      "greedy",
      "greedy",
      "greedy",
      '["a","b"]',
      '["a","b"]',
      '["a","b"]',
    ]);
    assert.deepEqual(rows.map((r) => r.score), [1, 2, 3, 4, 10, null]);
    assert.deepEqual(rows.map((r) => r.won), [true, true, false, true, null, null]);
    assert.deepEqual(rows.map((r) => r.fair), [true, false, true, true, null, null]);
    assert.ok(dtype("fair").equals(pl.Bool));
    assert.deepEqual(rows.map((r) => r.valid), [true, true, true, true, false, null]);
    assert.deepEqual(rows.map((r) => r["summary.kappa"]), [0.1, 0.1, 0.1, 0.3, 0.3, null]);
    assert.deepEqual(sweepParams(df), ["kappa", "policy"]);
    assert.equal((await readSweepIndex(dir)).length, 6);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sweepCellStats: counts, t intervals and Wilson rates computed by hand", async () => {
  const dir = await writeToySweep();
  try {
    const [a, b, ...rest] = sweepCellStats(await loadSweep(dir));
    assert.equal(rest.length, 0);
    assert.equal(a.cell, CELL_A);
    assert.deepEqual(a.params, { kappa: 0.1, policy: "greedy" });
    assert.deepEqual([a.runs, a.completed, a.valid, a.valid_share], [3, 3, 3, 1]);
    assert.deepEqual(Object.keys(a.metrics), ["steps", "summary.kappa", "score"]);
    // score 1, 2, 3: mean 2, sd 1, half = t(0.975, 2) / sqrt(3) = 4.302653 / 1.732051
    assert.equal(a.metrics.score.mean, 2);
    near(a.metrics.score.half_width, 2.484138, 1e-6, "A half width");
    near(a.metrics.score.lo, 2 - 2.484138, 1e-6, "A lo");
    assert.equal(a.verdicts.won.n, 3);
    assert.equal(a.verdicts.won.successes, 2);
    assert.equal(a.verdicts.won.inconclusive, 0);
    assert.deepEqual(
      [a.verdicts.won.lo, a.verdicts.won.hi],
      [proportionCI(2, 3).lo, proportionCI(2, 3).hi],
    );
    near(a.verdicts.won.lo, 0.2077, 5e-5, "Wilson 2/3 lo");

    // B: seed 0 valid (4, won), seed 1 invalid (10, inconclusive), seed 2 failed.
    assert.deepEqual(b.params, { kappa: 0.3, policy: '["a","b"]' });
    assert.deepEqual([b.runs, b.completed, b.valid, b.excluded], [3, 2, 1, 1]);
    assert.equal(a.excluded, 0);
    near(b.valid_share, 1 / 3, 1e-15);
    // The invalid run is left out by default: score 4 alone, no interval.
    assert.equal(b.metrics.score.n, 1);
    assert.equal(b.metrics.score.mean, 4);
    assert.deepEqual([b.verdicts.won.n, b.verdicts.won.successes, b.verdicts.won.rate], [1, 1, 1]);
    assert.equal(b.verdicts.won.inconclusive, 0);
    assert.deepEqual(Object.keys(b.verdicts), ["won", "fair"]);
    assert.deepEqual([a.verdicts.fair.successes, a.verdicts.fair.n], [2, 3]);
    assert.deepEqual([b.verdicts.fair.n, b.verdicts.fair.inconclusive], [1, 0]);

    // validOnly: false keeps the invalid run (the former behaviour).
    const all = sweepCellStats(await loadSweep(dir), { validOnly: false })[1];
    assert.equal(all.excluded, 0);
    assert.equal(all.metrics.score.n, 2);
    assert.equal(all.metrics.score.mean, 7);
    // sd = 3 sqrt 2, se = 3, half = t(0.975, 1) * 3 = 12.706205 * 3
    near(all.metrics.score.half_width, 38.118614, 1e-5, "B half width");
    assert.equal(all.verdicts.won.inconclusive, 1);

    const valid = sweepCellStats(await loadSweep(dir), {
      validOnly: true,
      metrics: ["score", "won"],
    });
    assert.deepEqual(Object.keys(valid[1].metrics), ["score"]);
    assert.equal(valid[1].metrics.score.n, 1);
    assert.equal(valid[1].metrics.score.half_width, Infinity, "one run: unbounded");
    assert.equal(valid[1].verdicts.won.inconclusive, 0);
    // A column declared a share must hold shares (steps = 10 is not one).
    const df = await loadSweep(dir);
    assert.throws(
      () => sweepCellStats(df, { metrics: ["steps"], shares: ["steps"] }),
      /shares must be numbers in \[0, 1\], got 10/,
    );
    const ninety = sweepCellStats(await loadSweep(dir), { level: 0.9, metrics: ["score"] });
    // t(0.95, 2) = 2.919986
    near(ninety[0].metrics.score.half_width, 2.919986 / Math.sqrt(3), 1e-6, "90%");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSweep: bad input names the file; unknown metrics are refused", async () => {
  const dir = await writeToySweep();
  try {
    const df = await loadSweep(dir);
    assert.throws(() => sweepCellStats(df, { metrics: ["nope"] }), /no column 'nope'/);
    assert.throws(() => sweepCellStats(df, { metrics: ["policy"] }), /not numeric or boolean/);
    await Deno.writeTextFile(join(dir, "index.jsonl"), '{"v":1,"cell":"x"', { append: true });
    await assert.rejects(() => loadSweep(dir), LogFormatError);
    assert.equal((await loadSweep(dir, { tolerateTornTail: true })).height, 6);
    await Deno.writeTextFile(join(dir, "index.jsonl"), '{"v":1,"cell":"x"}\n');
    await assert.rejects(() => loadSweep(dir), /index\.jsonl:1: /);
    await Deno.remove(join(dir, "sweep.json"));
    await assert.rejects(() => loadSweep(dir), ConfigError);
    await assert.rejects(() => loadSweep(dir), /sweep\.json: file not found/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSweep: a real IPD sweep agrees with its index rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sweep_ipd_" });
  try {
    const grid = join(dir, "grid.json");
    await Deno.writeTextFile(
      grid,
      JSON.stringify({ experiment: "ipd", grid: { rounds: [4, 8], "payoffs.T": [5, 7] } }),
    );
    const out = join(dir, "sw");
    const r = await runCli(["--sweep", grid, "--seeds", "0..2", "--out", out, "--quiet"]);
    assert.equal(r.code, 0, r.err);
    const index = (await Deno.readTextFile(join(out, "index.jsonl"))).trim().split("\n")
      .map((l) => JSON.parse(l));
    const df = await loadSweep(out);
    assert.equal(df.height, 12);
    assert.deepEqual(sweepParams(df), ["rounds", "payoffs.T"]);
    for (const rec of df.toRecords()) {
      const raw = index.find((x) => x.cell === rec.cell && x.seed === rec.seed);
      assert.ok(raw, `${rec.cell} s${rec.seed} in the index`);
      assert.equal(rec.rounds, raw.params.rounds);
      assert.equal(rec["payoffs.T"], raw.params["payoffs.T"]);
      assert.equal(rec.mutual_cooperation_rate, raw.summary.mutual_cooperation_rate);
      assert.equal(rec.mutual_cooperation, raw.summary.mutual_cooperation);
      assert.equal(rec["summary.rounds"], raw.summary.rounds);
    }
    const stats = sweepCellStats(df);
    assert.deepEqual(stats.map((s) => s.cell), [
      "rounds=4,payoffs.T=5",
      "rounds=4,payoffs.T=7",
      "rounds=8,payoffs.T=5",
      "rounds=8,payoffs.T=7",
    ]);
    for (const s of stats) {
      const rates = index.filter((x) => x.cell === s.cell).map((x) =>
        x.summary.mutual_cooperation_rate
      );
      const mean = rates.reduce((a: number, b: number) => a + b, 0) / rates.length;
      near(s.metrics.mutual_cooperation_rate.mean, mean, 1e-12, s.cell);
      // A rate: a share interval, inside [0, 1].
      const m = s.metrics.mutual_cooperation_rate;
      assert.equal(m.method, "wilson");
      assert.ok(m.lo >= 0 && m.hi <= 1, `${s.cell}: [${m.lo}, ${m.hi}]`);
      assert.equal(s.metrics["summary.rounds"].method, "t", "a count is a mean");
      assert.equal(s.runs, 3);
      assert.equal(s.valid_share, 1);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
