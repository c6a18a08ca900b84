/** The exact best response, the best_response and random policies in every seat. */
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng.ts";
import { stageBestResponse } from "../../../lib/engines/blockchain/best_response.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import {
  type BlockchainAgent,
  createPolicy,
  simplexGrid,
} from "../../../lib/engines/blockchain/policies.ts";
import { actionPayoff } from "../../../lib/engines/blockchain/rules.ts";
import { stageRegretRows } from "../../../lib/engines/blockchain/stage_regret.ts";
import { playRows } from "./_play.ts";

Deno.test("stageBestResponse: equals a fine grid search (step 0.01) and beats random points", () => {
  const grid = simplexGrid(0.01); // 5151 points
  const rng = new Rng(3);
  const cases: [number, number, { R: number; beta: number; lambda: number }][] = [
    [0.25, 1, { R: 10, beta: 1.5, lambda: 2 }],
    [0.25, 0.3, { R: 10, beta: 1.5, lambda: 2 }],
    [0.15, 0.1, { R: 10, beta: 1.5, lambda: 2 }],
    [0.4, 0.55, { R: 7, beta: 0.5, lambda: 0 }], // no attack cost
    [0.2, 0.2, { R: 10, beta: 1, lambda: 2 }], // a tie: 2 = 2
    [0.3, 0.9, { R: 0, beta: 1.5, lambda: 1 }], // no reward: everything but d is 0
  ];
  for (let k = 0; k < 200; k++) {
    cases.push([rng.next(), rng.next(), {
      R: 20 * rng.next(),
      beta: 3 * rng.next(),
      lambda: 5 * rng.next(),
    }]);
  }
  for (const [alpha, m, params] of cases) {
    const br = stageBestResponse(alpha, m, params);
    const gridBest = Math.max(...grid.map((a) => actionPayoff(a, alpha, m, params)));
    const where = `alpha ${alpha} m ${m} ${JSON.stringify(params)}`;
    assert.ok(Math.abs(br.value - gridBest) <= 1e-12, `${where}: ${br.value} vs grid ${gridBest}`);
    assert.equal(actionPayoff(br.action, alpha, m, params), br.value, where);
    for (let j = 0; j < 50; j++) {
      const a = rng.dirichlet([1, 1, 1]);
      assert.ok(actionPayoff(a, alpha, m, params) <= br.value + 1e-12, `${where}: ${a}`);
    }
  }
});

Deno.test("stageBestResponse: vertices, ties to construction, errors", () => {
  const params = { R: 10, beta: 1.5, lambda: 2 };
  assert.deepEqual(stageBestResponse(0.25, 1, params).action, [0, 1, 0]);
  assert.deepEqual(stageBestResponse(0.25, 0.3, params).action, [1, 0, 0]); // 0.164 < 0.25
  // tie R·alpha = R·m^beta: construction, like greedy
  assert.deepEqual(stageBestResponse(0.2, 0.2, { ...params, beta: 1 }).action, [1, 0, 0]);
  assert.deepEqual(stageBestResponse(0.2, 0.2000001, { ...params, beta: 1 }).action, [0, 1, 0]);
  assert.throws(() => stageBestResponse(-0.1, 1, params), /'alpha' must be a finite number >= 0/);
  assert.throws(() => stageBestResponse(0.1, 1, { ...params, lambda: -1 }), /'lambda'/);
  assert.throws(() => stageBestResponse(0.1, NaN, params), /'m'/);
});

const config = parseBlockchainConfig({ rounds: 25, kappa: 0.3 });

function seatsWith(seat: number, policy: string, others: string, seed: number): BlockchainAgent[] {
  const rng = new Rng(seed);
  return config.miners.map((m, index) =>
    createPolicy(index === seat ? policy : others, { rng: rng.derive(m), config, index })
  );
}

Deno.test("best_response in any seat: zero stage-game regret against random and fixed others", async () => {
  for (const others of ["random", "honest", "tit_for_tat", "adaptive"]) {
    for (let seat = 0; seat < 3; seat++) {
      const rows = await playRows(config, seatsWith(seat, "best_response", others, 11 + seat));
      const mine = stageRegretRows(rows, config).filter((r) => r.agent === config.miners[seat]);
      assert.equal(mine.length, config.rounds);
      for (const r of mine) {
        assert.equal(r.regret, 0, `${others} seat ${seat} round ${r.round}: ${r.regret}`);
        assert.deepEqual(r.action, r.best_action);
      }
    }
  }
  // a seat that does not best-respond has regret: the test can fail
  const rows = await playRows(config, seatsWith(0, "honest", "random", 1));
  const honest = stageRegretRows(rows, config).filter((r) => r.agent === "miner_a");
  assert.ok(honest.some((r) => r.regret > 1), "honest leaves payoff on the table");
});

Deno.test("best_response equals greedy's vertex (greedy is the grid version)", async () => {
  const rowsBr = await playRows(config, seatsWith(0, "best_response", "random", 5));
  const rowsGreedy = await playRows(config, seatsWith(0, "greedy", "random", 5));
  assert.deepEqual(
    rowsBr.filter((r) => r.agent === "miner_a").map((r) => r.action),
    rowsGreedy.filter((r) => r.agent === "miner_a").map((r) => r.action),
  );
});

Deno.test("random is Dirichlet(1, 1, 1) and playable in every seat", async () => {
  for (let seat = 0; seat < 3; seat++) {
    const rows = await playRows(
      parseBlockchainConfig({ rounds: 1500 }),
      seatsWith(seat, "random", "honest", 100 + seat),
    );
    const xs = rows.filter((r) => r.agent === config.miners[seat]).map((r) => r.action);
    assert.equal(xs.length, 1500);
    for (const a of xs) {
      assert.ok(a.every((v) => v >= 0) && Math.abs(a[0] + a[1] + a[2] - 1) < 1e-12);
    }
    // Dirichlet(1,1,1): each share has mean 1/3 and variance (1/3)(2/3)/4 = 1/18
    for (let k = 0; k < 3; k++) {
      const mean = xs.reduce((s, a) => s + a[k], 0) / xs.length;
      const variance = xs.reduce((s, a) => s + (a[k] - mean) ** 2, 0) / (xs.length - 1);
      assert.ok(Math.abs(mean - 1 / 3) < 0.025, `seat ${seat} share ${k} mean ${mean}`);
      assert.ok(Math.abs(variance - 1 / 18) < 0.01, `seat ${seat} share ${k} var ${variance}`);
    }
  }
});

Deno.test("the engine gives the best_response seat the payoff stageBestResponse promised", () => {
  const engine = new BlockchainEngine(config);
  const view = engine.reset({ seed: 0 });
  const obs = view.observations.miner_b;
  const br = stageBestResponse(obs.alpha, obs.mean_opponent_efficiency, config);
  const step = engine.step({ miner_a: [0, 0, 1], miner_b: br.action, miner_c: [1, 0, 0] });
  assert.equal(step.rewards.miner_b, br.value);
});
