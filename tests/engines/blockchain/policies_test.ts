import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import {
  BlockchainEngine,
  type BlockchainInfo,
  type BlockchainObs,
} from "../../../lib/engines/blockchain/engine.ts";
import {
  AdaptivePolicy,
  type BlockchainAgent,
  createPolicy,
  POLICY_NAMES,
  ReplayPolicy,
  simplexGrid,
} from "../../../lib/engines/blockchain/policies.ts";
import { actionPayoff } from "../../../lib/engines/blockchain/rules.ts";

const config = parseBlockchainConfig({ rounds: 12 });

function agentsFor(name: string, seed: number): BlockchainAgent[] {
  const rng = new Rng(seed);
  return config.miners.map((m, index) => createPolicy(name, { rng: rng.derive(m), config, index }));
}

/** A policy's action: scripted policies always have one (never the engine's fallback). */
function must<T>(action: T | null): T {
  assert.ok(action !== null, "a scripted policy always gives an action");
  return action;
}

/** Plays a whole game; returns every round's actions. */
async function play(agents: BlockchainAgent[], rounds = config.rounds): Promise<number[][][]> {
  const engine = new BlockchainEngine(parseBlockchainConfig({ rounds }));
  let view = engine.reset({ seed: 0 });
  const history: number[][][] = [];
  while (!engine.isDone()) {
    const round = engine.round + 1;
    const ds = await Promise.all(agents.map((a) =>
      a.act({
        agent: a.name,
        round,
        observation: view.observations[a.name],
        info: view.infos[a.name],
      })
    ));
    const actions = ds.map((d) => must(d.action));
    const step = engine.step(Object.fromEntries(agents.map((a, i) => [a.name, actions[i]])));
    view = step;
    history.push(actions);
  }
  return history;
}

function context(observation: Partial<BlockchainObs>, info: Partial<BlockchainInfo> = {}) {
  const obs: BlockchainObs = {
    cumulative_reward: 0,
    mean_opponent_efficiency: 1,
    alpha: 0.25,
    progress: 0,
    last_reward: 0,
    efficiency_change: 0,
    vector: [],
    ...observation,
  };
  const inf: BlockchainInfo = {
    round: 0,
    rounds: 30,
    last_action: null,
    efficiency: 1,
    rivals: [],
    honest_group: { hash_power: 0.4, efficiency: 1, cumulative_reward: 0 },
    ...info,
  };
  return { agent: "miner_a", round: inf.round + 1, observation: obs, info: inf };
}

function rival(name: string, last_action: [number, number, number] | null) {
  return {
    name,
    last_action,
    efficiency: 1,
    cumulative_reward: 0,
    hash_power: 0.2,
    label: null,
  };
}

Deno.test("simplexGrid: 66 points at step 0.1, 231 at 0.05, all on the simplex", () => {
  const g = simplexGrid(0.1);
  assert.equal(g.length, 66);
  assert.equal(simplexGrid(0.05).length, 231);
  assert.deepEqual(g[0], [1, 0, 0]);
  for (const a of g) assert.ok(Math.abs(a[0] + a[1] + a[2] - 1) < 1e-12);
  assert.equal(new Set(g.map((a) => a.join())).size, 66);
  assert.throws(() => simplexGrid(0.3), /1\/step must be a whole number/);
});

Deno.test("createPolicy: names, kinds and errors", () => {
  assert.deepEqual([...POLICY_NAMES], [
    "honest",
    "random",
    "greedy",
    "best_response",
    "tit_for_tat",
    "adaptive",
    "replay",
  ]);
  const rng = new Rng(1);
  for (const name of POLICY_NAMES) {
    const a = createPolicy(name, { rng, config, index: 2, actions: [[1, 0, 0]] });
    assert.equal(a.name, "miner_c");
    assert.equal(a.kind, `policy:${name}`);
  }
  assert.throws(
    () => createPolicy("nice", { rng, config, index: 0 }),
    {
      message:
        "Cannot create policy: unknown policy 'nice', expected one of honest, random, greedy, best_response, tit_for_tat, adaptive, replay",
    },
  );
  assert.throws(() => createPolicy("honest", { rng, config, index: 3 }), /'index' must be in 0..2/);
  assert.throws(() => createPolicy("replay", { rng, config, index: 0 }), /no 'actions' given/);
});

Deno.test("honest policy always builds", async () => {
  for (const round of await play(agentsFor("honest", 1))) {
    assert.deepEqual(round, [[1, 0, 0], [1, 0, 0], [1, 0, 0]]);
  }
});

Deno.test("random policy: simplex draws, seeded, state round trip", async () => {
  const a = await play(agentsFor("random", 7));
  assert.deepEqual(await play(agentsFor("random", 7)), a);
  assert.notDeepEqual(await play(agentsFor("random", 8)), a);
  for (const round of a) {
    for (const x of round) {
      assert.ok(x.every((v) => v >= 0));
      assert.ok(Math.abs(x[0] + x[1] + x[2] - 1) < 1e-12);
    }
  }
  // the miners' streams differ
  assert.notDeepEqual(a[0][0], a[0][1]);
  const p = createPolicy("random", { rng: new Rng(3), config, index: 0 });
  await p.act(context({}));
  const state = JSON.parse(JSON.stringify(p.getState()));
  const next = await p.act(context({}));
  p.setState(state);
  assert.deepEqual(await p.act(context({})), next);
  assert.throws(() => p.setState(null), /expected an object with 'rng'/);
});

Deno.test("greedy policy: the better vertex of the myopic payoff", async () => {
  const g = createPolicy("greedy", { rng: new Rng(1), config, index: 0 });
  // m = 1: parasitic 10*1 beats constructive 10*0.25
  assert.deepEqual((await g.act(context({ alpha: 0.25, mean_opponent_efficiency: 1 }))).action, [
    0,
    1,
    0,
  ]);
  // m = 0.1: 0.1^1.5 = 0.0316 < 0.25, so build
  assert.deepEqual((await g.act(context({ alpha: 0.25, mean_opponent_efficiency: 0.1 }))).action, [
    1,
    0,
    0,
  ]);
  // m^1.5 = 0.25 exactly when m = 0.25^(2/3): a tie goes to construction
  const m = 0.25 ** (2 / 3);
  const tie = must((await g.act(context({ alpha: 0.25, mean_opponent_efficiency: m }))).action);
  assert.equal(tie[2], 0);
  assert.ok(tie[0] >= 0.95, `expected construction on a tie, got ${tie}`);
  // in a game: everyone parasitic while efficiencies stay at 1
  const rounds = await play(agentsFor("greedy", 1), 3);
  assert.deepEqual(rounds[2], [[0, 1, 0], [0, 1, 0], [0, 1, 0]]);
});

Deno.test("tit_for_tat: honest first, retaliates against d >= 0.15, else mirrors c and p", async () => {
  const t = createPolicy("tit_for_tat", { rng: new Rng(1), config, index: 0 });
  const act = async (rivals: ReturnType<typeof rival>[]) =>
    (await t.act(context({}, { round: 3, rivals }))).action;
  assert.deepEqual(await act([rival("b", null), rival("c", null)]), [1, 0, 0]);
  assert.deepEqual(await act([rival("b", [0.5, 0.35, 0.15]), rival("c", [1, 0, 0])]), [
    0.5,
    0.2,
    0.3,
  ]);
  const d = await t.act(context({}, { rivals: [rival("b", [0, 0, 1])] }));
  assert.equal(d.thought, "retaliating against b");
  // rivals [0.6, 0.3, 0.1] and [1, 0, 0]: mean c 0.8, p 0.15 -> [0.8, 0.15, 0] / 0.95
  const mirror = must(await act([rival("b", [0.6, 0.3, 0.1]), rival("c", [1, 0, 0])]));
  assert.ok(Math.abs(mirror[0] - 0.8 / 0.95) < 1e-12);
  assert.ok(Math.abs(mirror[1] - 0.15 / 0.95) < 1e-12);
  assert.equal(mirror[2], 0);
  // among themselves, tit-for-tat miners stay honest
  for (const round of await play(agentsFor("tit_for_tat", 1), 5)) {
    assert.deepEqual(round, [[1, 0, 0], [1, 0, 0], [1, 0, 0]]);
  }
});

Deno.test("adaptive: Hedge weights follow the counterfactual payoffs", async () => {
  const p = new AdaptivePolicy("miner_a", new Rng(11), config);
  const grid = simplexGrid(0.1);
  const uniform = p.probabilities();
  assert.equal(uniform.length, 66);
  for (const x of uniform) assert.ok(Math.abs(x - 1 / 66) < 1e-15);
  // first decision: no learning yet; the second learns from round 1 with m = 0.8
  await p.act(context({ alpha: 0.25, mean_opponent_efficiency: 0.8 }));
  assert.deepEqual(p.probabilities(), uniform);
  await p.act(context({ alpha: 0.25, mean_opponent_efficiency: 0.5 }));
  const u = grid.map((a) => actionPayoff(a, 0.25, 0.8, config));
  const w = u.map((x) => Math.exp(0.3 * x));
  const sum = w.reduce((a, b) => a + b, 0);
  p.probabilities().forEach((x, k) => assert.ok(Math.abs(x - w[k] / sum) < 1e-12));
  // with high efficiencies, pure parasitism [0, 1, 0] becomes the most likely action
  const probs = p.probabilities();
  const best = probs.indexOf(Math.max(...probs));
  assert.deepEqual(grid[best], [0, 1, 0]);
});

Deno.test("adaptive: seeded, grid actions, state round trip continues identically", async () => {
  const a = await play(agentsFor("adaptive", 3));
  assert.deepEqual(await play(agentsFor("adaptive", 3)), a);
  const keys = new Set(simplexGrid(0.1).map((x) => x.join()));
  for (const round of a) for (const x of round) assert.ok(keys.has(x.join()));

  const p = new AdaptivePolicy("miner_a", new Rng(5), config);
  for (let t = 0; t < 4; t++) await p.act(context({ mean_opponent_efficiency: 0.9 - 0.1 * t }));
  const state = JSON.parse(JSON.stringify(p.getState()));
  const q = new AdaptivePolicy("miner_a", new Rng(999), config);
  q.setState(state);
  for (let t = 0; t < 6; t++) {
    const ctx = context({ mean_opponent_efficiency: 0.5 + 0.05 * t });
    assert.deepEqual(await q.act(ctx), await p.act(ctx));
  }
  assert.deepEqual(q.getState(), p.getState());
  assert.throws(() => q.setState({ rng: state.rng, log_weights: [0] }), /66 entries/);
});

Deno.test("replay: plays the list by round, then repeats the last action", async () => {
  const r = new ReplayPolicy("miner_b", [[0.5, 0.3, 0.2], [0, 1, 0]]);
  assert.equal(r.kind, "policy:replay");
  const at = async (round: number) => (await r.act({ ...context({}), round })).action;
  assert.deepEqual(await at(1), [0.5, 0.3, 0.2]);
  assert.deepEqual(await at(2), [0, 1, 0]);
  assert.deepEqual(await at(3), [0, 1, 0]);
  assert.deepEqual(await at(30), [0, 1, 0]);
  assert.throws(() => new ReplayPolicy("x", []), /action list is empty/);
});
