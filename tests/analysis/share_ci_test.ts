/**
 * Share intervals across seeds: Wilson at the Korn-Graubard effective sample size (Korn EL,
 * Graubard BI 1998, Survey Methodology 24:193-201; Parker JD et al. 2017, NCHS Data
 * Presentation Standards for Proportions, Vital Health Stat 2(175)), recomputed by hand;
 * always inside [0, 1]; close to the t interval inside (0, 1) with many seeds.
 */
import assert from "node:assert/strict";
import { isShareCI, looksLikeShare, seedCI, shareCI } from "../../lib/analysis/share_ci.ts";
import { meanCI, normalQuantile, proportionCI, tQuantile } from "../../lib/analysis/stats.ts";
import { Rng } from "../../lib/core/rng.ts";

const near = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what} expected ${expected} ± ${tol}, got ${actual}`,
  );

/** Wilson's bounds written out (Wilson 1927), for fractional counts. */
function wilson(x: number, n: number, z = normalQuantile(0.975)): [number, number] {
  const p = x / n;
  const c = (p + z * z / (2 * n)) / (1 + z * z / n);
  const h = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  return [c - h, c + h];
}

Deno.test("shareCI: the profile card's two seeds, by hand, inside [0, 1] where t is not", () => {
  // Two seeds at 0.27 and 0.392: t gives 0.331 [-0.444, 1.106].
  const t = meanCI([0.27, 0.392]);
  assert.ok(t.lo < 0 && t.hi > 1);
  const ci = shareCI({ values: [0.27, 0.392] });
  // v = s^2 / k; n_eff = p(1-p)/v * (z / t(0.975, 1))^2; Wilson at p n_eff of n_eff.
  const p = 0.331, v = (0.061 ** 2 * 2) / 1 / 2;
  const nEff = p * (1 - p) / v * (normalQuantile(0.975) / tQuantile(0.975, 1)) ** 2;
  near(ci.n_eff, nEff, 1e-9, "n_eff");
  const [lo, hi] = wilson(p * nEff, nEff);
  near(ci.lo, lo, 1e-12, "lo");
  near(ci.hi, hi, 1e-12, "hi");
  near(ci.lo, 0.0337, 5e-5, "lo value");
  near(ci.hi, 0.8753, 5e-5, "hi value");
  assert.equal(ci.mean, 0.331);
  assert.equal(ci.method, "wilson");
});

Deno.test("shareCI: inside (0, 1) with many seeds it has the t interval's width", () => {
  const values = [0.4, 0.45, 0.5, 0.55, 0.6, 0.42, 0.48, 0.52, 0.58, 0.5];
  const s = shareCI({ values });
  const t = meanCI(values);
  near(s.mean, t.mean, 1e-12, "mean");
  near(s.half_width, t.half_width, 0.01 * t.half_width, "half width within 1%");
});

Deno.test("shareCI: counts are pooled; a design effect widens, never narrows below pooled", () => {
  const same = Array.from({ length: 5 }, () => ({ successes: 10, trials: 20 }));
  const a = shareCI({ counts: same });
  assert.deepEqual([a.successes, a.trials, a.mean, a.sd], [50, 100, 0.5, 0]);
  // No spread between seeds: n_eff = N, then the df correction (z / t(0.975, 4))^2.
  const nEff = 100 * (normalQuantile(0.975) / tQuantile(0.975, 4)) ** 2;
  near(a.n_eff, nEff, 1e-9, "n_eff");
  const [lo, hi] = wilson(50 * nEff / 100, nEff);
  near(a.lo, lo, 1e-12, "lo");
  near(a.hi, hi, 1e-12, "hi");
  // Seeds that disagree (0/10, 10/10 ...): the same pooled 0.5, a much wider interval than
  // pooled Wilson, which treats the 40 events as independent.
  const split = [0, 10, 0, 10].map((s) => ({ successes: s, trials: 10 }));
  const b = shareCI({ counts: split });
  const pooled = proportionCI(20, 40);
  assert.equal(b.mean, 0.5);
  assert.ok(b.lo < pooled.lo - 0.1 && b.hi > pooled.hi + 0.1, `${b.lo} ${b.hi}`);
  // Pooled, not the mean of shares: 1/1 and 0/9 is 0.1, not 0.5.
  near(
    shareCI({ counts: [{ successes: 1, trials: 1 }, { successes: 0, trials: 9 }] }).mean,
    0.1,
    1e-12,
  );
  // A seed with no trials is left out.
  assert.equal(shareCI({ counts: [...same, { successes: 0, trials: 0 }] }).n, 5);
});

Deno.test("shareCI: every interval lies in [0, 1] and holds its estimate (random inputs)", () => {
  const rng = new Rng(16);
  for (let r = 0; r < 300; r++) {
    const k = rng.int(1, 8);
    const edge = rng.int(0, 3); // 0: all zero, 1: all one, else random
    const values = Array.from({ length: k }, () => edge === 0 ? 0 : edge === 1 ? 1 : rng.next());
    const counts = Array.from({ length: k }, () => {
      const trials = rng.int(0, 30);
      return { successes: rng.int(0, trials), trials };
    });
    for (const method of ["wilson", "clopper-pearson"] as const) {
      for (const ci of [shareCI({ values }, { method }), shareCI({ counts }, { method })]) {
        if (ci.n === 0) continue;
        assert.ok(ci.lo >= 0 && ci.hi <= 1, `[${ci.lo}, ${ci.hi}] in [0, 1]`);
        assert.ok(ci.lo <= ci.mean + 1e-12 && ci.mean <= ci.hi + 1e-12, `${ci.mean} inside`);
      }
    }
  }
});

Deno.test("shareCI: edges, one seed, none, and bad input", () => {
  const zeros = shareCI({ values: [0, 0, 0, 0, 0] });
  assert.equal(zeros.lo, 0);
  assert.ok(zeros.hi > 0.2 && zeros.hi < 1, "no spread seen: a width, from the binomial bound");
  const one = shareCI({ values: [0.3] });
  assert.deepEqual([one.n, one.mean, one.lo, one.hi], [1, 0.3, 0, 1]);
  const none = shareCI({ values: [] });
  assert.ok(Number.isNaN(none.mean) && Number.isNaN(none.lo));
  const cp = shareCI({ values: [0.27, 0.392] }, { method: "clopper-pearson" });
  const w = shareCI({ values: [0.27, 0.392] });
  assert.ok(cp.lo <= w.lo && cp.hi >= w.hi, "exact is wider");
  assert.throws(() => shareCI({ values: [0.5, 1.1] }), /in \[0, 1\], got 1.1 at index 1/);
  assert.throws(() => shareCI({ counts: [{ successes: 3, trials: 2 }] }), /0 <= successes/);
  assert.throws(() => shareCI({ values: [0.5] }, { level: 1 }), /'level'/);
});

Deno.test("seedCI picks the interval by kind; looksLikeShare reads names and values", () => {
  const share = seedCI([0.27, 0.392], { kind: "share" });
  assert.ok(isShareCI(share) && share.lo >= 0 && share.hi <= 1);
  const mean = seedCI([0.27, 0.392]);
  assert.equal(mean.method, "t");
  assert.ok(!isShareCI(mean) && mean.lo < 0);
  const counted = seedCI([], { kind: "share", counts: [{ successes: 1, trials: 2 }] });
  assert.equal(counted.mean, 0.5);
  assert.equal(seedCI([1, 2, 3], { method: "bootstrap" }).method, "bootstrap");
  assert.throws(() => seedCI([0.5], { kind: "share", method: "t" }), /wilson or clopper/);
  assert.throws(() => seedCI([0.5], { method: "wilson" }), /t or bootstrap/);
  assert.ok(looksLikeShare("mutual_cooperation_rate", [0, 0.3, null]));
  assert.ok(looksLikeShare("validity.fallback_share", [0.1]));
  assert.ok(!looksLikeShare("growth_rate", [0.5, 1.5]), "a rate above 1 is not a share");
  assert.ok(!looksLikeShare("rounds", [0.5]), "not named as a share");
  assert.ok(!looksLikeShare("separate", [0.5]), "'rate' must end the name after a separator");
  assert.ok(!looksLikeShare("cooperation_rate", [null]), "no value");
});
