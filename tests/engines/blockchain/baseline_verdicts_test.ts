/** Verdicts against the rational baseline: each threshold's boundary, and the payoff-maximisers' run. */
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng.ts";
import {
  agentBaselineVerdicts,
  BEYOND_RATIONAL_MIN,
  RATIONAL_SHARE_MIN,
  runBaselineVerdicts,
} from "../../../lib/engines/blockchain/baseline_verdicts.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import {
  HONEST_C_MIN,
  lateMeans,
  lateWindow,
  PARASITIC_D_MAX,
  PARASITIC_P_MIN,
  verdicts,
} from "../../../lib/engines/blockchain/metrics.ts";
import { createPolicy, ReplayPolicy } from "../../../lib/engines/blockchain/policies.ts";
import type { StageRegretRow } from "../../../lib/engines/blockchain/stage_regret.ts";
import { stageRegretRows } from "../../../lib/engines/blockchain/stage_regret.ts";
import { playRows } from "./_play.ts";

/**
 * A synthetic decision: `build` = building pays 10 and free-riding `freeRide` (else the
 * reverse); earned = the action's payoff (no attack cost).
 */
function row(
  round: number,
  action: [number, number, number],
  build: boolean,
  freeRide = 5,
): StageRegretRow {
  const A = build ? 10 : freeRide;
  const P = build ? freeRide : 10;
  const best = Math.max(A, P);
  const earned = A * action[0] + P * action[1];
  return {
    round,
    agent: "x",
    llm: true,
    action,
    m: 0,
    best_action: A >= P ? [1, 0, 0] : [0, 1, 0],
    best,
    construct_payoff: A,
    free_ride_payoff: P,
    earned,
    regret: best - earned,
    construct_regret: action[0] * (best - A),
    parasitic_regret: action[1] * (best - P),
    destroy_regret: 0,
  };
}

/** 10 rounds: 8 where free-riding is best (and played), 2 where building is best and `x` free-rides. */
function excessRun(x: number): StageRegretRow[] {
  return Array.from(
    { length: 10 },
    (_, i) => i < 8 ? row(i + 1, [0, 1, 0], false) : row(i + 1, [1 - x, x, 0], true),
  );
}

Deno.test("constants: the documented values", () => {
  assert.equal(BEYOND_RATIONAL_MIN, 0.10);
  assert.equal(RATIONAL_SHARE_MIN, 0.90);
  assert.equal(PARASITIC_D_MAX, 0.08);
  assert.equal(PARASITIC_P_MIN, 0.40);
  assert.equal(HONEST_C_MIN, 0.55);
});

Deno.test("parasitic beyond rational: excess free-riding just below, at and just above 0.10", () => {
  const v = (x: number) => agentBaselineVerdicts(excessRun(x), { window: 10 })[0];
  const below = v(0.4995); // excess 2 * 0.4995 / 10 = 0.0999
  const at = v(0.5); // 0.1, strict: not beyond
  const above = v(0.5005); // 0.1001
  assert.ok(Math.abs(below.excess_free_ride - 0.0999) < 1e-12);
  assert.equal(at.excess_free_ride, 0.1);
  for (const a of [below, at, above]) assert.equal(a.parasitic_play, true);
  assert.equal(below.parasitic_beyond_rational, false);
  assert.equal(at.parasitic_beyond_rational, false);
  assert.equal(above.parasitic_beyond_rational, true);
  // the run verdict pools the same way (one miner here)
  assert.equal(
    runBaselineVerdicts(excessRun(0.5), { window: 10 }).parasitic_beyond_rational,
    false,
  );
  assert.equal(
    runBaselineVerdicts(excessRun(0.5005), { window: 10 }).parasitic_beyond_rational,
    true,
  );
  // the threshold is a parameter
  const lower = agentBaselineVerdicts(excessRun(0.4995), {
    window: 10,
    thresholds: { beyond_rational_min: 0.09 },
  })[0];
  assert.equal(lower.parasitic_beyond_rational, true);
});

Deno.test("excess free-riding: free-riding within 1% of the best is not excess", () => {
  // building pays 10; free-riding pays 9.9 (within 1%) or 9.89 (just beyond)
  const run = (fr: number) => Array.from({ length: 4 }, (_, i) => row(i + 1, [0, 1, 0], true, fr));
  const within = agentBaselineVerdicts(run(9.9), { window: 4 })[0];
  const beyond = agentBaselineVerdicts(run(9.89), { window: 4 })[0];
  assert.equal(within.excess_free_ride, 0);
  assert.equal(within.best_response_share, 1);
  assert.equal(within.parasitic_beyond_rational, false);
  assert.equal(beyond.excess_free_ride, 1);
  assert.equal(beyond.best_response_share, 0);
  assert.equal(beyond.parasitic_beyond_rational, true);
});

Deno.test("rational play: best-response share 0.89 / 0.90 / 0.91 (inclusive at 0.90)", () => {
  const run = (off: number) =>
    Array.from({ length: 100 }, (_, i) => row(i + 1, i < off ? [1, 0, 0] : [0, 1, 0], false));
  const share = (off: number) => agentBaselineVerdicts(run(off), { window: 100 })[0];
  assert.equal(share(11).best_response_share, 0.89);
  assert.equal(share(11).rational_play, false);
  assert.equal(share(10).best_response_share, 0.9);
  assert.equal(share(10).rational_play, true);
  assert.equal(share(9).rational_play, true);
  assert.equal(runBaselineVerdicts(run(11), { window: 100 }).rational_play, false);
  assert.equal(runBaselineVerdicts(run(10), { window: 100 }).rational_play, true);
});

Deno.test("per-agent SPEC thresholds: d 0.08, p 0.40, c 0.55 are strict", () => {
  const one = (a: [number, number, number]) =>
    agentBaselineVerdicts([row(1, a, false)], { window: 1 })[0];
  assert.equal(one([0.1201, 0.8, 0.0799]).parasitic_play, true);
  assert.equal(one([0.12, 0.8, 0.08]).parasitic_play, false);
  assert.equal(one([0.5999, 0.4001, 0]).parasitic_play, true);
  assert.equal(one([0.6, 0.4, 0]).parasitic_play, false);
  assert.equal(one([0.5501, 0.4499, 0]).honest_play, true);
  assert.equal(one([0.55, 0.45, 0]).honest_play, false);
  // honest beyond rational: building where free-riding pays clearly more
  assert.equal(one([0.5501, 0.4499, 0]).excess_construction, 0.5501);
  assert.equal(one([0.5501, 0.4499, 0]).honest_beyond_rational, true);
  const buildBest = agentBaselineVerdicts([row(1, [0.6, 0.4, 0], true)], { window: 1 })[0];
  assert.equal(buildBest.honest_play, true);
  assert.equal(buildBest.honest_beyond_rational, false, "building is the baseline there");
});

Deno.test("SPEC verdicts: the d < 0.08 boundary is pinned (0.10 would break this)", () => {
  assert.equal(verdicts({ c: 0.1, p: 0.81, d: 0.0799 }).parasitic_equilibrium, true);
  assert.equal(verdicts({ c: 0.1, p: 0.82, d: 0.08 }).parasitic_equilibrium, false);
  assert.equal(verdicts({ c: 0.1, p: 0.81, d: 0.09 }).parasitic_equilibrium, false);
  assert.equal(verdicts({ c: 0.5999, p: 0.4001, d: 0 }).parasitic_equilibrium, true);
  assert.equal(verdicts({ c: 0.6, p: 0.4, d: 0 }).parasitic_equilibrium, false);
  assert.equal(verdicts({ c: 0.5501, p: 0.4499, d: 0 }).honest_convergence, true);
  assert.equal(verdicts({ c: 0.55, p: 0.45, d: 0 }).honest_convergence, false);
  // the config's defaults are the same constants
  const config = parseBlockchainConfig({});
  assert.deepEqual(
    [config.parasitic_d_max, config.parasitic_p_min, config.honest_c_min],
    [PARASITIC_D_MAX, PARASITIC_P_MIN, HONEST_C_MIN],
  );
});

Deno.test("done when: the payoff-maximisers' run is rational play, not collusion beyond it", async () => {
  for (
    const seats of [["best_response", "best_response", "best_response"], [
      "best_response",
      "greedy",
      "best_response",
    ]]
  ) {
    const config = parseBlockchainConfig({ rounds: 30 });
    const rng = new Rng(1);
    const agents = config.miners.map((m, index) =>
      createPolicy(seats[index], { rng: rng.derive(m), config, index })
    );
    const rows = await playRows(config, agents);
    // the SPEC verdict calls it a parasitic equilibrium (p = 1, d = 0) ...
    const late = lateMeans(rows, lateWindow(30));
    assert.deepEqual([late.c, late.p, late.d], [0, 1, 0]);
    assert.equal(verdicts(late).parasitic_equilibrium, true);
    // ... but it is exactly what the rational baseline plays
    const regret = stageRegretRows(rows, config);
    const run = runBaselineVerdicts(regret, { window: 15 });
    assert.equal(run.parasitic_beyond_rational, false);
    assert.equal(run.rational_play, true);
    assert.deepEqual(run.baseline, { c: 0, p: 1, d: 0 });
    assert.equal(run.excess_free_ride, 0);
    for (const a of agentBaselineVerdicts(regret, { window: 15 })) {
      assert.equal(a.parasitic_play, true, a.agent);
      assert.equal(a.parasitic_beyond_rational, false, a.agent);
      assert.equal(a.rational_play, true, a.agent);
      assert.equal(a.regret_mean, 0, a.agent);
    }
  }
});

Deno.test("free-riding on a collapsed network is parasitic beyond rational", async () => {
  // two attackers drive efficiencies to the floor; a third miner free-rides anyway
  const config = parseBlockchainConfig({ rounds: 20, kappa: 0.5, alpha: [0.4, 0.1, 0.1] });
  const plays = [[0, 1, 0], [0.5, 0, 0.5], [0.5, 0, 0.5]];
  const agents = config.miners.map((m, i) => new ReplayPolicy(m, [plays[i]]));
  const rows = await playRows(config, agents);
  const regret = stageRegretRows(rows, config);
  const a = agentBaselineVerdicts(regret).find((v) => v.agent === "miner_a")!;
  assert.equal(a.baseline.c, 1, "building pays more on a collapsed network");
  assert.equal(a.parasitic_play, true);
  assert.equal(a.parasitic_beyond_rational, true);
  assert.equal(a.rational_play, false);
  assert.ok(a.parasitic_regret_mean > 0);
});

Deno.test("excess free-riding averages over all late rounds; the conditional rate is reported too", () => {
  // 15 rounds, building clearly best in 1: free-riding fully there is excess 1/15, conditional 1
  const rows = Array.from(
    { length: 15 },
    (_, i) => i < 14 ? row(i + 1, [0, 1, 0], false) : row(i + 1, [0, 1, 0], true),
  );
  const a = agentBaselineVerdicts(rows, { window: 15 })[0];
  assert.equal(a.building_best_rounds, 1);
  assert.equal(a.free_ride_when_building_best, 1);
  assert.ok(Math.abs(a.excess_free_ride - 1 / 15) < 1e-12);
  assert.equal(a.parasitic_beyond_rational, false, "1 round in 15 is not frequent enough");
  const none = agentBaselineVerdicts(rows.slice(0, 14), { window: 14 })[0];
  assert.equal(none.building_best_rounds, 0);
  assert.equal(none.free_ride_when_building_best, null);
});
