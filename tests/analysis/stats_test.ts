/**
 * Statistics against known values: t quantiles, a hand-computed t interval, Wilson intervals
 * from Newcombe (1998), R's Welch test on the `sleep` data, a permutation p-value enumerated
 * by hand, and bootstrap intervals whose resampling distribution is enumerable.
 */
import assert from "node:assert/strict";
import {
  clopperPearsonCI,
  compare,
  holmAdjust,
  meanCI,
  normalQuantile,
  proportionCI,
  tQuantile,
} from "../../lib/analysis/stats.ts";

const near = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} expected ${expected} ± ${tol}, got ${actual}`,
  );

Deno.test("tQuantile and normalQuantile: table values", () => {
  near(tQuantile(0.975, 4), 2.7764, 5e-5, "t(0.975, 4)");
  near(tQuantile(0.975, 1), 12.7062, 5e-5, "t(0.975, 1)");
  near(tQuantile(0.95, 10), 1.8125, 5e-5, "t(0.95, 10)");
  near(tQuantile(0.975, 1e6), 1.96, 1e-3, "t(0.975, inf)");
  near(normalQuantile(0.975), 1.959964, 1e-6, "z(0.975)");
  assert.throws(() => tQuantile(1, 3), RangeError);
  assert.throws(() => tQuantile(0.5, 0), RangeError);
});

Deno.test("meanCI t: five seeds, computed by hand", () => {
  // mean 3, sd sqrt(2.5), se sqrt(0.5); half = 2.776445 * 0.707107 = 1.963243
  const ci = meanCI([4, 2, 5, 1, 3]);
  assert.equal(ci.n, 5);
  assert.equal(ci.mean, 3);
  near(ci.sd, Math.sqrt(2.5), 1e-12, "sd");
  near(ci.half_width, 1.963243, 1e-6, "half width");
  near(ci.lo, 1.036757, 1e-6, "lo");
  near(ci.hi, 4.963243, 1e-6, "hi");
  assert.equal(ci.method, "t");
  assert.equal(ci.level, 0.95);
  // 90%: t(0.95, 4) = 2.131847
  near(meanCI([4, 2, 5, 1, 3], { level: 0.9 }).half_width, 2.131847 * Math.sqrt(0.5), 1e-6);
});

Deno.test("meanCI: n = 1 is unbounded, n = 0 is NaN, constant values have zero width", () => {
  for (const method of ["t", "bootstrap"] as const) {
    const one = meanCI([7], { method });
    assert.equal(one.mean, 7);
    assert.ok(Number.isNaN(one.sd));
    assert.equal(one.lo, -Infinity);
    assert.equal(one.hi, Infinity);
    assert.equal(one.half_width, Infinity);
    const none = meanCI([], { method });
    assert.equal(none.n, 0);
    for (const k of ["mean", "sd", "lo", "hi", "half_width"] as const) {
      assert.ok(Number.isNaN(none[k]), k);
    }
  }
  const flat = meanCI([2, 2, 2]);
  assert.deepEqual([flat.lo, flat.hi, flat.half_width], [2, 2, 0]);
});

Deno.test("meanCI: bad input is a RangeError naming the problem", () => {
  assert.throws(() => meanCI([1, NaN]), /finite numbers, got NaN at index 1/);
  assert.throws(() => meanCI([1, 2], { level: 1 }), /'level' must be in \(0, 1\)/);
  assert.throws(() => meanCI([1, 2], { method: "z" as "t" }), /'method'/);
  assert.throws(() => meanCI([1, 2], { method: "bootstrap", resamples: 0 }), /'resamples'/);
});

Deno.test("meanCI bootstrap: enumerable resampling distribution of [0, 3, 6]", () => {
  // Resampled means are 0..6 with probabilities 1,3,6,7,6,3,1 (/27): P(0) = 0.037 > 0.025,
  // so the 95% bounds are 0 and 6; P(0) < 0.05 < P(<= 1) = 0.148, so the 90% bounds are 1, 5.
  const values = [0, 3, 6];
  const b95 = meanCI(values, { method: "bootstrap", resamples: 20_000, seed: 1 });
  assert.deepEqual([b95.lo, b95.hi, b95.half_width, b95.mean], [0, 6, 3, 3]);
  const b90 = meanCI(values, { method: "bootstrap", level: 0.9, resamples: 20_000, seed: 2 });
  assert.deepEqual([b90.lo, b90.hi], [1, 5]);
  assert.equal(b90.method, "bootstrap");
});

Deno.test("meanCI bootstrap: seeded and reproducible; close to t for a large sample", () => {
  const values = Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) * 3 + i / 10);
  const a = meanCI(values, { method: "bootstrap", seed: 5 });
  const b = meanCI(values, { method: "bootstrap", seed: 5 });
  const c = meanCI(values, { method: "bootstrap", seed: 6 });
  assert.deepEqual(a, b);
  assert.notEqual(a.lo, c.lo);
  const t = meanCI(values);
  assert.ok(a.lo < t.mean && t.mean < a.hi);
  // The percentile bootstrap is a little narrower than t for n = 40, within ~15%.
  near(a.half_width / t.half_width, 1, 0.15, "bootstrap / t width");
});

Deno.test("proportionCI: Wilson against Newcombe (1998)", () => {
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [s, n, lo, hi] of cases) {
    const ci = proportionCI(s, n);
    near(ci.lo, lo, 5e-5, `${s}/${n} lo`);
    near(ci.hi, hi, 5e-5, `${s}/${n} hi`);
    assert.equal(ci.rate, s / n);
  }
  const all = proportionCI(5, 5);
  assert.equal(all.hi, 1);
  assert.ok(all.lo > 0.5 && all.lo < 1);
  const none = proportionCI(0, 0);
  assert.ok(Number.isNaN(none.rate) && Number.isNaN(none.lo) && Number.isNaN(none.hi));
  assert.throws(() => proportionCI(3, 2), /successes 3 > n 2/);
  assert.throws(() => proportionCI(1.5, 2), /non-negative integers/);
});

Deno.test("compare: Welch on R's sleep data (t.test(extra ~ group, data = sleep))", () => {
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  // R: t = -1.8608, df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832
  const c = compare(g1, g2, { permutations: 1000, seed: 3 });
  near(c.mean_a, 0.75, 1e-12);
  near(c.mean_b, 2.33, 1e-12);
  near(c.diff, -1.58, 1e-12);
  near(c.t, -1.8608, 5e-5, "t");
  near(c.df, 17.776, 5e-4, "df");
  near(c.p_welch, 0.07939, 5e-6, "p");
  near(c.lo, -3.3654832, 1e-6, "lo");
  near(c.hi, 0.2054832, 1e-6, "hi");
  // C(20, 10) = 184756 splits > 1000: random splits, seeded.
  assert.equal(c.permutation, "monte_carlo");
  assert.equal(c.permutations, 1000);
  assert.deepEqual(compare(g1, g2, { permutations: 1000, seed: 3 }), c);
  assert.ok(c.p_value > 0.03 && c.p_value < 0.15, `p = ${c.p_value}`);
});

Deno.test("compare: exact permutation p-value enumerated by hand", () => {
  // a = [1, 2], b = [3, 4, 5]: 10 splits; |mean diff| of each split:
  // {1,2} 2.5, {1,3} 1.67, {1,4} .83, {1,5} 0, {2,3} .83, {2,4} 0, {2,5} .83, {3,4} .83,
  // {3,5} 1.67, {4,5} 2.5: two of ten are >= 2.5.
  const c = compare([1, 2], [3, 4, 5]);
  assert.equal(c.diff, -2.5);
  assert.equal(c.permutation, "exact");
  assert.equal(c.permutations, 10);
  assert.equal(c.p_value, 0.2);
  // >= 1.67: four splits; the same data the other way round gives the same p-value.
  assert.equal(compare([1, 3], [2, 4, 5]).p_value, 0.4);
  assert.equal(compare([3, 4, 5], [1, 2]).p_value, 0.2);
});

Deno.test("compare: constant samples and bad input", () => {
  const c = compare([1, 1, 1], [1, 1]);
  assert.equal(c.se, 0);
  assert.deepEqual([c.lo, c.hi, c.p_welch, c.p_value], [0, 0, 1, 1]);
  assert.throws(() => compare([1], [2, 3]), /at least 2 values, got 1 and 2/);
  assert.throws(() => compare([1, 2], [2, Infinity]), /finite/);
});

Deno.test("clopperPearsonCI: exact intervals against Newcombe (1998), Table II, method 5", () => {
  // Newcombe RG (1998), Two-sided confidence intervals for the single proportion, Stat Med
  // 17:857-872, Table II ("exact" Clopper-Pearson); 0/20 is also 1 - 0.025^(1/20).
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2527, 0.3676],
    [15, 148, 0.0578, 0.1617],
    [0, 20, 0, 0.1684],
    [1, 29, 0.0009, 0.1776],
  ];
  for (const [s, n, lo, hi] of cases) {
    const ci = clopperPearsonCI(s, n);
    near(ci.lo, lo, 5e-5, `${s}/${n} lo`);
    near(ci.hi, hi, 5e-5, `${s}/${n} hi`);
    assert.equal(ci.method, "clopper-pearson");
    // Exact is conservative: it contains Wilson's interval at these counts.
    const w = proportionCI(s, n);
    assert.ok(ci.lo <= w.lo && ci.hi >= w.hi, `${s}/${n} contains Wilson`);
  }
  near(clopperPearsonCI(0, 20).hi, 1 - 0.025 ** (1 / 20), 1e-12, "0/20 closed form");
  near(clopperPearsonCI(20, 20).lo, 0.025 ** (1 / 20), 1e-12, "20/20 closed form");
  assert.equal(clopperPearsonCI(20, 20).hi, 1);
  // 1/29 lower bound in closed form: 1 - 0.975^(1/29).
  near(clopperPearsonCI(1, 29).lo, 1 - 0.975 ** (1 / 29), 1e-10, "1/29 lo");
  assert.ok(Number.isNaN(clopperPearsonCI(0, 0).lo));
  assert.throws(() => clopperPearsonCI(3, 2), /successes 3 > n 2/);
  assert.throws(() => proportionCI(1, 2, { method: "exact" as "wilson" }), /'method' must be/);
});

Deno.test("holmAdjust: Holm (1979) step-down, adjusted p-values as R's p.adjust(p, 'holm')", () => {
  // Sorted 0.01..0.05 with m = 5: 5(0.01), 4(0.02), 3(0.03), max(0.09, 2(0.04)), max(0.09, 0.05)
  const p = [0.01, 0.02, 0.03, 0.04, 0.05];
  holmAdjust(p).forEach((a, i) => near(a, [0.05, 0.08, 0.09, 0.09, 0.09][i], 1e-12, `p${i}`));
  // Order is kept; the running maximum makes it monotone; values cap at 1.
  const q = holmAdjust([0.04, 0.001, 0.5, 0.03]);
  [0.09, 0.004, 0.5, 0.09].forEach((e, i) => near(q[i], e, 1e-12, `q${i}`));
  assert.deepEqual(holmAdjust([0.6, 0.7]), [1, 1]);
  // Holm rejects what Bonferroni rejects and more: 0.012 and 0.02 with m = 3 and 0.013.
  const h = holmAdjust([0.012, 0.02, 0.013]);
  assert.ok(h.every((a) => a <= 0.05), "all survive Holm");
  assert.ok([0.012, 0.02, 0.013].some((x) => 3 * x > 0.05), "not all survive Bonferroni");
  // NaN stays NaN and is not counted in m.
  const n = holmAdjust([0.01, NaN, 0.02]);
  assert.ok(Number.isNaN(n[1]));
  near(n[0], 0.02, 1e-12, "m = 2");
  near(n[2], 0.02, 1e-12, "m = 2");
  assert.deepEqual(holmAdjust([]), []);
  assert.throws(() => holmAdjust([0.5, 1.2]), /in \[0, 1\] or NaN, got 1.2 at index 1/);
});
