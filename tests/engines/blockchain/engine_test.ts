import assert from "node:assert/strict";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import { Rng } from "../../../lib/core/rng.ts";
import type { GameEvent } from "../../../lib/core/game.ts";

function close(actual: number, expected: number, tol = 1e-12) {
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
}

/** The game's events without the `trace` events (every round of a short run has one). */
function played(events: readonly GameEvent[]): GameEvent[] {
  return events.filter((e) => e.type !== "trace");
}

/** Random raw actions for every miner, some of them unusable. */
function randomActions(rng: Rng, agents: readonly string[]): Record<string, number[]> {
  return Object.fromEntries(agents.map((a) => [
    a,
    rng.chance(0.05) ? [0, 0, 0] : [rng.uniform(-0.2, 1), rng.uniform(0, 1), rng.uniform(0, 1)],
  ]));
}

Deno.test("engine: name, agents, reset view", () => {
  const engine = new BlockchainEngine(parseBlockchainConfig({ rounds: 4 }));
  assert.equal(engine.name, "blockchain");
  assert.deepEqual(engine.agents, ["miner_a", "miner_b", "miner_c"]);
  const { observations, infos } = engine.reset({ seed: 1 });
  assert.equal(engine.round, 0);
  assert.deepEqual(engine.liveAgents(), ["miner_a", "miner_b", "miner_c"]);
  assert.deepEqual(observations.miner_b, {
    cumulative_reward: 0,
    mean_opponent_efficiency: 1,
    alpha: 0.2,
    progress: 0,
    last_reward: 0,
    efficiency_change: 0,
    vector: [0, 1, 0.2, 0, 0, 0],
  });
  assert.deepEqual(infos.miner_a, {
    round: 0,
    rounds: 4,
    last_action: null,
    efficiency: 1,
    rivals: [
      {
        name: "miner_b",
        last_action: null,
        efficiency: 1,
        cumulative_reward: 0,
        hash_power: 0.2,
        label: null,
      },
      {
        name: "miner_c",
        last_action: null,
        efficiency: 1,
        cumulative_reward: 0,
        hash_power: 0.15,
        label: null,
      },
    ],
    honest_group: { hash_power: 0.4, efficiency: 1, cumulative_reward: 0 },
  });
  assert.deepEqual(engine.fallbackAction("miner_a"), [1, 0, 0]);
});

Deno.test("engine: two rounds by hand (rewards, observations, infos, step detail)", () => {
  const engine = new BlockchainEngine(parseBlockchainConfig({ rounds: 2 }));
  engine.reset({ seed: 0 });
  // round 1 (see rules_test): rewards a 4.17, b 2, c 10; all efficiencies stay 1
  const s1 = engine.step({ miner_a: [5, 3, 2], miner_b: [1, 0, 0], miner_c: [0, 1, 0] });
  close(s1.rewards.miner_a, 4.17);
  assert.deepEqual([s1.rewards.miner_b, s1.rewards.miner_c], [2, 10]);
  assert.deepEqual(s1.truncations, { miner_a: false, miner_b: false, miner_c: false });
  assert.deepEqual(played(s1.events), []);
  assert.deepEqual(s1.infos.miner_a.stepDetail, {
    action: [0.5, 0.3, 0.2],
    fallback: false,
    reward: s1.rewards.miner_a,
    cumulative_reward: s1.rewards.miner_a,
    efficiency: 1,
    honest_efficiency: 1,
    label: "opportunist",
  });
  assert.equal(s1.infos.miner_b.rivals[0].label, "opportunist");
  assert.equal(s1.infos.miner_b.honest_group.cumulative_reward, 4);
  assert.equal(s1.observations.miner_c.progress, 0.5);

  // round 2: a [0,0,1], b [0.5,0.5,0], c [0.2,0.3,0.5] -> rewards -2, 6, 2.8;
  // efficiencies after: a 0.95, b 0.75, c 0.85, honest 0.75
  const s2 = engine.step({ miner_a: [0, 0, 1], miner_b: [0.5, 0.5, 0], miner_c: [0.2, 0.3, 0.5] });
  close(s2.rewards.miner_a, -2);
  close(s2.rewards.miner_b, 6);
  close(s2.rewards.miner_c, 2.8);
  const effs = engine.efficiencies();
  close(effs.miner_a, 0.95);
  close(effs.miner_b, 0.75);
  close(effs.miner_c, 0.85);
  close(engine.honestEfficiency(), 0.75);
  const ob = s2.observations.miner_b;
  close(ob.cumulative_reward, 8);
  close(ob.mean_opponent_efficiency, (0.95 + 0.85 + 0.75) / 3);
  assert.equal(ob.progress, 1);
  close(ob.last_reward, 6);
  close(ob.efficiency_change, -0.25);
  assert.deepEqual(ob.vector, [
    ob.cumulative_reward,
    ob.mean_opponent_efficiency,
    0.2,
    1,
    ob.last_reward,
    ob.efficiency_change,
  ]);
  const detail = s2.infos.miner_c.stepDetail!;
  assert.equal(detail.label, "attacker");
  close(detail.efficiency, 0.85);
  close(detail.honest_efficiency, 0.75);
  close(detail.cumulative_reward, 12.8);
  assert.equal(s2.infos.miner_a.rivals[1].label, "attacker");
  close(s2.infos.miner_a.rivals[0].efficiency, 0.75);
  close(s2.infos.miner_a.honest_group.cumulative_reward, 8);
  // truncated at the last round, never terminated
  assert.deepEqual(s2.truncations, { miner_a: true, miner_b: true, miner_c: true });
  assert.deepEqual(s2.terminations, { miner_a: false, miner_b: false, miner_c: false });
  assert.ok(engine.isDone());
  assert.deepEqual(engine.liveAgents(), []);
  const ret = engine.returns();
  close(ret.miner_a, 2.17);
  close(ret.miner_b, 8);
  close(ret.miner_c, 12.8);
  assert.throws(() => engine.step({}), /game is over after 2 rounds/);
});

Deno.test("engine: fallback actions are played as [1, 0, 0] and reported", () => {
  const engine = new BlockchainEngine(parseBlockchainConfig({}));
  engine.reset({ seed: 0 });
  const s = engine.step({ miner_a: [0, 0, 0], miner_b: [1, 2] as number[] });
  assert.deepEqual(played(s.events), [
    { type: "fallback_action", round: 1, agent: "miner_a", raw: [0, 0, 0] },
    { type: "fallback_action", round: 1, agent: "miner_b", raw: [1, 2] },
    { type: "fallback_action", round: 1, agent: "miner_c", raw: null },
  ]);
  assert.deepEqual(s.rewards, { miner_a: 2.5, miner_b: 2, miner_c: 1.5 });
  assert.equal(s.infos.miner_a.stepDetail!.fallback, true);
  assert.deepEqual(s.infos.miner_a.stepDetail!.action, [1, 0, 0]);
});

Deno.test("engine: floor events fire once, the first time eta_min is hit", () => {
  // kappa 0.5: two full attackers push everyone else down fast
  const engine = new BlockchainEngine(parseBlockchainConfig({ kappa: 0.5, rounds: 5 }));
  engine.reset({ seed: 0 });
  const act = { miner_a: [0, 0, 1], miner_b: [0, 0, 1], miner_c: [1, 0, 0] };
  // round 1: a and b each lose 0.5 (-> 0.55); c and honest lose 1.0 (-> 0.1, floor)
  const s1 = engine.step(act);
  assert.deepEqual(played(s1.events), [
    { type: "efficiency_floor", round: 1, agent: "miner_c", efficiency: 0.1 },
    { type: "honest_floor", round: 1, efficiency: 0.1 },
  ]);
  // round 2: a and b: 0.55 - 0.5 + 0.05 = 0.1 -> floor; c and honest stay, no repeat event
  const s2 = engine.step(act);
  assert.deepEqual(played(s2.events).map((e) => [e.type, e.agent]), [
    ["efficiency_floor", "miner_a"],
    ["efficiency_floor", "miner_b"],
  ]);
  assert.deepEqual(played(engine.step(act).events), []);
  assert.deepEqual(engine.getState().floored, [true, true, true, true]);
});

Deno.test("engine: the same actions give the same results (determinism)", () => {
  const config = parseBlockchainConfig({ rounds: 20 });
  const play = (seed: number) => {
    const engine = new BlockchainEngine(config);
    const rng = new Rng(99);
    const out = [engine.reset({ seed })];
    while (!engine.isDone()) out.push(engine.step(randomActions(rng, engine.agents)));
    return { out, returns: engine.returns(), state: engine.getState() };
  };
  assert.deepEqual(play(1), play(1));
  // the engine has no randomness of its own: the seed does not matter
  assert.deepEqual(play(1), play(2));
});

Deno.test("engine: getState/setState round trip through JSON continues identically", () => {
  const config = parseBlockchainConfig({ rounds: 12, kappa: 0.3 });
  const a = new BlockchainEngine(config);
  const rng = new Rng(5);
  a.reset({ seed: 5 });
  for (let t = 0; t < 6; t++) a.step(randomActions(rng, a.agents));
  const snapshot = JSON.parse(JSON.stringify(a.getState()));
  assert.deepEqual(snapshot, a.getState());

  const b = new BlockchainEngine(config);
  b.reset({ seed: 123 });
  b.setState(snapshot);
  assert.equal(b.round, 6);
  assert.deepEqual(b.view(), a.view());
  assert.deepEqual(b.returns(), a.returns());
  const rngB = Rng.fromState(rng.getState());
  while (!a.isDone()) {
    assert.deepEqual(b.step(randomActions(rngB, b.agents)), a.step(randomActions(rng, a.agents)));
  }
  assert.ok(b.isDone());
  assert.deepEqual(b.getState(), a.getState());

  // getState is a copy; a bad state is refused
  const s = a.getState();
  s.etas[0] = -5;
  assert.notEqual(a.getState().etas[0], -5);
  assert.throws(
    () => b.setState({ ...s, etas: [1] }),
    /Cannot set state: 'etas' must be an array of 4 entries/,
  );
  assert.throws(() => b.setState({ ...s, round: 13 }), /'round' must be in 0..12/);
});

Deno.test("engine: config is frozen and reset starts over", () => {
  const engine = new BlockchainEngine(parseBlockchainConfig({ miners: ["x", "y", "z"] }));
  assert.throws(() => {
    (engine.config as { rounds: number }).rounds = 3;
  });
  engine.reset({ seed: 0 });
  engine.step({ x: [0, 0, 1], y: [0, 1, 0], z: [1, 0, 0] });
  const fresh = engine.reset({ seed: 0 });
  assert.equal(engine.round, 0);
  assert.deepEqual(engine.returns(), { x: 0, y: 0, z: 0 });
  assert.equal(fresh.infos.x.stepDetail, undefined);
  assert.equal(engine.honestEfficiency(), 1);
});
