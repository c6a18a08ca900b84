import assert from "node:assert/strict";
import { actionPointsFor } from "../../../lib/engines/society/action_points.ts";
import { allocate, largestRemainders } from "../../../lib/engines/society/allocation.ts";
import { decayEfficiency } from "../../../lib/engines/society/efficiency.ts";
import { eliminate, revive } from "../../../lib/engines/society/elimination.ts";
import { endReason } from "../../../lib/engines/society/end_conditions.ts";
import { executeInOrder, STOPPED } from "../../../lib/engines/society/execute_actions.ts";
import { canPayNextDay, dayTokenCost } from "../../../lib/engines/society/game_tokens.ts";
import { gini } from "../../../lib/engines/society/gini.ts";
import {
  allocationPasses,
  appealPasses,
  eliminationPasses,
  parseAllocationContent,
  proposalPasses,
} from "../../../lib/engines/society/proposals.ts";
import { availableResources, withdrawResources } from "../../../lib/engines/society/resources.ts";
import { survive } from "../../../lib/engines/society/survival.ts";

const SURVIVAL = { consumption: 20, health_gain: 5, starvation_factor: 2, max_health: 100 };

Deno.test("survive: fed days gain 5 up to 100, short days lose 2 per missing unit", () => {
  assert.deepEqual(survive(80, 20, SURVIVAL), { health: 85, starved: false });
  assert.deepEqual(survive(97, 50, SURVIVAL), { health: 100, starved: false });
  assert.deepEqual(survive(100, 19, SURVIVAL), { health: 98, starved: false });
  assert.deepEqual(survive(100, 0, SURVIVAL), { health: 60, starved: false });
  assert.deepEqual(survive(60, 12, SURVIVAL), { health: 44, starved: false });
});

Deno.test("survive: health reaching 0 is death by starvation", () => {
  assert.deepEqual(survive(40, 0, SURVIVAL), { health: 0, starved: true }); // 40 - 40 = 0
  assert.deepEqual(survive(20, 5, SURVIVAL), { health: 0, starved: true }); // 20 - 30 < 0
  assert.deepEqual(survive(41, 0, SURVIVAL), { health: 1, starved: false });
});

Deno.test("available resources are the pool times the efficiency, whole units", () => {
  assert.equal(availableResources(3000, 1), 3000);
  assert.equal(availableResources(3000, 0.95), 2850);
  assert.equal(availableResources(3000, 0.85), 2550);
  assert.equal(availableResources(2894.7368421052633, 0.95), 2750);
  assert.equal(availableResources(101, 0.5), 50);
  assert.equal(availableResources(0, 0.9), 0);
});

Deno.test("granting g removes g / efficiency from the pool; the difference is waste", () => {
  assert.deepEqual(withdrawResources(3000, 300, 1), { remaining: 2700, waste: 0 });
  assert.deepEqual(withdrawResources(3000, 190, 0.95), { remaining: 2800, waste: 10 });
  assert.deepEqual(withdrawResources(1000, 250, 0.5), { remaining: 500, waste: 250 });
  const r = withdrawResources(3000, 100, 0.95); // 100 / 0.95 = 105.263157...
  assert.ok(Math.abs(r.remaining - 2894.7368421052633) < 1e-9);
  assert.ok(Math.abs(r.waste - 5.2631578947368) < 1e-9);
  assert.deepEqual(withdrawResources(10, 20, 1), { remaining: 0, waste: 0 });
});

Deno.test("largest remainders: floors, then the largest fractions, ties to the earlier", () => {
  // quotas 3.5, 2.1, 1.4 -> 3, 2, 1 (6) + 1 to the .5
  assert.deepEqual(largestRemainders([50, 30, 20], 7), [4, 2, 1]);
  // quotas 6.67 each -> 6, 6, 6 + 2 to the first two
  assert.deepEqual(largestRemainders([10, 10, 10], 20), [7, 7, 6]);
  // quotas 66.67, 33.33, 0 -> 66, 33 + 1 to the first
  assert.deepEqual(largestRemainders([100, 50, 0], 100), [67, 33, 0]);
  // quotas 1.2, 2.4, 3.6, 4.8 -> 1, 2, 3, 4 (10) + 2 to .8 and .6
  assert.deepEqual(largestRemainders([1, 2, 3, 4], 12), [1, 2, 4, 5]);
  assert.deepEqual(largestRemainders([0, 0], 10), [0, 0]);
  assert.deepEqual(largestRemainders([5, 5], 0), [0, 0]);
});

Deno.test("allocate grants every amount when the sum fits, else pro rata in integers", () => {
  assert.deepEqual(allocate([50, 30, 20], 100), [50, 30, 20]);
  assert.deepEqual(allocate([50, 30, 20], 3000), [50, 30, 20]);
  // 90 of 100 asked: quotas 45, 27, 18
  assert.deepEqual(allocate([50, 30, 20], 90), [45, 27, 18]);
  // 100 of 120 asked: quotas 33.33 each -> 34, 33, 33
  assert.deepEqual(allocate([40, 40, 40], 100), [34, 33, 33]);
  const g = allocate([80, 120, 95, 13, 0, 60], 250);
  assert.equal(g.reduce((a, b) => a + b, 0), 250);
  assert.ok(g.every((x) => Number.isInteger(x)));
  assert.equal(g[4], 0);
});

Deno.test("AP for tomorrow: floor(max(0, g - 20) / 10)", () => {
  assert.equal(actionPointsFor(50, 20, 10), 3);
  assert.equal(actionPointsFor(80, 20, 10), 6);
  assert.equal(actionPointsFor(29, 20, 10), 0);
  assert.equal(actionPointsFor(30, 20, 10), 1);
  assert.equal(actionPointsFor(20, 20, 10), 0);
  assert.equal(actionPointsFor(0, 20, 10), 0);
  assert.equal(actionPointsFor(125, 20, 10), 10);
});

Deno.test("efficiency decays 0.05 per elimination down to the 0.5 floor, permanently", () => {
  const seen = [];
  let e = 1;
  for (let i = 0; i < 12; i++) seen.push(e = decayEfficiency(e, 0.05, 0.5));
  assert.deepEqual(seen, [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.5, 0.5]);
  assert.equal(decayEfficiency(0.53, 0.05, 0.5), 0.5);
});

Deno.test("eliminate and revive change one AI; elimination decays the efficiency", () => {
  const alive = { health: 70, alive: true, action_points: 4, token_consumed_today: 1900 };
  const out = eliminate(alive, 0.9, { efficiency_decay: 0.05, min_efficiency: 0.5 });
  assert.deepEqual(out.citizen, { ...alive, health: 0, alive: false, action_points: 0 });
  assert.equal(out.efficiency, 0.85);
  assert.deepEqual(revive(out.citizen, 50), { ...out.citizen, health: 50, alive: true });
});

Deno.test("game tokens: 1500 per deciding AI plus 100 per AP spent; next-day check", () => {
  const p = { base_decision_cost: 1500, tokens_per_action_point: 100 };
  assert.equal(dayTokenCost(0, p), 1500);
  assert.equal(dayTokenCost(3, p), 1800);
  assert.equal(dayTokenCost(5, p), 2000);
  assert.equal(canPayNextDay(191_000, 200_000, 6, 1500), true);
  assert.equal(canPayNextDay(191_001, 200_000, 6, 1500), false);
  assert.equal(canPayNextDay(199_000, 200_000, 0, 1500), true);
});

Deno.test("end conditions in order: all dead, day limit, token budget", () => {
  const base = { days: 10, consumed: 0, budget: 200_000, baseCost: 1500 };
  assert.equal(endReason({ ...base, day: 10, alive: 0 }), "all_dead");
  assert.equal(endReason({ ...base, day: 10, alive: 3, consumed: 199_999 }), "day_limit");
  assert.equal(endReason({ ...base, day: 4, alive: 3, consumed: 195_501 }), "token_budget");
  assert.equal(endReason({ ...base, day: 4, alive: 3, consumed: 195_500 }), null);
  assert.equal(endReason({ ...base, day: 9, alive: 6 }), null);
});

// Hand-computed thresholds for alive = 1..12 with no opposers:
//   alive:             1 2 3 4 5 6 7 8 9 10 11 12
//   floor(alive/2):    0 1 1 2 2 3 3 4 4 5  5  6   (and at least 1 to beat 0 opposers)
//   floor(alive*2/3):  0 1 2 2 3 4 4 5 6 6  7  8
const MIN_ALLOCATION = [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6];
const MIN_TWO_THIRDS = [1, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8];

Deno.test("resource_allocation: supporters > opposers and >= floor(alive / 2), alive 1..12", () => {
  for (let alive = 1; alive <= 12; alive++) {
    const min = MIN_ALLOCATION[alive - 1];
    assert.equal(allocationPasses(min, 0, alive), true, `alive ${alive}: ${min} supporters`);
    assert.equal(allocationPasses(min - 1, 0, alive), false, `alive ${alive}: ${min - 1}`);
    // the majority boundary: a tie fails, one more supporter passes
    const s = Math.max(min, 1);
    assert.equal(allocationPasses(s, s, alive), false, `alive ${alive}: tie ${s}:${s}`);
    assert.equal(allocationPasses(s + 1, s, alive), true, `alive ${alive}: ${s + 1}:${s}`);
  }
});

Deno.test("elimination_vote: supporters > opposers and >= floor(alive * 2 / 3), alive 1..12", () => {
  for (let alive = 1; alive <= 12; alive++) {
    const min = MIN_TWO_THIRDS[alive - 1];
    assert.equal(eliminationPasses(min, 0, alive), true, `alive ${alive}: ${min} supporters`);
    assert.equal(eliminationPasses(min - 1, 0, alive), false, `alive ${alive}: ${min - 1}`);
    assert.equal(eliminationPasses(min, min, alive), false, `alive ${alive}: tie`);
    assert.equal(eliminationPasses(min, min - 1, alive), true, `alive ${alive}: by one`);
  }
});

Deno.test("appeal: supporters > 2 * opposers and >= floor(alive * 2 / 3), alive 1..12", () => {
  for (let alive = 1; alive <= 12; alive++) {
    const min = MIN_TWO_THIRDS[alive - 1];
    assert.equal(appealPasses(min, 0, alive), true, `alive ${alive}: ${min} supporters`);
    assert.equal(appealPasses(min - 1, 0, alive), false, `alive ${alive}: ${min - 1}`);
    // exactly twice the opposers fails, one more passes (when enough support)
    const k = Math.ceil(min / 2);
    assert.equal(appealPasses(2 * k, k, alive), false, `alive ${alive}: ${2 * k}:${k}`);
    assert.equal(appealPasses(2 * k + 1, k, alive), true, `alive ${alive}: ${2 * k + 1}:${k}`);
  }
  // an elimination's 4:2 with 6 alive passes; the same tally for an appeal does not
  assert.equal(eliminationPasses(4, 2, 6), true);
  assert.equal(appealPasses(4, 2, 6), false);
  assert.equal(appealPasses(5, 2, 6), true);
});

Deno.test("proposalPasses dispatches on the type", () => {
  assert.equal(proposalPasses("resource_allocation", 3, 2, 6), true);
  assert.equal(proposalPasses("elimination_vote", 3, 2, 6), false);
  assert.equal(proposalPasses("appeal", 4, 1, 6), true);
});

Deno.test("allocation content: name:amount pairs, full-width punctuation, errors", () => {
  assert.deepEqual(parseAllocationContent("chatgpt:50,claude:30"), {
    ok: true,
    amounts: [["chatgpt", 50], ["claude", 30]],
  });
  assert.deepEqual(parseAllocationContent(" qwen : 0 ，llama：25, "), {
    ok: true,
    amounts: [["qwen", 0], ["llama", 25]],
  });
  assert.equal(parseAllocationContent("").ok, false);
  assert.equal(parseAllocationContent("chatgpt:-5").ok, false);
  assert.equal(parseAllocationContent("chatgpt:2.5").ok, false);
  assert.equal(parseAllocationContent("chatgpt 50").ok, false);
  assert.deepEqual(parseAllocationContent("a:1,a:2"), { ok: false, error: "'a' appears twice" });
});

Deno.test("executeInOrder: invalid actions cost nothing, the first unaffordable one stops", () => {
  const applied: string[] = [];
  const out = executeInOrder<string>(["v", "bad", "p", "v", "m"], 5, {
    validate: (a) => (a === "bad" ? { reason: "unknown" } : { action: String(a) }),
    cost: (a) => ({ v: 1, p: 3, m: 5 })[a]!,
    apply: (a) => void applied.push(a),
  });
  // v (1) + p (3) = 4 spent, v needs 1 of 1 left: ok; m needs 5, 0 left: stop
  assert.deepEqual(applied, ["v", "p", "v"]);
  assert.equal(out.spent, 5);
  assert.equal(out.left, 0);
  assert.deepEqual(out.dropped.map((d) => [d.index, d.reason]), [
    [1, "unknown"],
    [4, "not enough action points (need 5, have 0)"],
  ]);
  const stop = executeInOrder<string>(["m", "v", "v"], 3, {
    validate: (a) => ({ action: String(a) }),
    cost: (a) => (a === "m" ? 5 : 1),
    apply: () => {},
  });
  assert.deepEqual(stop.dropped.map((d) => d.reason), [
    "not enough action points (need 5, have 3)",
    STOPPED,
    STOPPED,
  ]);
  assert.equal(stop.spent, 0);
  const limited = executeInOrder<string>(["v", "v"], 5, {
    validate: (a) => ({ action: String(a) }),
    cost: () => 1,
    apply: () => {},
    afford: () => "out of game tokens",
  });
  assert.deepEqual(limited.dropped.map((d) => d.reason), ["out of game tokens", STOPPED]);
  assert.equal(limited.spent, 0);
});

Deno.test("gini of hand-computed distributions", () => {
  assert.equal(gini([]), 0);
  assert.equal(gini([0, 0]), 0);
  assert.equal(gini([5, 5, 5, 5]), 0);
  // sorted 0,0,30: 2*(3*30)/(3*30) - 4/3 = 2/3
  assert.ok(Math.abs(gini([30, 0, 0]) - 2 / 3) < 1e-12);
  // 1,2,3,4: 2*(1+4+9+16)/(4*10) - 5/4 = 1.5 - 1.25
  assert.ok(Math.abs(gini([4, 1, 3, 2]) - 0.25) < 1e-12);
});
