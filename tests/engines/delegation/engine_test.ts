import assert from "node:assert/strict";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { PythonRandom } from "../../../lib/engines/delegation/python_random.ts";
import {
  createStrategyAgent,
  STRATEGIES,
  strategyView,
} from "../../../lib/engines/delegation/strategies.ts";
import { delegationSummary } from "../../../lib/engines/delegation/summary.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { playAll, tinyConfig, tinyRecords } from "./_fixtures.ts";

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

/** Drives the engine with named strategies through agents, as the runner would. */
function playAgents(engine: DelegationEngine, seed: number, strategies: string[]) {
  const agents = engine.agents.map((p, i) => createStrategyAgent(engine, p, strategies[i]));
  let view = engine.reset({ seed });
  const records = [];
  while (!engine.isDone()) {
    const [p] = engine.liveAgents();
    const i = engine.agents.indexOf(p);
    const d = agents[i].act({
      agent: p,
      round: engine.round + 1,
      observation: view.observations[p],
      info: view.infos[p],
    }) as { action: string };
    const step = engine.step({ [p]: d.action });
    records.push(step.infos[p].delegation!);
    view = step;
  }
  return records;
}

// Hand trace (T=100, eps=0.1, K=2, python stream seed 0): B = floor(100^0.2) = 2,
// M = 100^-0.1 ln 200 = 3.34301225581044. Phase 1: A serves gpt-4 (utility 7 - 0.03 = 6.97),
// B serves gpt-4o (3.5 - 0.0025 = 3.4975). Best A (tie-break draw), second B.
// delta1 = -ln 3.4975 + 2 + M = 4.09096382825294, R2 = 100 - 7.09096... * 4 = 71.636...,
// planned = 71, threshold = 3.4975 - M = 0.15448774418956.
// CPython, seed 0: after choice([0]) the phase-4 draws are 0.7579544029403025 (A, fraction
// 0.3876) and 0.420571580830845 (B, fraction 0.2394): neither wins an extra block.
Deno.test("hand trace: strategic A stops early, honest B", () => {
  const engine = new DelegationEngine(tinyConfig(), { records: tinyRecords() });
  const recs = playAgents(engine, 0, ["ours", "honest"]);
  const s = delegationSummary(engine.config, engine.getState());
  assert.equal(engine.B, 2);
  close(engine.M, 3.34301225581044, 1e-13);
  assert.equal(s.best_provider_id, 1);
  assert.equal(s.second_best_provider_id, 2);
  close(s.avg_utilities["1"], 6.97, 1e-12);
  close(s.avg_utilities["2"], 3.4975, 1e-12);
  close(s.delta1!, 4.09096382825294, 1e-12);
  close(s.delta2!, Math.log(6.97), 1e-12);
  close(s.R2!, 71.63614468698825, 1e-9);
  assert.equal(s.planned, 71);
  close(s.threshold!, 3.4975 - 3.34301225581044, 1e-12);
  // A serves gpt-4 while 14 + 7k < 71 * 3.4975 = 248.3225: k = 0..33, 34 delegations;
  // then gpt-35-turbo (utility -0.03); with window B = 2 the mean is -0.03 after two: stop at 36.
  assert.equal(s.stopped_early, true);
  assert.deepEqual(s.delegations_per_phase, {
    exploration: 4,
    exploitation: 36,
    bonus: 0,
    incentive: 2,
    utility_based: 14,
  });
  // phase 4: A x = delta1 + ln(7 - M) = 5.3876 -> 10 delegations; B x = 2.2394 -> 4
  assert.equal(s.total_delegations, 56);
  assert.deepEqual(s.utility_based_draws.map((d) => [d.provider_id, d.u, d.won]), [
    [1, 0.7579544029403025, false],
    [2, 0.420571580830845, false],
  ]);
  const a = recs.filter((r) => r.provider === "A");
  assert.equal(a.filter((r) => r.model === "gpt-4").length, 2 + 34);
  assert.equal(a.filter((r) => r.model === "gpt-35-turbo").length, 2 + 10);
  // each cheap delegation: 0.5 * 0.03 - 0.5 * 1000 * 0.5e-6 = 0.01475
  close(s.provider_stats["1"].provider_utility, 12 * 0.01475, 1e-12);
  close(s.provider_stats["2"].provider_utility, 0, 1e-12);
  close(s.provider_stats["1"].total_reward, 252, 1e-9);
  close(s.provider_stats["2"].total_reward, 28, 1e-9);
  close(s.provider_stats["1"].user_utility, 36 * 6.97 - 12 * 0.03, 1e-9);
  close(s.total_user_utility, 250.56 + 27.98, 1e-9);
  close(engine.returns().A, 12 * 0.01475, 1e-12);
  // phases of the records, in order
  const phases = recs.map((r) => `${r.phase}${r.bonus ? "b" : ""}${r.provider}`);
  assert.deepEqual(phases.slice(0, 4), ["1A", "1A", "1B", "1B"]);
  assert.equal(phases.slice(4, 40).every((p) => p === "2A"), true);
  assert.deepEqual(phases.slice(40, 42), ["3B", "3B"]);
  assert.equal(phases.slice(42, 52).every((p) => p === "4A"), true);
  assert.equal(phases.slice(52).every((p) => p === "4B"), true);
  assert.deepEqual(recs.map((r) => r.time), recs.map((_, i) => i));
});

Deno.test("hand trace: honest A gets the bonus", () => {
  const engine = new DelegationEngine(tinyConfig(), { records: tinyRecords() });
  playAgents(engine, 0, ["honest", "honest"]);
  const s = delegationSummary(engine.config, engine.getState());
  // 4 + 71 + bonus 2 + incentive 2 + phase 4 (10 + 4) = 93
  assert.equal(s.stopped_early, false);
  assert.deepEqual(s.delegations_per_phase, {
    exploration: 4,
    exploitation: 71,
    bonus: 2,
    incentive: 2,
    utility_based: 14,
  });
  assert.equal(s.total_delegations, 93);
  assert.equal(s.total_provider_utility, 0);
});

Deno.test("the tie-break is drawn even with one candidate and when T ends phase 1", () => {
  // T = 3, eps = 0.5: B = 3, provider A takes all three steps; B never delegated (means 0)
  const engine = new DelegationEngine(tinyConfig({ T: 3, epsilon: 0.5 }), {
    records: tinyRecords(),
  });
  playAll(engine, 9, () => "gpt-4");
  const s = delegationSummary(engine.config, engine.getState());
  assert.equal(s.total_delegations, 3);
  assert.equal(s.best_provider_id, 1);
  assert.equal(s.avg_utilities["2"], 0);
  assert.equal(s.planned, 0);
  const expected = new PythonRandom(9);
  expected.choice([0]);
  assert.deepEqual(engine.stream.getState(), expected.getState());
});

Deno.test("the game stops at T in every phase", () => {
  // The original overruns T here: T = 50, eps = 0.3, K = 3: B = floor(50^0.6) = 10,
  // exploration 30, R2 = 0 (so planned 0), bonus 10 (t = 40), then incentive 2 x 10 = 60 > 50.
  const config = parseDelegationConfig({ T: 50, epsilon: 0.3 });
  const engine = new DelegationEngine(config);
  const recs = playAll(engine, 0, (p) => engine.fallbackAction(p));
  assert.equal(engine.B, 10);
  assert.equal(recs.length, 50);
  assert.deepEqual(
    [1, 2, 3, 4].map((ph) => recs.filter((r) => r.phase === ph).length),
    [30, 10, 10, 0],
  );
  // a sweep of T and epsilon: never more than T delegations, and runs cut by T (exactly T
  // delegations) end in each phase: exploration, bonus, incentive and utility-based
  const cutIn = new Set<string>();
  for (const epsilon of [0.1, 0.2, 0.3, 0.5]) {
    for (let T = 1; T <= 150; T++) {
      const e = new DelegationEngine(tinyConfig({ T, epsilon }), { records: tinyRecords() });
      const r = playAll(e, 1, (p) => (p === "A" ? "gpt-4" : "gpt-4o"));
      assert.ok(r.length <= T);
      assert.deepEqual(r.map((x) => x.time), r.map((_, i) => i));
      if (r.length === T) cutIn.add(`${r[T - 1].phase}${r[T - 1].bonus ? "b" : ""}`);
    }
  }
  assert.deepEqual([...cutIn].sort(), ["1", "2b", "3", "4"]);
});

Deno.test("B and M are the formulas for several T, K, epsilon", () => {
  for (const T of [1, 10, 1000, 123456]) {
    for (const epsilon of [0, 0.1, 0.2, 0.3]) {
      for (const K of [1, 2, 3]) {
        const providers = Array.from({ length: K }, (_, i) => ({
          models: ["gpt-4o", "gpt-4o-mini"],
          eta: 0.1 * (i + 1),
        }));
        const engine = new DelegationEngine(parseDelegationConfig({ T, epsilon, providers }));
        assert.equal(engine.B, Math.floor(T ** (2 * epsilon)));
        assert.equal(engine.M, T ** -epsilon * Math.log(K * T));
      }
    }
  }
});

Deno.test("property: delegations <= T, each in exactly one phase, per-provider sums add up", () => {
  const rng = new Rng(11);
  const names = ["honest", "worst", "random", "ours"];
  for (let trial = 0; trial < 40; trial++) {
    const T = rng.int(1, 3000);
    const epsilon = rng.pick([0.05, 0.1, 0.2, 0.3, 0.4]);
    const config = parseDelegationConfig({ T, epsilon, rng: rng.pick(["python", "toolkit"]) });
    const engine = new DelegationEngine(config);
    const strategies = config.providers.map(() => rng.pick(names));
    const recs = playAgents(engine, trial, strategies);
    const s = delegationSummary(config, engine.getState());
    assert.ok(recs.length <= T);
    assert.equal(s.total_delegations, recs.length);
    const p = s.delegations_per_phase;
    assert.equal(
      p.exploration + p.exploitation + p.bonus + p.incentive + p.utility_based,
      recs.length,
    );
    for (const ph of [1, 2, 3, 4]) {
      const n = recs.filter((r) => r.phase === ph && !r.bonus).length;
      const want = [0, p.exploration, p.exploitation, p.incentive, p.utility_based][ph];
      assert.equal(n, want);
    }
    assert.equal(recs.filter((r) => r.bonus).length, p.bonus);
    const perProvider = Object.values(s.provider_stats).reduce((a, x) => a + x.delegations, 0);
    assert.equal(perProvider, recs.length);
    if (p.bonus > 0) assert.equal(s.stopped_early, false);
  }
});

Deno.test("property: an honest provider never serves a cheaper model", () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 20; trial++) {
    const config = parseDelegationConfig({ T: rng.int(50, 2000), rng: "python" });
    const engine = new DelegationEngine(config);
    const honest = rng.int(0, 2);
    const strategies = [0, 1, 2].map((i) =>
      i === honest ? "honest" : rng.pick(["random", "worst", "ours"])
    );
    const recs = playAgents(engine, trial, strategies);
    const best = engine.tables.providers[honest];
    for (const r of recs.filter((r) => r.provider_id === honest + 1)) {
      assert.equal(r.model, best.models[best.bestModel]);
      assert.equal(r.cost, r.price * best.eta);
    }
  }
});

Deno.test("state size does not grow with T", () => {
  const size = (T: number) => {
    const engine = new DelegationEngine(parseDelegationConfig({ T, rng: "python" }));
    playAgents(engine, 1, ["honest", "ours", "random"]);
    return JSON.stringify(engine.getState()).length;
  };
  const small = size(1000), large = size(100_000);
  assert.ok(large < small * 1.1, `state grew: ${small} -> ${large}`);
});

Deno.test("random strategy draws from the engine's stream (agents and study loop agree)", () => {
  const config = parseDelegationConfig({ T: 300, rng: "python" });
  const a = new DelegationEngine(config);
  const viaAgents = playAgents(a, 4, ["random", "random", "ours"]);
  const b = new DelegationEngine(config);
  const views = b.agents.map((p) => strategyView(b, p));
  const viaViews = playAll(b, 4, (p, obs) => {
    const v = views[b.agents.indexOf(p)];
    v.obs = obs;
    return (p === "provider_3" ? STRATEGIES.ours : STRATEGIES.random)(v);
  });
  assert.deepEqual(viaViews, viaAgents);
  assert.deepEqual(b.stream.getState(), a.stream.getState());
  const models = new Set(viaAgents.filter((r) => r.provider_id === 1).map((r) => r.model));
  assert.ok(models.size > 1, "random serves several models");
});

Deno.test("custom strategy, fallback, view and errors", () => {
  const engine = new DelegationEngine(tinyConfig(), { records: tinyRecords() });
  const agent = createStrategyAgent(engine, "A", (v) => (v.obs.t % 2 ? v.cheapest : v.best));
  assert.equal(agent.kind, "policy:custom");
  const view = engine.reset({ seed: 0 });
  assert.deepEqual(Object.keys(view.observations), ["A"]);
  assert.equal(view.infos.A.delegation, null);
  assert.equal(view.observations.A.phase, 1);
  const d = agent.act({
    agent: "A",
    round: 1,
    observation: view.observations.A,
    info: view.infos.A,
  });
  assert.deepEqual(d, { action: "gpt-4" });
  assert.equal(engine.fallbackAction("A"), "gpt-4");
  assert.equal(engine.fallbackAction("B"), "gpt-4o");
  assert.throws(() => engine.step({ A: "gpt-4o" }), TypeError);
  assert.throws(() => engine.step({ B: "gpt-4o" }), TypeError); // B is not the one acting
  const step = engine.step({ A: "gpt-4" });
  assert.equal(step.rewards.A, 0);
  assert.equal(step.rewards.B, 0);
  assert.equal(step.infos.A.delegation!.model, "gpt-4");
  close(step.infos.A.delegation!.price, 0.03, 1e-15);
  assert.throws(() => createStrategyAgent(engine, "A", "greedy"), /not a delegation strategy/);
  assert.throws(() => createStrategyAgent(engine, "Z", "honest"), RangeError);
  while (!engine.isDone()) {
    const [p] = engine.liveAgents();
    engine.step({ [p]: engine.fallbackAction(p) });
  }
  assert.throws(() => engine.step({ A: "gpt-4" }), RangeError);
  assert.deepEqual(engine.liveAgents(), []);
});

Deno.test("recorded mode needs records; synthetic records depend on the seed only", () => {
  assert.throws(() => new DelegationEngine(tinyConfig()), /needs 'records'/);
  const config = parseDelegationConfig({ T: 200 });
  const e1 = new DelegationEngine(config), e2 = new DelegationEngine(config);
  const r1 = playAll(e1, 3, (p) => e1.fallbackAction(p));
  const r2 = playAll(e2, 3, (p) => e2.fallbackAction(p));
  assert.deepEqual(r1, r2);
  const r3 = playAll(e2, 4, (p) => e2.fallbackAction(p));
  assert.notDeepEqual(r3.map((r) => r.reward), r1.map((r) => r.reward));
});
