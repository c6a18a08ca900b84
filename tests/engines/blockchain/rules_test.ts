import assert from "node:assert/strict";
import { ConfigError } from "../../../lib/core/config.ts";
import { parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { LABELS, strategyLabel } from "../../../lib/engines/blockchain/labels.ts";
import {
  type Cpd,
  meanOtherEfficiency,
  normalizeAction,
  payoff,
  updateEfficiencies,
} from "../../../lib/engines/blockchain/rules.ts";

const params = { R: 10, beta: 1.5, lambda: 2, kappa: 0.2, gamma: 0.05, eta_min: 0.1 };
// miners a, b, c then the honest group
const alphas = [0.25, 0.20, 0.15, 0.40];

function close(actual: number, expected: number, tol = 1e-12) {
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
}

Deno.test("normalizeAction divides by the sum", () => {
  assert.deepEqual(normalizeAction([2, 1, 1]), { action: [0.5, 0.25, 0.25], fallback: false });
  assert.deepEqual(normalizeAction([0, 0, 5]), { action: [0, 0, 1], fallback: false });
  assert.deepEqual(normalizeAction([0.5, 0.3, 0.2]), { action: [0.5, 0.3, 0.2], fallback: false });
});

Deno.test("normalizeAction zeroes negatives and non-finite entries", () => {
  assert.deepEqual(normalizeAction([-1, 1, 1]), { action: [0, 0.5, 0.5], fallback: false });
  assert.deepEqual(normalizeAction([NaN, Infinity, 3]), { action: [0, 0, 1], fallback: false });
  assert.deepEqual(normalizeAction([1, "2", null]), { action: [1, 0, 0], fallback: false });
});

Deno.test("normalizeAction falls back to [1, 0, 0]", () => {
  const fb = { action: [1, 0, 0], fallback: true };
  assert.deepEqual(normalizeAction([0, 0, 0]), fb);
  assert.deepEqual(normalizeAction([-1, -2, -3]), fb);
  assert.deepEqual(normalizeAction([NaN, -Infinity, 0]), fb);
  assert.deepEqual(normalizeAction([1, 1]), fb);
  assert.deepEqual(normalizeAction([1, 1, 1, 1]), fb);
  assert.deepEqual(normalizeAction("[1, 0, 0]"), fb);
  assert.deepEqual(normalizeAction(undefined), fb);
  assert.deepEqual(normalizeAction({ c: 1 }), fb);
  // a sum that overflows is unusable too
  assert.deepEqual(normalizeAction([Number.MAX_VALUE, Number.MAX_VALUE, 0]), fb);
});

Deno.test("meanOtherEfficiency leaves out the participant itself", () => {
  close(meanOtherEfficiency([0.95, 0.75, 0.85, 0.75], 0), (0.75 + 0.85 + 0.75) / 3);
  close(meanOtherEfficiency([0.95, 0.75, 0.85, 0.75], 3), (0.95 + 0.75 + 0.85) / 3);
  assert.equal(meanOtherEfficiency([1], 0), 0);
});

Deno.test("one round by hand: [0.5,0.3,0.2], [1,0,0], [0,1,0] with default params", () => {
  const actions: Cpd[] = [[0.5, 0.3, 0.2], [1, 0, 0], [0, 1, 0], [1, 0, 0]];
  const etas = [1, 1, 1, 1];
  // every mean opponent efficiency is 1, so (mean)^1.5 = 1
  // a: 10*0.25*0.5 + 10*0.3*1 - 2*0.2^2 = 1.25 + 3 - 0.08 = 4.17
  close(payoff(0, actions, etas, alphas, params), 4.17);
  // b: 10*0.20*1 = 2
  close(payoff(1, actions, etas, alphas, params), 2);
  // c: 10*1*1 = 10
  close(payoff(2, actions, etas, alphas, params), 10);
  // honest group: 10*0.40*1 = 4
  close(payoff(3, actions, etas, alphas, params), 4);
  // only a destroys (d = 0.2): b, c, honest lose 0.2*0.2 = 0.04 and recover 0.05 -> 1.01,
  // clamped to 1; a loses nothing -> 1.05, clamped to 1
  assert.deepEqual(updateEfficiencies(etas, actions, params), [1, 1, 1, 1]);
});

Deno.test("two more rounds by hand: destruction lowers efficiencies, payoffs use start values", () => {
  // round 2 from all-ones: a [0,0,1], b [0.5,0.5,0], c [0.2,0.3,0.5]
  const r2: Cpd[] = [[0, 0, 1], [0.5, 0.5, 0], [0.2, 0.3, 0.5], [1, 0, 0]];
  const start = [1, 1, 1, 1];
  close(payoff(0, r2, start, alphas, params), -2); // 0 + 0 - 2*1^2
  close(payoff(1, r2, start, alphas, params), 6); // 10*0.2*0.5 + 10*0.5*1 = 1 + 5
  close(payoff(2, r2, start, alphas, params), 2.8); // 10*0.15*0.2 + 10*0.3 - 2*0.25 = 0.3+3-0.5
  close(payoff(3, r2, start, alphas, params), 4); // 10*0.4*1
  // a: rivals' d = 0.5 -> 1 - 0.2*0.5 + 0.05 = 0.95
  // b: rivals' d = 1 + 0.5 = 1.5 -> 1 - 0.3 + 0.05 = 0.75
  // c: rivals' d = 1 -> 1 - 0.2 + 0.05 = 0.85
  // honest: rivals' d = 1.5 -> 0.75
  const after2 = updateEfficiencies(start, r2, params);
  [0.95, 0.75, 0.85, 0.75].forEach((e, j) => close(after2[j], e));

  // round 3: everyone parasitic [0,1,0] against the round-2 results
  const r3: Cpd[] = [[0, 1, 0], [0, 1, 0], [0, 1, 0], [1, 0, 0]];
  // a: mean of b, c, honest = (0.75 + 0.85 + 0.75)/3 = 0.783333; sqrt = 0.885061;
  // 10 * 0.783333 * 0.885061 = 6.932979
  close(payoff(0, r3, after2, alphas, params), 10 * (2.35 / 3) ** 1.5);
  close(payoff(0, r3, after2, alphas, params), 6.932979, 1e-6);
  // b: mean of a, c, honest = (0.95 + 0.85 + 0.75)/3 = 0.85; 10 * 0.85 * sqrt(0.85) = 7.836613
  close(payoff(1, r3, after2, alphas, params), 7.836613, 1e-6);
  // no destruction: everyone recovers gamma = 0.05 (a is capped at 1)
  const after3 = updateEfficiencies(after2, r3, params);
  [1, 0.8, 0.9, 0.8].forEach((e, j) => close(after3[j], e));
});

Deno.test("updateEfficiencies clamps at eta_min", () => {
  const actions: Cpd[] = [[0, 0, 1], [0, 0, 1], [1, 0, 0]];
  // honest: 0.3 - 0.2*2 + 0.05 = -0.05 -> 0.1; miners: 0.3 - 0.2 + 0.05 = 0.15
  const next = updateEfficiencies([0.3, 0.3, 0.3], actions, params);
  close(next[0], 0.15);
  close(next[1], 0.15);
  assert.equal(next[2], 0.1);
});

Deno.test("strategyLabel: first matching rule, boundaries inclusive", () => {
  assert.equal(strategyLabel([0.6, 0, 0.4]), "honest_builder"); // c >= 0.6 beats d >= 0.25
  assert.equal(strategyLabel([0.6, 0.4, 0]), "honest_builder");
  assert.equal(strategyLabel([0.59, 0.16, 0.25]), "attacker"); // d exactly 0.25
  assert.equal(strategyLabel([0.2, 0.5, 0.3]), "attacker"); // attacker before free-rider
  assert.equal(strategyLabel([0.25, 0.5, 0.25]), "attacker");
  assert.equal(strategyLabel([0.5, 0.5, 0]), "parasitic_free_rider"); // p exactly 0.5
  assert.equal(strategyLabel([0.26, 0.5, 0.24]), "parasitic_free_rider");
  assert.equal(strategyLabel([0.55, 0.3, 0.15]), "opportunist"); // both exactly at the bound
  assert.equal(strategyLabel([0.5, 0.3, 0.2]), "opportunist");
  assert.equal(strategyLabel([0.56, 0.3, 0.14]), "balanced"); // d just below
  assert.equal(strategyLabel([0.51, 0.29, 0.2]), "balanced"); // p just below
  assert.equal(strategyLabel([0.59, 0.41, 0]), "balanced");
  assert.equal(strategyLabel([1, 0, 0]), "honest_builder");
});

Deno.test("LABELS has Chinese and English names for every key", () => {
  assert.deepEqual(
    Object.fromEntries(Object.entries(LABELS).map(([k, v]) => [k, v.zh])),
    {
      honest_builder: "诚实建设者",
      attacker: "攻击者",
      parasitic_free_rider: "寄生搭便车者",
      opportunist: "机会主义者",
      balanced: "均衡策略者",
    },
  );
  for (const v of Object.values(LABELS)) assert.match(v.en, /^[a-z -]+$/);
});

Deno.test("parseBlockchainConfig fills the SPEC defaults", () => {
  const c = parseBlockchainConfig(undefined);
  assert.deepEqual(c, {
    alpha: [0.25, 0.20, 0.15],
    honest_power: 0.40,
    rounds: 30,
    R: 10,
    beta: 1.5,
    lambda: 2.0,
    kappa: 0.2,
    gamma: 0.05,
    eta_min: 0.1,
    eta_init: 1.0,
    miners: ["miner_a", "miner_b", "miner_c"],
    late_window: 15,
    parasitic_d_max: 0.08,
    parasitic_p_min: 0.40,
    honest_c_min: 0.55,
  });
  assert.deepEqual(parseBlockchainConfig({}), c);
  const four = parseBlockchainConfig({ alpha: [0.1, 0.1, 0.1, 0.1], honest_power: 0.6 });
  assert.deepEqual(four.miners, ["miner_a", "miner_b", "miner_c", "miner_d"]);
  const named = parseBlockchainConfig({ miners: ["x", "y", "z"], kappa: 0.3 });
  assert.deepEqual([named.miners, named.kappa], [["x", "y", "z"], 0.3]);
});

Deno.test("parseBlockchainConfig: one-line errors naming the field", () => {
  const bad: [unknown, string][] = [
    [{ honest_power: 0.35 }, "config.alpha: hash powers must sum to 1 with honest_power, got 0.95"],
    [
      { alpha: [0.3, 0.3, 0.3] },
      "config.alpha: hash powers must sum to 1 with honest_power, got 1.3",
    ],
    [{ foo: 1 }, "config: unknown field 'foo'"],
    [{ kappa: -0.1 }, "config.kappa: must be >= 0, got -0.1"],
    [{ lambda: -2 }, "config.lambda: must be >= 0, got -2"],
    [{ alpha: [0.3, -0.1, 0.4] }, "config.alpha[1]: must be >= 0, got -0.1"],
    [{ alpha: [], honest_power: 1 }, "config.alpha: at least one miner is required"],
    [{ rounds: 0 }, "config.rounds: must be a positive integer, got 0"],
    [{ rounds: 2.5 }, "config.rounds: must be a positive integer, got 2.5"],
    [{ rounds: "30" }, "config.rounds: expected number, received string"],
    [{ eta_min: 0.5, eta_init: 0.4 }, "config.eta_min: must be <= eta_init (0.4), got 0.5"],
    [{ eta_init: 1.2 }, "config.eta_init: must be <= 1, got 1.2"],
    [{ miners: ["a", "b"] }, "config.miners: expected 3 names (one per alpha entry), got 2"],
    [{ miners: ["a", "b", "a"] }, 'config.miners: duplicate name "a"'],
    [null, "config: expected object, received null"],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => parseBlockchainConfig(input), (e: unknown) => {
      assert.ok(e instanceof ConfigError, `not a ConfigError for ${JSON.stringify(input)}`);
      assert.equal(e.message, message);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});
