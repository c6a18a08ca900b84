/**
 * What keeps a long delegation run cheap: the python stream's state is a position (seed,
 * regenerations, index) of a few bytes rather than 624 words in every checkpoint, and it
 * restores to the very same stream (the words form of older checkpoints still restores);
 * the regret of a run is tallied as its rows are logged and equals the regret computed from
 * `decisions.jsonl` read back, which is what a resumed run does.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { summarizeRegret } from "../../../lib/core/regret.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { findExperiment } from "../../../lib/cli/registry.ts";
import {
  providerRegretPoints,
  ProviderRegretTally,
} from "../../../lib/engines/delegation/counterfactual.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { DelegationDecisionSchema } from "../../../lib/engines/delegation/experiment.ts";
import {
  MAX_REPLAYED_TWISTS,
  PythonRandom,
  streamFromState,
} from "../../../lib/engines/delegation/python_random.ts";
import { createStrategyAgent } from "../../../lib/engines/delegation/strategies.ts";
import { openRun, resumeRun, runToEnd } from "../../../lib/run/open.ts";

Deno.test("python stream: a seeded stream's state is its position, a few bytes, restored exactly", () => {
  const a = new PythonRandom(42);
  for (let i = 0; i < 5000; i++) a.random(); // about 16 regenerations
  const state = a.getState();
  assert.ok("twists" in state && state.twists > 10, JSON.stringify(state));
  assert.ok(JSON.stringify(state).length < 100, JSON.stringify(state));
  const b = streamFromState(JSON.parse(JSON.stringify(state)));
  const c = new PythonRandom(0);
  c.setState(state);
  for (let i = 0; i < 2000; i++) {
    const x = a.random();
    assert.equal(b.random(), x);
    assert.equal(c.random(), x);
  }
  assert.deepEqual(b.getState(), a.getState());
  // bad positions are refused
  for (const twists of [-1, 1.5, MAX_REPLAYED_TWISTS + 1]) {
    assert.throws(
      () => new PythonRandom(1).setState({ kind: "python", seed: 1, twists, index: 0 }),
      TypeError,
    );
  }
});

Deno.test("python stream: the words form (older checkpoints) restores and keeps saving words", () => {
  const words = Array.from({ length: 624 }, (_, i) => (i * 2654435761) >>> 0);
  const a = streamFromState({ kind: "python", mt: words, index: 624 });
  for (let i = 0; i < 700; i++) a.random();
  const saved = a.getState();
  assert.ok("mt" in saved, "a stream restored from words has no seed to save");
  const b = streamFromState(JSON.parse(JSON.stringify(saved)));
  for (let i = 0; i < 1000; i++) assert.equal(b.random(), a.random());
  // re-seeding makes the position form available again
  const r = new PythonRandom(3);
  r.setState(saved);
  r.seed(3);
  assert.deepEqual(r.getState(), new PythonRandom(3).getState());
});

Deno.test("regret tally: the same figures as summarizeRegret over providerRegretPoints", () => {
  const engine = new DelegationEngine(parseDelegationConfig({ T: 3000, rng: "python" }));
  const agents = engine.agents.map((p, i) =>
    createStrategyAgent(engine, p, ["honest", "ours", "random"][i])
  );
  let view = engine.reset({ seed: 4 });
  const rows: { provider: string; provider_id: number; time: number; provider_utility: number }[] =
    [];
  const tally = new ProviderRegretTally(engine);
  while (!engine.isDone()) {
    const name = engine.agents[engine.actor];
    const d = agents[engine.actor].act({
      agent: name,
      round: engine.round + 1,
      observation: view.observations[name],
      info: view.infos[name],
    }) as { action: string };
    view = engine.step({ [name]: d.action });
    const r = (view.infos[name] as { delegation: typeof rows[number] }).delegation;
    rows.push({ ...r, provider: name });
    tally.add(name, r.provider_id, r.time, r.provider_utility, name === "provider_2");
  }
  assert.equal(tally.rows, rows.length);
  const points = providerRegretPoints(engine.tables, rows).map((p) => ({
    ...p,
    llm: p.agent === "provider_2",
  }));
  assert.deepEqual(tally.summary(), summarizeRegret(points));
  assert.throws(() => tally.add("x", 9, 0, 0), RangeError);
  assert.throws(() => tally.add("provider_1", 1, 0, NaN), RangeError);
});

Deno.test("delegation run: the tallied regret equals the rows' read back; a resumed run's too (and its per-phase figures)", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-delegation-scale-" });
  const delegation = findExperiment("delegation")!;
  const request = (out: string) => ({
    experiment: delegation,
    config: { T: 4000, rng: "python" },
    seed: 2,
    out,
    reportsRoot: null,
  });
  const regretFromRows = async (dir: string) => {
    // synthetic records are drawn from the run's seed: the tables of seed 2
    const engine = new DelegationEngine(parseDelegationConfig({ T: 4000, rng: "python" }));
    engine.reset({ seed: 2 });
    const rows = await readJsonl(join(dir, "decisions.jsonl"), DelegationDecisionSchema);
    return summarizeRegret(
      providerRegretPoints(engine.tables, rows.map((r) => ({ ...r, provider: r.agent })))
        .map((p) => ({ ...p, llm: false })),
    );
  };
  const whole = await runToEnd(
    await openRun(request(join(root, "whole"))),
  );
  assert.equal(whole.outcome.status, "completed");
  assert.ok(whole.summary.regret, JSON.stringify(whole.summary.regret_note));
  assert.deepEqual(whole.summary.regret, await regretFromRows(whole.dir));
  // the checkpoints hold the stream's position, not its 624 words
  const checkpoints = await Deno.readTextFile(join(whole.dir, "checkpoints.jsonl"));
  assert.ok(!checkpoints.includes('"mt":'), "a checkpoint saved the words");
  assert.ok(checkpoints.includes('"twists":'));
  // paused half-way, resumed in a fresh session: the regret comes from the rows on disk
  const out = join(root, "resumed");
  const first = await openRun(request(out));
  const paused = await first.run({ until: 1500 });
  assert.equal(paused.status, "paused");
  first.close();
  const resumed = await runToEnd(await resumeRun(out, findExperiment));
  assert.equal(resumed.outcome.status, "completed");
  assert.deepEqual(resumed.summary.regret, whole.summary.regret);
  assert.equal(resumed.summary.total_user_utility, whole.summary.total_user_utility);
  // the per-phase sums are not in the checkpoint: the resumed run tallies them from the rows,
  // the same values in the same order, so exactly the uninterrupted run's
  assert.ok(whole.summary.per_phase);
  assert.deepEqual(resumed.summary.per_phase, whole.summary.per_phase);
});
