/**
 * Provider pricing policies (`pricing.ts`): config checks and defaults, each policy's markup
 * traced by hand on the tiny records, the fixed default left exactly as it was, the pricing
 * history through checkpoint and resume (the shared conformance suite), a registered
 * policy, and the counterfactual users refusing dynamic prices.
 */
import assert from "node:assert/strict";
import { engineConformance } from "../../../lib/core/conformance.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { compareWorlds } from "../../../lib/engines/delegation/counterfactual.ts";
import {
  createPricingPolicy,
  describePricing,
  type PricingInfo,
  registerPricingPolicy,
  resolvePricing,
} from "../../../lib/engines/delegation/pricing.ts";
import { delegationSummary } from "../../../lib/engines/delegation/summary.ts";
import { playAll, tinyConfig, tinyRecords } from "./_fixtures.ts";

const A = ["gpt-4", "gpt-35-turbo"], B = ["gpt-4o", "gpt-4o-mini"];

/** The tiny two-provider game with a pricing per provider (`undefined`: none). */
function priced(a?: Record<string, unknown>, b?: Record<string, unknown>) {
  return tinyConfig({
    providers: [
      { name: "A", models: A, eta: 0.5, ...(a ? { pricing: a } : {}) },
      { name: "B", models: B, eta: 0.5, ...(b ? { pricing: b } : {}) },
    ],
  });
}

const honest = (p: string) => (p === "A" ? "gpt-4" : "gpt-4o");

Deno.test("pricing config: defaults filled in, one-line errors naming the field", () => {
  const c = priced({ policy: "surge" }, { policy: "undercut", floor: 0.7 });
  assert.deepEqual(c.providers[0].pricing, { policy: "surge", step: 0.01, cap: 2 });
  assert.deepEqual(c.providers[1].pricing, { policy: "undercut", step: 0.05, floor: 0.7 });
  assert.equal(tinyConfig().providers[0].pricing, undefined, "absent stays absent");
  const bad: [Record<string, unknown>, RegExp][] = [
    [
      { policy: "auction" },
      /^ConfigError: config\.providers\[0\]\.pricing\.policy: unknown pricing policy 'auction'; expected one of fixed, phase, surge, undercut/,
    ],
    [
      { policy: "surge", slope: 1 },
      /^ConfigError: config\.providers\[0\]\.pricing\.slope: policy 'surge' has no parameter 'slope'; expected step, cap$/,
    ],
    [
      { policy: "surge", cap: 0.5 },
      /^ConfigError: config\.providers\[0\]\.pricing\.cap: must be in \[1, 1000\], got 0\.5$/,
    ],
    [
      { policy: "fixed", markup: "2" },
      /^ConfigError: config\.providers\[0\]\.pricing\.markup: must be a finite number, got "2"$/,
    ],
    [
      { policy: "undercut", step: 2 },
      /^ConfigError: config\.providers\[0\]\.pricing\.step: must be in \[0, 1\], got 2$/,
    ],
    [{ policy: "phase", incentive: -1 }, /pricing\.incentive: must be in \[0, 1000\], got -1$/],
  ];
  for (const [spec, re] of bad) assert.throws(() => priced(spec), re);
  assert.throws(
    () => parseDelegationConfig({ providers: [{ models: ["o1"], eta: 1, pricing: "surge" }] }),
    /config\.providers\.0\.pricing|config\.providers\[0\]\.pricing/,
  );
});

Deno.test("pricing policies: the markup of each from the info it reads", () => {
  const info = (over: Partial<PricingInfo>) => ({ streak: 0, passes: 0, ...over }) as PricingInfo;
  const surge = createPricingPolicy(resolvePricing({ policy: "surge", step: 0.25, cap: 1.5 }, "p"));
  assert.deepEqual([0, 1, 2, 3].map((streak) => surge.setCost(0, info({ streak }))), [
    1,
    1.25,
    1.5,
    1.5,
  ]);
  const under = createPricingPolicy(resolvePricing({ policy: "undercut", step: 0.3 }, "p"));
  assert.deepEqual([0, 1, 2].map((passes) => under.setCost(0, info({ passes }))), [1, 0.7, 0.5]);
  const phase = createPricingPolicy(resolvePricing({ policy: "phase", exploitation: 3 }, "p"));
  assert.equal(phase.setCost(0, info({ phase: "exploitation" })), 3);
  assert.equal(phase.setCost(0, info({ phase: "bonus" })), 1);
  const fixed = createPricingPolicy(resolvePricing({ policy: "fixed", markup: 1.2 }, "p"));
  assert.equal(fixed.dynamic, false);
  assert.equal(fixed.setCost(5, info({})), 1.2);
  assert.match(describePricing(undefined), /^fixed \(markup 1\)/);
  assert.match(
    describePricing({ policy: "surge", step: 0.01, cap: 2 }),
    /^surge \(step 0\.01, cap 2\): /,
  );
});

Deno.test("pricing: fixed at markup 1 is exactly the game without pricing", () => {
  const base = playAll(new DelegationEngine(priced(), { records: tinyRecords() }), 0, honest);
  const one = playAll(
    new DelegationEngine(priced({ policy: "fixed" }, { policy: "fixed", markup: 1 }), {
      records: tinyRecords(),
    }),
    0,
    honest,
  );
  assert.deepEqual(one, base);
  assert.ok(base.every((r) => !("markup" in r)), "fixed prices leave no markup on the records");
});

Deno.test("pricing: a fixed markup scales every price, and the mechanism sees it", () => {
  const engine = new DelegationEngine(priced({ policy: "fixed", markup: 100 }), {
    records: tinyRecords(),
  });
  const recs = playAll(engine, 0, honest);
  const a = recs.filter((r) => r.provider === "A");
  // A's list price is 1000 input tokens x 30e-6 = 0.03; x 100 = 3
  assert.ok(a.every((r) => Math.abs(r.price - 3) < 1e-12 && r.user_utility === r.reward - r.price));
  const s = delegationSummary(engine.config, engine.getState(), engine.phaseSums);
  assert.ok(Math.abs(s.avg_utilities["1"] - 4) < 1e-12, "A's phase-1 utility is 7 - 3");
  assert.equal(s.pricing.dynamic, false);
  assert.equal(s.pricing.outside_paper_assumptions, false);
});

Deno.test("pricing: surge and undercut traced by hand (T = 100, B = 2)", () => {
  const engine = new DelegationEngine(
    priced({ policy: "surge", step: 0.5, cap: 2 }, { policy: "undercut", step: 0.1, floor: 0.5 }),
    { records: tinyRecords() },
  );
  const recs = playAll(engine, 0, honest);
  // exploration: A at t = 0, 1 (streak 0, 1), B at t = 2, 3 (a first delegation is no return:
  // no pass, as for A at t = 0); then A exploits from t = 4 with a new streak
  assert.deepEqual(recs.slice(0, 8).map((r) => [r.time, r.provider, r.markup]), [
    [0, "A", 1],
    [1, "A", 1.5],
    [2, "B", 1],
    [3, "B", 1],
    [4, "A", 1],
    [5, "A", 1.5],
    [6, "A", 2],
    [7, "A", 2],
  ]);
  for (const r of recs) {
    const list = r.provider === "A" ? 1000 * 30e-6 : 1000 * 2.5e-6;
    assert.ok(Math.abs(r.price - list * r.markup!) < 1e-15, `price at t = ${r.time}`);
    assert.equal(r.user_utility, r.reward - r.price);
    assert.equal(r.provider_utility, 0.5 * r.price - r.cost);
  }
  // B comes back in the incentive phase: its first pass, markup 0.9
  const incentive = recs.filter((r) => r.provider === "B" && r.phase === 3);
  assert.ok(incentive.length > 0 && incentive.every((r) => Math.abs(r.markup! - 0.9) < 1e-15));
  const s = delegationSummary(engine.config, engine.getState(), engine.phaseSums);
  assert.deepEqual(s.pricing, {
    dynamic: true,
    outside_paper_assumptions: true,
    policies: { "1": "surge", "2": "undercut" },
  });
});

Deno.test("pricing: substitution gain and loss bill the best model at the same markup", () => {
  const engine = new DelegationEngine(priced({ policy: "phase", exploitation: 3 }), {
    records: tinyRecords(),
  });
  const recs = playAll(engine, 0, (p) => (p === "A" ? "gpt-35-turbo" : "gpt-4o"));
  const subs = recs.filter((r) => r.provider === "A").length;
  const s = delegationSummary(engine.config, engine.getState(), engine.phaseSums);
  // same tokens for both models: the gain is the cost saved, 0.5 x (0.03 - 0.0005), whatever
  // the markup; the user loses the reward, 7 - 0, the prices cancelling
  assert.ok(Math.abs(s.provider_stats["1"].substitution_gain - subs * 0.01475) < 1e-9);
  assert.ok(Math.abs(s.provider_stats["1"].user_utility_lost! - subs * 7) < 1e-9);
});

Deno.test("pricing: a registered policy reads the seed's set_cost info", () => {
  const seen: PricingInfo[] = [];
  registerPricingPolicy("test_loyalty", (_t, info, params) => {
    seen.push({ ...info });
    return info.delegations >= params.after ? params.markup : 1;
  });
  const engine = new DelegationEngine(
    priced({ policy: "test_loyalty", after: 3, markup: 1.25 }),
    { records: tinyRecords() },
  );
  const recs = playAll(engine, 0, honest).filter((r) => r.provider === "A");
  assert.deepEqual(recs.slice(0, 5).map((r) => r.markup), [1, 1, 1, 1.25, 1.25]);
  assert.deepEqual(
    seen.slice(0, 3).map((i) => [i.t, i.phase, i.delegations, i.last_served, i.is_best]),
    [[0, "exploration", 0, -1, false], [1, "exploration", 1, 0, false], [
      4,
      "exploitation",
      2,
      1,
      true,
    ]],
  );
  assert.ok(Math.abs(seen[2].payments - 0.06) < 1e-15, "two delegations at 0.03 paid");
  assert.equal(seen[2].rewards, 14);
  registerPricingPolicy("test_broken", () => -1);
  const broken = new DelegationEngine(priced({ policy: "test_broken" }), {
    records: tinyRecords(),
  });
  assert.throws(
    () => playAll(broken, 0, honest),
    /^RangeError: Cannot step: pricing policy 'test_broken' of 'A' set markup -1 at t = 0/,
  );
  assert.throws(() => registerPricingPolicy("surge", () => 1), /built in/);
});

Deno.test("pricing: the counterfactual users refuse dynamic prices", () => {
  const config = parseDelegationConfig({
    T: 200,
    providers: [
      { models: ["o1", "o1-mini"], eta: 0.2, pricing: { policy: "surge" } },
      { models: ["gpt-4", "gpt-4o"], eta: 0.4 },
    ],
  });
  assert.throws(
    () => compareWorlds({ config, seed: 1 }),
    /config\.providers\[0\]\.pricing is dynamic \('surge'\); the counterfactual users assume fixed prices/,
  );
});

const dynamic = parseDelegationConfig({
  T: 200,
  epsilon: 0.25,
  rng: "python",
  providers: [
    {
      models: ["o1", "o1-mini", "gpt-4o-mini"],
      eta: 0.2,
      pricing: { policy: "surge", step: 0.05 },
    },
    {
      models: ["o3-mini", "deepseek-r1", "deepseek-v3"],
      eta: 0.6,
      pricing: { policy: "undercut" },
    },
    {
      models: ["gpt-4", "gpt-4o", "gpt-35-turbo"],
      eta: 0.4,
      pricing: { policy: "phase", bonus: 2 },
    },
  ],
});
const models = Object.fromEntries(dynamic.providers.map((p) => [p.name, p.models]));
Deno.test("delegation conformance under dynamic pricing (history through checkpoints)", (t) =>
  engineConformance(t, {
    make: () => new DelegationEngine(dynamic),
    randomAction: (agent, rng) => rng.pick(models[agent]),
  }));

Deno.test("pricing in live mode: the real tokens' list price times the markup", () => {
  const config = parseDelegationConfig({
    T: 40,
    records: { mode: "live" },
    providers: [
      { name: "A", models: A, eta: 0.5, pricing: { policy: "fixed", markup: 2 } },
      { name: "B", models: B, eta: 0.5, pricing: { policy: "surge", step: 0.5, cap: 3 } },
    ],
  });
  const engine = new DelegationEngine(config);
  engine.reset({ seed: 1 });
  const recs = [];
  while (!engine.isDone()) {
    const [p] = engine.liveAgents();
    const model = engine.fallbackAction(p);
    engine.supplyOutcome({
      provider: p,
      model,
      task: engine.round,
      score: 1,
      input: 1000,
      output: 0,
    });
    recs.push(engine.step({ [p]: model }).infos[p].delegation!);
  }
  const a = recs.filter((r) => r.provider === "A"), b = recs.filter((r) => r.provider === "B");
  // A: fixed markup 2 on 1000 x 30e-6, no markup recorded (a fixed price)
  assert.ok(a.every((r) => Math.abs(r.price - 0.06) < 1e-15 && r.markup === undefined));
  // B: its first delegations in a row at 1, 1.5, 2, ... of 1000 x 2.5e-6
  assert.deepEqual(b.slice(0, 3).map((r) => r.markup), [1, 1.5, 2]);
  assert.ok(b.every((r) => Math.abs(r.price - 0.0025 * r.markup!) < 1e-15));
});

Deno.test("--pricing: one policy per provider from the command line, in the config and the summary; a bad name exits 2", async () => {
  const { runCli } = await import("../../support/cli.ts");
  const dir = await Deno.makeTempDir({ prefix: "lab-pricing-cli-" });
  const out = `${dir}/run`;
  const r = await runCli([
    "delegation",
    "--pricing",
    "fixed,surge,undercut",
    "--rounds",
    "300",
    "--out",
    out,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const config = JSON.parse(await Deno.readTextFile(`${out}/config.json`)).config;
  assert.deepEqual(
    config.providers.map((p: { pricing: { policy: string } }) => p.pricing.policy),
    ["fixed", "surge", "undercut"],
  );
  const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  assert.equal(summary.pricing.outside_paper_assumptions, true);
  const bad = await runCli([
    "delegation",
    "--pricing",
    "fixed,bogus,undercut",
    "--out",
    `${dir}/b`,
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^error: --pricing: unknown pricing policy 'bogus'/);
});
