/** Stage-game regret from decision rows: by hand, decomposed, and exact on the RQ2 replay. */
import assert from "node:assert/strict";
import { findReference } from "../../../lib/core/reference.ts";
import { summarizeRegret } from "../../../lib/core/regret.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { createPolicy, ReplayPolicy } from "../../../lib/engines/blockchain/policies.ts";
import { loadRq2Result } from "../../../lib/engines/blockchain/replay_file.ts";
import { regretPoints, stageRegretRows } from "../../../lib/engines/blockchain/stage_regret.ts";
import { playRows } from "./_play.ts";

// The recorded RQ2 run (lib/core/reference.ts): without it the RQ2 tests are ignored.
const REFERENCE = findReference("blockchain/rq2_result.json");
const reference: unknown = REFERENCE === null ? null : JSON.parse(Deno.readTextFileSync(REFERENCE));

Deno.test("stageRegretRows: a hand-computed round 2", () => {
  const config = parseBlockchainConfig({
    alpha: [0.3, 0.2],
    honest_power: 0.5,
    miners: ["a", "b"],
    rounds: 2,
  });
  const rows = [
    { round: 1, agent: "a", action: [1, 0, 0], reward: 3, efficiency: 1, honest_efficiency: 0.6 },
    {
      round: 1,
      agent: "b",
      action: [0, 0, 1],
      reward: -2,
      efficiency: 0.4,
      honest_efficiency: 0.6,
    },
    // round 2, miner a: others' start efficiencies b 0.4, honest 0.6 -> m = 0.5
    { round: 2, agent: "a", action: [0, 0.5, 0.5], reward: 0, efficiency: 1, honest_efficiency: 1 },
    { round: 2, agent: "b", action: [0, 1, 0], reward: 0, efficiency: 1, honest_efficiency: 1 },
  ];
  const out = stageRegretRows(rows, config);
  assert.equal(out.length, 4);
  const a2 = out.find((r) => r.round === 2 && r.agent === "a")!;
  assert.equal(a2.m, 0.5);
  const P = 10 * 0.5 ** 1.5; // 3.5355 > A = 3: free-ride
  assert.deepEqual(a2.best_action, [0, 1, 0]);
  assert.equal(a2.best, P);
  assert.equal(a2.construct_payoff, 3);
  assert.equal(a2.regret, P - 0);
  assert.equal(a2.parasitic_regret, 0);
  assert.equal(a2.destroy_regret, 0.5 * P + 2 * 0.25);
  // round 1 starts at eta_init = 1: free-riding pays 10
  assert.equal(out[0].best, 10);
  assert.equal(out[0].regret, 7);
  assert.equal(out[0].construct_regret, 7);
  const s = summarizeRegret(regretPoints(out));
  assert.equal(s.a.n, 2);
  assert.ok(Math.abs(s.a.total - (7 + P)) < 1e-9);
});

Deno.test("stageRegretRows: a decision whose start state is unknown is left out; bad names throw", () => {
  const config = parseBlockchainConfig({
    alpha: [0.3, 0.2],
    honest_power: 0.5,
    miners: ["a", "b"],
  });
  const row = (round: number, agent: string) => ({
    round,
    agent,
    action: [1, 0, 0],
    reward: 1,
    efficiency: 1,
    honest_efficiency: 1,
  });
  // b's round-1 row is missing: round 2 cannot be rebuilt, round 1 can
  const out = stageRegretRows([row(1, "a"), row(2, "a"), row(2, "b")], config);
  assert.deepEqual(out.map((r) => [r.round, r.agent]), [[1, "a"]]);
  assert.throws(
    () => stageRegretRows([row(1, "zed")], config),
    /round 1 names 'zed', not a miner of the config/,
  );
});

Deno.test("stageRegretRows: the parts sum to the regret on engine runs", async () => {
  const config = parseBlockchainConfig({ rounds: 30, kappa: 0.3 });
  const rng = new Rng(9);
  for (const policy of ["random", "adaptive", "tit_for_tat"]) {
    const agents = config.miners.map((m, index) =>
      createPolicy(policy, { rng: rng.derive(`${policy}:${m}`), config, index })
    );
    const rows = stageRegretRows(await playRows(config, agents), config);
    assert.equal(rows.length, 90);
    for (const r of rows) {
      const parts = r.construct_regret + r.parasitic_regret + r.destroy_regret;
      assert.ok(Math.abs(parts - r.regret) < 1e-9, `${policy} ${r.agent} r${r.round}`);
      assert.ok(r.regret >= -1e-12);
    }
  }
});

/**
 * The regret of the recorded run computed straight from the file, independently of the
 * engine and of `stageBestResponse`: the state of round t from the recorded efficiencies
 * after round t - 1, the best payoff by a grid search over the simplex (step 0.01), the
 * earned reward as recorded.
 */
function regretFromFile(json: unknown): Map<string, number[]> {
  const run = loadRq2Result(json);
  const grid: number[][] = [];
  for (let i = 0; i <= 100; i++) {
    for (let j = 0; j <= 100 - i; j++) grid.push([i / 100, j / 100, (100 - i - j) / 100]);
  }
  const out = new Map<string, number[]>();
  run.agents.forEach((agent, i) => {
    const regrets: number[] = [];
    for (let t = 1; t <= run.rounds; t++) {
      const others = run.agents.filter((_, j) => j !== i)
        .map((o) => (t === 1 ? 1 : o.records[t - 2].self_eta));
      const honest = t === 1 ? 1 : run.honestTrace[t - 2];
      const m = [...others, honest].reduce((a, b) => a + b, 0) / (others.length + 1);
      const best = Math.max(
        ...grid.map(([c, p, d]) => 10 * agent.alpha * c + 10 * p * m ** 1.5 - 2 * d * d),
      );
      regrets.push(best - agent.records[t - 1].reward);
    }
    out.set(agent.name, regrets);
  });
  return out;
}

Deno.test({
  name: "stage regret is exact on the replayed RQ2 run (per decision, against the file)",
  ignore: reference === null,
  fn: async () => {
    const run = loadRq2Result(reference);
    const config = parseBlockchainConfig({
      alpha: run.agents.map((a) => a.alpha),
      honest_power: run.honestPower,
      rounds: run.rounds,
      kappa: 0.3,
      miners: run.agents.map((a) => a.name),
    });
    const rows = await playRows(config, run.agents.map((a) => new ReplayPolicy(a.name, a.actions)));
    const ours = stageRegretRows(rows.map((r) => ({ ...r, llm: true })), config);
    assert.equal(ours.length, 90);
    const file = regretFromFile(reference);
    for (const r of ours) {
      const theirs = file.get(r.agent)![r.round - 1];
      assert.ok(
        Math.abs(r.regret - theirs) < 1e-9,
        `${r.agent} r${r.round}: ${r.regret} ${theirs}`,
      );
    }
    const s = summarizeRegret(regretPoints(ours));
    for (const [agent, regrets] of file) {
      const total = regrets.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s[agent].total - total) < 1e-8, `${agent} total`);
      console.log(
        `RQ2 ${agent}: stage regret total ${s[agent].total}, mean ${s[agent].mean}, ` +
          `near-best share ${s[agent].near_best_share}`,
      );
    }
  },
});
