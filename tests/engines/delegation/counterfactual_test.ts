/**
 * The counterfactual users (no mechanism, oracle), regret, the audit's detection outcome,
 * their summaries across seeds, and each verdict's boundary.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import {
  compareWorlds,
  contrastWorlds,
  counterfactualWorlds,
  playMechanism,
  playNoMechanism,
  playOracle,
  providerRegretPoints,
  runCounterfactual,
} from "../../../lib/engines/delegation/counterfactual.ts";
import { counterfactualOffThread } from "../../../lib/engines/delegation/counterfactual_off_thread.ts";
import {
  DETECTION_MARGIN,
  detectionSummary,
  detectionVerdict,
  HONESTY_GAIN_MARGIN,
  honestyVerdict,
  INVERSION_MARGIN,
  REGRET_DECLINE_MARGIN,
  regretFallsVerdict,
  regretSeries,
  regretSeriesSummary,
  runCounterfactualStudy,
  summarizeCounterfactuals,
  USER_UTILITY_MARGIN,
  userUtilityVerdict,
  VERDICT_LEVEL,
} from "../../../lib/engines/delegation/counterfactual_study.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import type { Strategy } from "../../../lib/engines/delegation/strategies.ts";
import { delegationSummary } from "../../../lib/engines/delegation/summary.ts";
import { writeCounterfactualStudyReport } from "../../../lib/engines/delegation/report.ts";
import { runCli } from "../../support/cli.ts";
import { delegationExperiment } from "../../../lib/engines/delegation/experiment.ts";
import { openRun, runToEnd, validateRun } from "../../../lib/run/open.ts";
import { playAll, tinyConfig, tinyRecords } from "./_fixtures.ts";

const close = (a: number, b: number, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

// tiny: A = [gpt-4 (score 1), gpt-35-turbo (0)], B = [gpt-4o (0.5), gpt-4o-mini (0)], every
// task 1000 input tokens; A bills 0.03, B 0.0025; T = 100, epsilon 0.1 -> B = 2.
const tiny = (strategies: (string | Strategy)[]) => ({
  config: tinyConfig(),
  records: tinyRecords(),
  seed: 3,
  strategies,
});
const bait: Strategy = (v) => (v.obs.phase === 1 ? v.best : v.cheapest);

Deno.test("no-mechanism user: the mechanism's exploration, then every task to its best", () => {
  const w = playNoMechanism(tiny(["honest", "honest"]));
  const B = new DelegationEngine(tinyConfig(), { records: tinyRecords() }).B;
  assert.equal(B, 2);
  assert.equal(w.delegations, 100);
  assert.equal(w.best_provider, 0);
  assert.deepEqual(w.provider_delegations, [100 - B, B]);
  assert.equal(w.substitutions, 0);
  close(w.user_utility, (100 - B) * (7 - 0.03) + B * (3.5 - 0.0025));
  // the same best provider as the mechanism on the same seed
  const m = playMechanism(tiny(["honest", "honest"]));
  assert.equal(m.best_provider, w.best_provider);
});

Deno.test("no-mechanism user: `ours` substitutes from its first committed delegation", () => {
  const w = playNoMechanism(tiny(["ours", "honest"]));
  assert.equal(w.best_provider, 0);
  assert.deepEqual(w.provider_substitutions, [100 - 4, 0]);
  close(w.substitution_share, 96 / 100);
});

Deno.test("oracle: best fixed provider by served quality; the paid-for one apart", () => {
  const o = playOracle(tiny(["ours", "honest"]));
  // A relied on without audit serves gpt-35-turbo (utility -0.03); B serves gpt-4o
  assert.equal(o.best_provider, 1);
  close(o.user_utility, 100 * (3.5 - 0.0025));
  close(o.served_user_utility[0], -100 * 0.03);
  assert.equal(o.honest_best_provider, 0);
  close(o.honest_best_utility, 100 * (7 - 0.03));
  assert.equal(o.substitution_share, 0);
});

Deno.test("contrast: honesty gain, utility gain and regrets are the stated differences", () => {
  const c = contrastWorlds(
    { T: 10, user_utility: 20, substitution_share: 0.1 },
    { T: 10, user_utility: 15, substitution_share: 0.5 },
    { T: 10, user_utility: 30, honest_best_utility: 40 },
  );
  close(c.honesty_gain, 0.4);
  close(c.user_utility_gain_per_task, 0.5);
  assert.equal(c.user_regret, 10);
  assert.equal(c.user_regret_per_task, 1);
  assert.equal(c.no_mechanism_regret, 15);
  assert.equal(c.paid_for_regret, 20);
  assert.throws(
    () =>
      contrastWorlds(
        { T: 10, user_utility: 0, substitution_share: 0 },
        { T: 11, user_utility: 0, substitution_share: 0 },
        { T: 10, user_utility: 0, honest_best_utility: 0 },
      ),
    RangeError,
  );
});

Deno.test("provider stage-game regret: the forgone substitution gain, 0 for the cheapest", () => {
  // A's gpt-35-turbo: 0.5 * 0.03 - 0.5 * 1000 * 0.5e-6 = 0.01475 per delegation; gpt-4: 0
  const honest = playNoMechanism(tiny(["honest", "worst"])).regret;
  close(honest.A.mean, 0.01475);
  close(honest.A.total, 0.01475 * honest.A.n, 1e-8);
  assert.equal(honest.B.mean, 0);
  const engine = new DelegationEngine(tinyConfig(), { records: tinyRecords() });
  const [p] = providerRegretPoints(engine.tables, [
    { provider: "A", provider_id: 1, time: 7, provider_utility: 0 },
  ]);
  close(p.best, 0.01475);
  assert.throws(
    () =>
      providerRegretPoints(engine.tables, [{
        provider: "X",
        provider_id: 3,
        time: 0,
        provider_utility: 0,
      }]),
    RangeError,
  );
});

Deno.test("mechanism outcome: matches a normal run's summary", () => {
  const config = tinyConfig();
  const engine = new DelegationEngine(config, { records: tinyRecords() });
  const best: Record<string, string> = { A: "gpt-4", B: "gpt-4o" };
  const cheap: Record<string, string> = { A: "gpt-35-turbo", B: "gpt-4o-mini" };
  playAll(engine, 3, (p, o) => (o.phase === 1 ? best[p] : cheap[p]));
  const s = delegationSummary(config, engine.getState());
  const m = playMechanism(tiny([bait, bait]));
  assert.equal(m.delegations, s.total_delegations);
  close(m.user_utility, s.total_user_utility);
  close(m.substitution_share, s.substitution_rate);
  assert.equal(m.detection.stopped, s.stopped_early);
});

Deno.test("detection: a substituting best provider is stopped, an honest one is not", () => {
  const caught = playMechanism(tiny([bait, "honest"])).detection;
  assert.equal(caught.best_provider, 0);
  assert.ok(caught.tested);
  assert.ok(caught.substituted && caught.stopped && caught.detected);
  assert.equal(caught.false_stop, false);
  // the window is B = 2: the stop comes at the second substituted delegation
  assert.equal(caught.delay, 1);
  const honest = playMechanism(tiny(["honest", "honest"])).detection;
  assert.ok(honest.tested);
  assert.equal(honest.substituted, false);
  assert.equal(honest.stopped, false);
  assert.equal(honest.false_stop, false);
  assert.equal(honest.delay, null);
});

Deno.test("counterfactuals: live mode has none", () => {
  const config = parseDelegationConfig({ T: 50, records: { mode: "live" } });
  assert.throws(() => playNoMechanism({ config, seed: 1 }), TypeError);
  assert.throws(() => playOracle({ config, seed: 1 }), TypeError);
  assert.throws(() => compareWorlds({ config, seed: 1 }), TypeError);
});

Deno.test("compareWorlds: deterministic per seed, and the three users share the tables", () => {
  const config = parseDelegationConfig({ T: 300 });
  const a = compareWorlds({ config, seed: 5 });
  const b = compareWorlds({ config, seed: 5 });
  assert.deepEqual(a, b);
  assert.equal(a.no_mechanism.delegations, 300);
  assert.equal(a.oracle.delegations, 300);
  // oracle = the best served total among providers
  assert.equal(a.oracle.user_utility, Math.max(...a.oracle.served_user_utility));
  close(a.contrast.user_regret, a.oracle.user_utility - a.mechanism.user_utility);
});

Deno.test("counterfactual users off the main thread: equal to this thread's; a failure rejects", async () => {
  for (
    const [config, records] of [[parseDelegationConfig({ T: 2000 }), undefined], [
      tinyConfig(),
      tinyRecords(),
    ]] as const
  ) {
    const strategies = ["honest", "ours", "worst"].slice(0, config.providers.length);
    const options = { config, records, seed: 7, strategies };
    assert.deepEqual(await counterfactualOffThread(options).result, counterfactualWorlds(options));
  }
  const live = parseDelegationConfig({ T: 50, records: { mode: "live" } });
  await assert.rejects(
    counterfactualOffThread({ config: live, seed: 1, strategies: ["honest", "honest", "honest"] })
      .result,
    /live/,
  );
});

/** A worker module that fails as it loads. */
const BROKEN_WORKER = `data:application/javascript,${
  encodeURIComponent('throw new Error("broken on purpose")')
}`;

/** Runs `fn` with every worker made counted (and, when `failing`, broken as it loads). */
async function countingWorkers<T>(failing: boolean, fn: () => Promise<T>): Promise<[T, number]> {
  const Real = globalThis.Worker;
  let made = 0;
  class Counted extends Real {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(failing ? BROKEN_WORKER : url, options);
      made++;
    }
  }
  globalThis.Worker = Counted;
  try {
    return [await fn(), made];
  } finally {
    globalThis.Worker = Real;
  }
}

const LONG = { T: 100_000, records: { mode: "synthetic", tasks: 50 } };

/** The counterfactual block of a `LONG` run on seed 3, played on this thread. */
function expectedBlock(summary: Record<string, unknown>) {
  const config = parseDelegationConfig(LONG);
  const engine = new DelegationEngine(config);
  engine.reset({ seed: 3 });
  const block = runCounterfactual({
    config,
    tables: engine.tables,
    seed: 3,
    strategies: config.providers.map((p) => p.strategy),
    mechanism: {
      user_utility: summary.total_user_utility as number,
      substitution_share: summary.substitution_rate as number,
    },
  });
  return JSON.parse(JSON.stringify(block));
}

Deno.test("a run of T >= 1e5 plays its counterfactual users in one worker, equal to this thread's; a broken worker falls back to this thread", async () => {
  for (const failing of [false, true]) {
    const dir = await Deno.makeTempDir({ prefix: "lab-cf-thread-" });
    const [result, made] = await countingWorkers(failing, async () =>
      await runToEnd(
        await openRun({
          experiment: delegationExperiment,
          config: LONG,
          seed: 3,
          out: join(dir, "run"),
          reportsRoot: null,
          policy: { logDecisions: "none" },
        }),
      ));
    assert.equal(made, 1, `failing: ${failing}`);
    assert.equal(result.outcome.status, "completed");
    assert.deepEqual(result.summary.counterfactual, expectedBlock(result.summary));
  }
});

Deno.test("a build only checked starts no worker; a session closed before its summary stops its worker", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-cf-thread-" });
  const request = {
    experiment: delegationExperiment,
    config: LONG,
    seed: 3,
    out: join(dir, "run"),
    reportsRoot: null,
  };
  const [, checked] = await countingWorkers(false, () => validateRun(request));
  assert.equal(checked, 0, "a dry build (a sweep's cell, --estimate) plays nothing");
  const [, opened] = await countingWorkers(false, async () => {
    const session = await openRun(request);
    await session.run({ until: 10 });
    session.close(); // the worker is stopped: the test ends with nothing running
  });
  assert.equal(opened, 1);
});

// ---- verdict boundaries: each constant's value is pinned by a pair of cases ----

Deno.test("verdict constants have their documented values", () => {
  assert.equal(VERDICT_LEVEL, 0.95);
  assert.equal(HONESTY_GAIN_MARGIN, 0);
  assert.equal(USER_UTILITY_MARGIN, 0);
  assert.equal(DETECTION_MARGIN, 0);
  assert.equal(REGRET_DECLINE_MARGIN, 0);
});

Deno.test("honesty verdict: the interval must exclude 0", () => {
  assert.equal(honestyVerdict({ lo: 0, hi: 0.5 }), "inconclusive");
  assert.equal(honestyVerdict({ lo: 1e-12, hi: 0.5 }), "more_honest");
  assert.equal(honestyVerdict({ lo: -0.5, hi: 0 }), "inconclusive");
  assert.equal(honestyVerdict({ lo: -0.5, hi: -1e-12 }), "less_honest");
  assert.equal(honestyVerdict({ lo: NaN, hi: NaN }), "inconclusive");
  assert.equal(honestyVerdict({ lo: -Infinity, hi: Infinity }), "inconclusive");
});

Deno.test("user-utility verdict: the interval must exclude 0", () => {
  assert.equal(userUtilityVerdict({ lo: 0, hi: 1 }), "inconclusive");
  assert.equal(userUtilityVerdict({ lo: 1e-12, hi: 1 }), "better");
  assert.equal(userUtilityVerdict({ lo: -1, hi: 0 }), "inconclusive");
  assert.equal(userUtilityVerdict({ lo: -1, hi: -1e-12 }), "worse");
});

Deno.test("detection verdict: power's lower bound must clear the false stops' upper bound", () => {
  assert.equal(detectionVerdict({ lo: 0.3, hi: 0.9 }, { lo: 0, hi: 0.3 }), "inconclusive");
  assert.equal(detectionVerdict({ lo: 0.3 + 1e-9, hi: 0.9 }, { lo: 0, hi: 0.3 }), "yes");
  assert.equal(detectionVerdict({ lo: NaN, hi: NaN }, { lo: 0, hi: 0.1 }), "inconclusive");
  assert.equal(DETECTION_MARGIN, 0);
});

Deno.test("detection verdict: inverted when false stops lie wholly above the power", () => {
  const power = { lo: 0.02, hi: 0.1 };
  const at = (lo: number) => detectionVerdict(power, { lo, hi: 0.4 });
  assert.equal(at(0.1 + INVERSION_MARGIN), "inconclusive");
  assert.equal(at(0.1 + INVERSION_MARGIN + 1e-9), "inverted");
  assert.equal(INVERSION_MARGIN, 0);
});

Deno.test("detection: a stop before a substitution the strategy would make is preempted", () => {
  // switches to its cheapest model after 3 exploitation delegations; stopped before that
  // only when the threshold fires at its first window, so force a stop with a huge margin
  const late: Strategy = (
    v,
  ) => (v.obs.phase === 2 && v.obs.delegations > 10_000 ? v.cheapest : v.best);
  const d = playMechanism(tiny(["honest", "honest"])).detection;
  assert.equal(d.preempted, false);
  const r = playMechanism(tiny([late, late])).detection;
  assert.equal(r.substituted, false);
  assert.equal(r.preempted, false);
  assert.equal(r.false_stop, r.stopped);
});

Deno.test("regret verdict: the smallest horizon's interval must lie above the largest's", () => {
  const at = (T: number, lo: number, hi: number) => ({ T, user_regret_per_task: { lo, hi } });
  assert.equal(regretFallsVerdict([at(100, 1, 2), at(1000, 0, 1)]), "inconclusive");
  assert.equal(regretFallsVerdict([at(1000, 0, 1 - 1e-9), at(100, 1, 2)]), "yes");
  assert.equal(regretFallsVerdict([at(100, 1, 2)]), "inconclusive");
});

Deno.test("detection summary: Wilson rates over tested runs, untested apart", () => {
  const row = (substituted: boolean, stopped: boolean, tested = true) => ({
    tested,
    substituted,
    stopped,
    detection_delay: substituted && stopped ? 10 : null,
  });
  const d = detectionSummary([
    { ...row(false, true), preempted: true },
    row(true, true),
    row(true, true),
    row(true, false),
    row(false, false),
    row(false, true),
    row(true, true, false),
  ]);
  assert.equal(d.untested, 1);
  assert.equal(d.preempted, 1);
  assert.equal(d.power.trials, 3);
  assert.equal(d.power.successes, 2);
  assert.equal(d.false_stop_rate.trials, 2);
  assert.equal(d.false_stop_rate.successes, 1);
  assert.equal(d.power.level, VERDICT_LEVEL);
  assert.ok(d.power.lo >= 0 && d.power.hi <= 1);
  assert.equal(d.mean_delay, 10);
  assert.equal(d.audit_separates, "inconclusive");
  const none = detectionSummary([]);
  assert.ok(Number.isNaN(none.power.mean));
  assert.equal(none.audit_separates, "inconclusive");
});

Deno.test("summary across seeds: the seed is the unit, one seed claims nothing", () => {
  const config = parseDelegationConfig({ T: 300 });
  const combos = [["honest", "ours", "worst"], ["ours", "ours", "ours"]];
  const one = summarizeCounterfactuals(
    runCounterfactualStudy({ config, seeds: [1], combinations: combos }),
  );
  assert.equal(one.runs, 2);
  assert.equal(one.honesty_gain.n, 1, "two combinations of one seed are one value");
  assert.equal(one.verdicts.honesty_vs_no_mechanism, "inconclusive");
  const rows = runCounterfactualStudy({ config, seeds: [1, 2, 3], combinations: combos });
  assert.equal(rows.length, 6);
  const s = summarizeCounterfactuals(rows);
  assert.equal(s.honesty_gain.n, 3);
  const perSeed = [1, 2, 3].map((seed) => {
    const rs = rows.filter((r) => r.seed === seed);
    return rs.reduce((a, r) => a + r.honesty_gain, 0) / rs.length;
  });
  close(s.honesty_gain.mean, perSeed.reduce((a, b) => a + b, 0) / 3);
  assert.equal(s.verdicts.honesty_vs_no_mechanism, honestyVerdict(s.honesty_gain));
  assert.throws(() => runCounterfactualStudy({ config, seeds: [] }), RangeError);
  assert.throws(
    () => runCounterfactualStudy({ config, seeds: [1], combinations: [["honest"]] }),
    RangeError,
  );
});

Deno.test("all-honest providers: no honesty gain and no claim", () => {
  const config = parseDelegationConfig({ T: 300 });
  const rows = runCounterfactualStudy({
    config,
    seeds: [1, 2, 3],
    combinations: [["honest", "honest", "honest"]],
  });
  const s = summarizeCounterfactuals(rows);
  assert.equal(s.honesty_gain.mean, 0);
  assert.equal(s.verdicts.honesty_vs_no_mechanism, "inconclusive");
  assert.ok(rows.every((r) => r.substituted === false));
});

Deno.test("regret series: one point per horizon and seed, intervals per horizon", () => {
  const config = parseDelegationConfig({ T: 1000 });
  const pts = regretSeries({ config, horizons: [100, 400], seeds: [1, 2] });
  assert.deepEqual(pts.map((p) => [p.T, p.seed]), [[100, 1], [100, 2], [400, 1], [400, 2]]);
  for (const p of pts) close(p.user_regret_per_task, p.user_regret / p.T);
  const direct = compareWorlds({ config: { ...config, T: 400 }, seed: 2 }).contrast;
  close(pts[3].user_regret, direct.user_regret);
  const s = regretSeriesSummary(pts);
  assert.deepEqual(s.rows.map((r) => r.T), [100, 400]);
  assert.equal(s.rows[0].user_regret_per_task.n, 2);
  assert.throws(() => regretSeries({ config, horizons: [0] }), RangeError);
});

Deno.test("study report: answer, table and regret chart", async () => {
  const config = parseDelegationConfig({ T: 200 });
  const rows = runCounterfactualStudy({
    config,
    seeds: [1, 2],
    combinations: [["honest", "ours", "worst"]],
  });
  const series = regretSeries({ config, horizons: [100, 200], seeds: [1, 2] });
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-cf-" });
  const path = await writeCounterfactualStudyReport(dir, { rows, series, intro: ["test"] });
  const md = await Deno.readTextFile(join(dir, "report.md"));
  assert.match(md, /honesty_vs_no_mechanism/);
  assert.match(md, /no-mechanism user/);
  assert.match(md, /best fixed provider/);
  assert.match(md, /regret_per_task_falls/);
  assert.ok((await Deno.readTextFile(join(dir, "regret_series.svg"))).startsWith("<svg"));
  assert.ok(path.endsWith("report.html"));
});

Deno.test("a run's summary: providers' stage-game regret and the counterfactual block", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-cf-" });
  const cfg = join(dir, "c.json");
  await Deno.writeTextFile(cfg, JSON.stringify({ T: 400 }));
  const r = await runCli([
    "delegation",
    "--config",
    cfg,
    "--seed",
    "4",
    "--out",
    join(dir, "run"),
    "--reports",
    join(dir, "rep"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  assert.deepEqual(Object.keys(s.regret), ["provider_1", "provider_2", "provider_3"]);
  assert.equal(s.regret_kind, "stage-game");
  // the same figures as the step-by-step pass on the same seed
  const config = parseDelegationConfig({ T: 400 });
  const w = compareWorlds({ config, seed: 4 });
  assert.deepEqual(s.regret, w.mechanism.regret);
  close(s.counterfactual.contrast.honesty_gain, w.contrast.honesty_gain);
  close(s.counterfactual.contrast.user_regret, w.contrast.user_regret, 1e-6);
  assert.equal(s.counterfactual.oracle.provider_id, w.oracle.best_provider + 1);
  assert.deepEqual(s.counterfactual.no_mechanism.provider_regret, w.no_mechanism.regret);
  const md = await Deno.readTextFile(join(dir, "rep", "run", "report.md"));
  assert.match(md, /## Against the counterfactual users/);
  assert.match(
    md,
    /honesty gain \(substitution share without - with\) \| [-0-9.]+ \| no-mechanism user/,
  );
  assert.match(md, /## Providers' stage-game regret/);
});

Deno.test("a run without decision rows: no regret, and the report says why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-cf-" });
  const r = await runCli([
    "delegation",
    "--log-decisions",
    "none",
    "--out",
    join(dir, "run"),
    "--reports",
    join(dir, "rep"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  assert.equal(s.regret, null);
  assert.match(s.regret_note, /every decision row/);
  assert.ok(s.counterfactual, "the counterfactual needs no rows");
  const md = await Deno.readTextFile(join(dir, "rep", "run", "report.md"));
  assert.match(md, /Not computed: needs every decision row/);
});
