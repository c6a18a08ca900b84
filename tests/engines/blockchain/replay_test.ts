import assert from "node:assert/strict";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import {
  type DecisionRow,
  lateMeans,
  lateWindow,
  verdicts,
} from "../../../lib/engines/blockchain/metrics.ts";
import { ReplayPolicy } from "../../../lib/engines/blockchain/policies.ts";
import { loadRq2Result, type Rq2Result } from "../../../lib/engines/blockchain/replay_file.ts";
import { findReference } from "../../../lib/core/reference.ts";

/** The recorded RQ2 run (see lib/core/reference.ts); `null` when absent (tests ignored). */
const REFERENCE = findReference("blockchain/rq2_result.json");

function readReference(): unknown | null {
  if (REFERENCE === null) return null;
  try {
    return JSON.parse(Deno.readTextFileSync(REFERENCE));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** A tiny run in the file's format: 2 miners, 2 rounds (numbers need not be consistent). */
function fixture() {
  const rec = (round: number) => ({
    round,
    action: [1, 0, 0],
    thought: "t",
    reward: 1,
    cumulative: round,
    self_eta: 1,
    honest_eta: 1,
    other_actions: {},
  });
  return {
    experiment: "RQ2",
    config: {
      alpha: [0.3, 0.2],
      honest_power: 0.5,
      rounds: 2,
      agent_configs: [
        { name: "A", provider: "openai", model: "m1" },
        { name: "B", provider: "anthropic", model: "m2" },
      ],
    },
    agents: [
      { agent_id: 0, name: "A", records: [rec(1), rec(2)] },
      { agent_id: 1, records: [rec(1), rec(2)] },
    ],
    honest_group_efficiency_trace: [1, 1],
    honesty_convergence: true,
    parasitic_equilibrium: false,
    avg_late_constructive: 1,
    avg_late_parasitic: 0,
    avg_late_destructive: 0,
    reward_ranking: [0, 1],
  };
}

Deno.test("loadRq2Result: converts the file format to plain data", () => {
  const run = loadRq2Result(fixture());
  assert.equal(run.rounds, 2);
  assert.equal(run.honestPower, 0.5);
  assert.deepEqual(run.agents.map((a) => [a.name, a.model, a.provider, a.alpha]), [
    ["A", "m1", "openai", 0.3],
    ["B", "m2", "anthropic", 0.2],
  ]);
  assert.deepEqual(run.agents[0].actions, [[1, 0, 0], [1, 0, 0]]);
  assert.deepEqual(run.agents[1].records[1], {
    round: 2,
    action: [1, 0, 0],
    thought: "t",
    reward: 1,
    cumulative: 2,
    self_eta: 1,
    honest_eta: 1,
  });
  assert.deepEqual(run.honestTrace, [1, 1]);
  assert.deepEqual(run.verdicts, {
    honesty_convergence: true,
    parasitic_equilibrium: false,
    avg_late: { c: 1, p: 0, d: 0 },
    reward_ranking: [0, 1],
  });
});

Deno.test("loadRq2Result: errors name the path of the bad field", () => {
  const cases: [(f: ReturnType<typeof fixture>) => unknown, string][] = [
    [(f) => {
      (f.agents[1].records[1] as Record<string, unknown>).reward = "x";
      return f;
    }, "rq2_result.agents[1].records[1].reward: expected number, received string"],
    [(f) => {
      f.agents[0].records[1].round = 5;
      return f;
    }, "rq2_result.agents[0].records[1].round: expected 2, got 5"],
    [(f) => {
      f.agents[0].records[0].action = [1, 0];
      return f;
    }, "rq2_result.agents[0].records[0].action: expected 3 numbers, got 2"],
    [(f) => {
      f.config.alpha = [0.3, 0.2, 0.1];
      return f;
    }, "rq2_result.agents: expected 3 agents (one per config.alpha entry), got 2"],
    [
      (f) => ({ ...f, honesty_convergence: undefined }),
      "rq2_result.honesty_convergence: expected boolean, received undefined",
    ],
    [(f) => {
      f.honest_group_efficiency_trace = [1];
      return f;
    }, "rq2_result.honest_group_efficiency_trace: expected 2 entries, got 1"],
    [() => [], "rq2_result: expected object, received array"],
  ];
  for (const [mutate, message] of cases) {
    assert.throws(() => loadRq2Result(mutate(fixture())), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.equal(e.message, message);
      return true;
    });
  }
});

Deno.test("metrics: lateWindow, lateMeans and verdicts", () => {
  assert.deepEqual([30, 40, 29, 20, 3, 1].map((r) => lateWindow(r)), [15, 15, 14, 10, 1, 1]);
  assert.equal(lateWindow(10, 4), 4);
  const rows = [
    { round: 1, action: [0, 0, 1] },
    { round: 2, action: [0.2, 0.7, 0.1] },
    { round: 2, action: [0.4, 0.5, 0.1] },
    { round: 3, action: [0, 1, 0] },
    { round: 3, action: [0.2, 0.6, 0.2] },
  ];
  const late = lateMeans(rows, 2); // rounds 2..3: c 0.8/4, p 2.8/4, d 0.4/4
  assert.deepEqual([late.from, late.to], [2, 3]);
  assert.ok(Math.abs(late.c - 0.2) < 1e-12);
  assert.ok(Math.abs(late.p - 0.7) < 1e-12);
  assert.ok(Math.abs(late.d - 0.1) < 1e-12);
  assert.deepEqual(verdicts(late), { parasitic_equilibrium: false, honest_convergence: false });
  assert.deepEqual(verdicts({ c: 0.5, p: 0.45, d: 0.05 }), {
    parasitic_equilibrium: true,
    honest_convergence: false,
  });
  // thresholds are strict inequalities
  assert.deepEqual(verdicts({ c: 0.55, p: 0.40, d: 0.05 }), {
    parasitic_equilibrium: false,
    honest_convergence: false,
  });
  assert.deepEqual(verdicts({ c: 0.6, p: 0.3, d: 0.1 }, { honest_c_min: 0.7 }), {
    parasitic_equilibrium: false,
    honest_convergence: false,
  });
  assert.throws(() => lateMeans([], 15), /no decision rows/);
});

/**
 * Replays every recorded action through the engine; returns the decision rows (`parse_ok`
 * false when the replayer had no action or the engine rejected it, as the session writes).
 */
async function replay(run: Rq2Result, kappa = 0.3): Promise<DecisionRow[]> {
  const config = parseBlockchainConfig({
    alpha: run.agents.map((a) => a.alpha),
    honest_power: run.honestPower,
    rounds: run.rounds,
    kappa, // 0.3 was the original code's default (its design note says 0.2)
    miners: run.agents.map((a) => a.name),
  });
  const engine = new BlockchainEngine(config);
  const agents = run.agents.map((a) => new ReplayPolicy(a.name, a.actions));
  let view = engine.reset({ seed: 0 });
  const rows: DecisionRow[] = [];
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
    // As the run session: the engine's fallback when a decision has no action.
    const step = engine.step(
      Object.fromEntries(
        agents.map((a, i) => [a.name, ds[i].action ?? engine.fallbackAction(a.name)]),
      ),
    );
    for (const [i, a] of agents.entries()) {
      const d = step.infos[a.name].stepDetail!;
      rows.push({
        round,
        agent: a.name,
        action: d.action,
        reward: d.reward,
        cumulative_reward: d.cumulative_reward,
        efficiency: d.efficiency,
        honest_efficiency: d.honest_efficiency,
        label: d.label,
        parse_ok: ds[i].action !== null && !d.fallback,
      });
    }
    view = step;
  }
  return rows;
}

Deno.test({
  name: "replay check: rq2_result.json is reproduced exactly with kappa = 0.3",
  ignore: REFERENCE === null,
}, async () => {
  const json = readReference();
  const run = loadRq2Result(json);
  assert.equal(run.agents.length, 3);
  assert.deepEqual(run.agents.map((a) => a.alpha), [0.25, 0.2, 0.15]);
  const rows = await replay(run);
  assert.equal(rows.length, run.rounds * run.agents.length);
  const tol = 1e-9;
  let worst = 0;
  for (const row of rows) {
    const agent = run.agents.find((a) => a.name === row.agent)!;
    const rec = agent.records[row.round - 1];
    const where = `${row.agent} round ${row.round}`;
    // `self_eta` and `honest_eta` are efficiencies AFTER the round's update, like our rows
    for (
      const [field, ours, theirs] of [
        ["reward", row.reward, rec.reward],
        ["cumulative", row.cumulative_reward, rec.cumulative],
        ["self_eta", row.efficiency, rec.self_eta],
        ["honest_eta", row.honest_efficiency, rec.honest_eta],
        ["honest trace", row.honest_efficiency, run.honestTrace[row.round - 1]],
      ] as const
    ) {
      worst = Math.max(worst, Math.abs(ours - theirs));
      assert.ok(Math.abs(ours - theirs) <= tol, `${where}: ${field} ${ours} != ${theirs}`);
    }
    assert.equal(row.parse_ok, true);
  }
  console.log(`replayed ${rows.length} decisions, largest difference ${worst}`);

  const window = lateWindow(run.rounds);
  assert.equal(window, 15);
  const late = lateMeans(rows, window);
  assert.deepEqual([late.from, late.to], [16, 30]);
  assert.ok(Math.abs(late.c - run.verdicts.avg_late.c) <= tol, `c ${late.c}`);
  assert.ok(Math.abs(late.p - run.verdicts.avg_late.p) <= tol, `p ${late.p}`);
  assert.ok(Math.abs(late.d - run.verdicts.avg_late.d) <= tol, `d ${late.d}`);
  assert.deepEqual(verdicts(late, parseBlockchainConfig({})), {
    parasitic_equilibrium: run.verdicts.parasitic_equilibrium,
    honest_convergence: run.verdicts.honesty_convergence,
  });
  // the recorded ranking is by cumulative reward, best first
  const finals = run.agents.map((a) => rows.filter((r) => r.agent === a.name).at(-1)!);
  const ranking = finals.map((_, i) => i).sort((i, j) =>
    finals[j].cumulative_reward - finals[i].cumulative_reward
  );
  assert.deepEqual(ranking, run.verdicts.reward_ranking);
  // the honest group first hits eta_min = 0.1 in round 11
  assert.equal(rows.find((r) => r.honest_efficiency <= 0.1)!.round, 11);
});

Deno.test({
  name: "replay check: self_eta is after the update, not before",
  ignore: REFERENCE === null,
}, () => {
  const json = readReference();
  const run = loadRq2Result(json);
  // before the first round every efficiency is 1; after it the honest group has lost
  // kappa * (0.1 + 0 + 0.1) = 0.06 and regained gamma = 0.05: 0.99
  const first = run.agents[0].records[0];
  assert.deepEqual(run.agents.map((a) => a.actions[0]), [[0.5, 0.4, 0.1], [1, 0, 0], [
    0.5,
    0.4,
    0.1,
  ]]);
  assert.ok(Math.abs(first.honest_eta - 0.99) < 1e-12);
  assert.equal(run.honestTrace[0], first.honest_eta);
});

Deno.test({
  name: "replay check: the design note's kappa = 0.2 does not reproduce the run",
  ignore: REFERENCE === null,
}, async () => {
  const json = readReference();
  const run = loadRq2Result(json);
  const rows = await replay(run, 0.2);
  // identical while efficiencies are all capped at 1, apart from round 2 on
  const first = rows.find((r) =>
    Math.abs(r.reward - run.agents.find((a) => a.name === r.agent)!.records[r.round - 1].reward) >
      1e-9
  );
  assert.ok(first, "kappa = 0.2 unexpectedly reproduces the rewards");
  assert.equal(first.round, 2);
});
