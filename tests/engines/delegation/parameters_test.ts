import assert from "node:assert/strict";
import {
  delta1,
  delta2,
  exploitationBudget,
  exploitationThreshold,
  explorationBlock,
  mechanismM,
  minUtility,
  numpySum,
  plannedExploitation,
  utilityBasedShare,
} from "../../../lib/engines/delegation/parameters.ts";
import { bestCandidates, secondBest } from "../../../lib/engines/delegation/selection.ts";
import {
  bestModelIndex,
  billedPrice,
  cheapestModelIndex,
  providerUtility,
  servedCost,
  unitPrices,
  userUtility,
} from "../../../lib/engines/delegation/accounting.ts";

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

Deno.test("B = floor(T^(2 eps))", () => {
  assert.equal(explorationBlock(1000, 0.2), 15); // 1000^0.4 = 15.85
  assert.equal(explorationBlock(100_000, 0.2), 100); // 10^2 (100.00000000000003 in floats)
  assert.equal(explorationBlock(1_000_000, 0.2), 251); // 10^2.4 = 251.19
  assert.equal(explorationBlock(100, 0.25), 10);
  assert.equal(explorationBlock(100, 0.1), 2); // 100^0.2 = 2.51
  assert.equal(explorationBlock(7, 0), 1);
});

Deno.test("M = T^(-eps) ln(K T)", () => {
  close(mechanismM(1000, 3, 0.2), 0.251188643150958 * Math.log(3000)); // 1000^-0.2 = 0.2512
  close(mechanismM(1000, 3, 0.2), 2.0111, 1e-4);
  close(mechanismM(100, 2, 0.1), 3.34301225581044, 1e-12); // CPython: 100**-0.1*math.log(200)
  close(mechanismM(16, 2, 0.25), 0.5 * Math.log(32));
});

Deno.test("delta1, delta2, u_min", () => {
  assert.equal(minUtility([3, 2, 5]), 2);
  assert.equal(minUtility([3, 0, 5]), 1e-6);
  close(delta1([2, 4], 1), -Math.log(2) + 3);
  close(delta1([-1, 4], 0.5), -Math.log(1e-6) + 2.5); // 16.3155...
  close(delta1([-1, 4], 0.5), 16.31551, 1e-5);
  close(delta2([2, 4]), Math.log(4));
  assert.equal(delta2([0, -3]), -Infinity);
});

Deno.test("R2 and planned", () => {
  // T=1000, B=15, K=3, delta1=4.2, delta2=1: 1000 - 7.2 * 45 = 676
  close(exploitationBudget(1000, 15, 3, 4.2, 1), 676);
  assert.equal(exploitationBudget(100, 10, 2, 5, 1), 0); // 100 - 160 < 0
  close(exploitationBudget(10, 1, 1, 2, -Infinity), 5); // delta2 = -inf: max is delta1
  assert.equal(plannedExploitation(676, 1000, 45), 676);
  assert.equal(plannedExploitation(676.9, 1000, 45), 676);
  assert.equal(plannedExploitation(990.5, 1000, 45), 955);
  assert.equal(plannedExploitation(0, 1000, 45), 0);
  assert.equal(exploitationThreshold(3.5, 1.25), 2.25);
});

Deno.test("utility-based share", () => {
  // d = 7 - 3 = 4, x = 1 + ln 4 = 2.386..: 2 blocks, fraction 0.386
  const s = utilityBasedShare(7, 3, 1);
  assert.equal(s.blocks, 2);
  close(s.fraction, Math.log(4) - 1);
  assert.deepEqual(utilityBasedShare(3, 3, 5), { x: null, blocks: 0, fraction: 0 });
  const neg = utilityBasedShare(3.1, 3, 1); // x = 1 + ln 0.1 < 0
  assert.equal(neg.blocks, 0);
  assert.equal(neg.fraction, 0);
  assert.ok(neg.x! < 0);
});

Deno.test("numpySum matches numpy's pairwise summation (values from numpy)", () => {
  const a = [
    4.224,
    8.729,
    -1.558,
    6.601,
    3.406,
    -3.933,
    1.752,
    7.65,
    6.924,
    0.106,
    1.78,
    -9.309,
    -5.145,
    5.948,
    -1.714,
  ];
  // python: float(np.sum(np.array(a))) = 25.46100000000001; sum(a) = 25.461000000000002
  assert.equal(numpySum(a, 0, a.length), 25.46100000000001);
  const b = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 1000) / 7);
  // numpy 21450.0, naive 21449.999999999996
  assert.equal(numpySum(b, 0, b.length), 21450);
  assert.equal(numpySum([1, 2, 3], 0, 3), 6);
  assert.equal(numpySum([9, 1, 2, 3], 1, 3), 6);
});

Deno.test("best and second best", () => {
  assert.deepEqual(bestCandidates([1, 3, 2]), [1]);
  assert.deepEqual(bestCandidates([3, 1, 3]), [0, 2]);
  assert.deepEqual(secondBest([1, 3, 2], 1), { utility: 2, provider: 2 });
  assert.deepEqual(secondBest([3, 1, 3], 0), { utility: 3, provider: 2 });
  assert.deepEqual(secondBest([3, 1, 3], 2), { utility: 3, provider: 0 });
  assert.deepEqual(secondBest([2, 5, 2], 1), { utility: 2, provider: 2 }); // highest id on ties
  assert.deepEqual(secondBest([4], 0), { utility: 0, provider: -1 });
});

Deno.test("prices, costs, utilities", () => {
  const gpt4 = unitPrices("gpt-4"), gpt35 = unitPrices("gpt-35-turbo");
  // 1000 input, 100 output tokens billed at gpt-4: 1000*30e-6 + 100*60e-6 = 0.036
  close(billedPrice(1000, 100, gpt4), 0.036, 1e-15);
  // served gpt-35-turbo, eta 0.4: (1000*0.5e-6 + 100*1.5e-6) * 0.4 = 0.00026
  close(servedCost(1000, 100, gpt35, 0.4), 0.00026, 1e-15);
  close(userUtility(0.5, 7, 0.036), 3.464, 1e-12);
  close(providerUtility(0.4, 0.036, 0.00026), 0.01414, 1e-12);
  // provider 3: gpt-4 (45 mean) best, gpt-35-turbo (1.0 mean) cheapest
  const p3 = ["gpt-4", "gpt-4o", "gpt-35-turbo"].map((m) => unitPrices(m));
  assert.equal(bestModelIndex(p3), 0);
  assert.equal(cheapestModelIndex(p3), 2);
  // ties: o1-mini and o3-mini cost the same; the first wins both ways
  const tie = ["o1-mini", "o3-mini"].map((m) => unitPrices(m));
  assert.equal(bestModelIndex(tie), 0);
  assert.equal(cheapestModelIndex(tie), 0);
  assert.throws(() => unitPrices("no-such-model"), RangeError);
});
