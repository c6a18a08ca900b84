/**
 * Seeds needed against published values: Cohen (1988), Statistical Power Analysis for the
 * Behavioral Sciences, 2nd ed., Table 2.4.1 (n per group for a two-sided t test at
 * a2 = .05, power .80: d = .50 -> 64, d = .80 -> 26); R's `power.t.test(power = .90,
 * delta = 1)` -> n = 22.02110 (R documentation example); R's `power.prop.test(p1 = .50,
 * p2 = .75, power = .90)` -> n = 76.7 (R documentation example; Fleiss, Levin and Paik 2003,
 * eq. 4.14 without continuity correction).
 */
import assert from "node:assert/strict";
import {
  proportionsN,
  seedsNeeded,
  seedsNeededForProportions,
  tTestPower,
} from "../../lib/analysis/power.ts";

const near = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} expected ${expected} ± ${tol}, got ${actual}`,
  );

Deno.test("seedsNeeded: Cohen (1988) Table 2.4.1 and R's power.t.test", () => {
  assert.equal(seedsNeeded({ effect: 0.5, sd: 1 }).n, 64);
  assert.equal(seedsNeeded({ effect: 0.8, sd: 1 }).n, 26);
  // The effect is standardised: 0.1 with sd 0.2 is d = 0.5; the sign does not matter.
  assert.equal(seedsNeeded({ effect: -0.1, sd: 0.2 }).n, 64);
  // R: power.t.test(power = .90, delta = 1) -> n = 22.02110, power at that n is 0.9.
  near(tTestPower(22.0211, 1), 0.9, 1e-5, "power at R's n");
  const r = seedsNeeded({ effect: 1, sd: 1, power: 0.9 });
  assert.equal(r.n, 23);
  assert.equal(r.total, 46);
  assert.ok(r.achieved >= 0.9);
  // The least n: one fewer seed misses the power.
  assert.ok(tTestPower(63, 0.5) < 0.8 && tTestPower(64, 0.5) >= 0.8);
  // A stricter alpha needs more seeds.
  assert.ok(seedsNeeded({ effect: 0.5, sd: 1, alpha: 0.01 }).n > 64);
});

Deno.test("seedsNeeded: bad input is a RangeError naming the problem", () => {
  assert.throws(() => seedsNeeded({ effect: 0, sd: 1 }), /'effect' must be non-zero/);
  assert.throws(() => seedsNeeded({ effect: 1, sd: 0 }), /'sd' must be > 0/);
  assert.throws(() => seedsNeeded({ effect: 1, sd: 1, power: 1 }), /'power' must be in \(0, 1\)/);
  assert.throws(() => seedsNeeded({ effect: 1e-4, sd: 1, maxSeeds: 10 }), /more than 10 seeds/);
});

Deno.test("seedsNeededForProportions: R's power.prop.test examples", () => {
  near(proportionsN(0.5, 0.75, 0.05, 0.9), 76.7, 0.05, "n at power .90");
  near(proportionsN(0.5, 0.75, 0.05, 0.8), 57.67, 0.005, "n at power .80");
  const e = seedsNeededForProportions({ p1: 0.5, p2: 0.75, power: 0.9 });
  assert.equal(e.n, 77);
  assert.ok(e.achieved >= 0.9 && e.achieved < 0.91);
  assert.equal(seedsNeededForProportions({ p1: 0.75, p2: 0.5 }).n, 58, "symmetric");
  assert.throws(() => seedsNeededForProportions({ p1: 0.5, p2: 0.5 }), /are equal/);
  assert.throws(() => seedsNeededForProportions({ p1: 0, p2: 0.5 }), /'p1' must be in \(0, 1\)/);
});
