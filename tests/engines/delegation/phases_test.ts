/**
 * Per-phase reward and utility (the summary's `per_phase`), pricing through the registered
 * experiment, and the Polars analysis: the engine's per-phase sums against the rows (tallied
 * and grouped with Polars), unknown after a restore, a run with `--pricing` (rows, summary,
 * provenance, report banner), a sweep over a provider's pricing, and the study frames.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { join } from "node:path";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { SweepIndexRowSchema } from "../../../lib/core/sweep_dir.ts";
import {
  heatmapCells,
  loadDelegationDecisions,
  markupTable,
  phaseTable,
  phaseTableFromDecisions,
  studyFrame,
  utilityByOwnStrategy,
} from "../../../lib/engines/delegation/analysis.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import {
  applyDelegationFlags,
  DelegationDecisionSchema,
} from "../../../lib/engines/delegation/experiment.ts";
import { PhaseTally } from "../../../lib/engines/delegation/phase_tally.ts";
import { runStudy } from "../../../lib/engines/delegation/study.ts";
import {
  delegationSummary,
  PHASE_SLOTS,
  phaseSlotName,
} from "../../../lib/engines/delegation/summary.ts";
import { runCli } from "../../support/cli.ts";
import { playAll } from "./_fixtures.ts";

const readJson = async (p: string) => JSON.parse(await Deno.readTextFile(p));
const close = (a: number, b: number, what: string, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} != ${b}`);

Deno.test("per phase: the engine's sums are the delegations', phase by phase", () => {
  const config = parseDelegationConfig({ T: 600 });
  const engine = new DelegationEngine(config);
  // provider 3 substitutes, so the phases differ in utility
  const recs = playAll(
    engine,
    4,
    (p) => (p === "provider_3" ? "gpt-35-turbo" : engine.fallbackAction(p)),
  );
  const tally = new PhaseTally(3);
  for (const r of recs) {
    tally.add({ ...r, phase: phaseSlotName(r.phase, r.bonus) });
  }
  // the same values added in the same order: exactly the engine's sums
  assert.deepEqual(Array.from(tally.sums), Array.from(engine.phaseSums!));
  const s = delegationSummary(config, engine.getState(), engine.phaseSums);
  const pp = s.per_phase!;
  for (const slot of PHASE_SLOTS) {
    assert.equal(pp[slot].delegations, s.delegations_per_phase[slot]);
    const rows = recs.filter((r) => phaseSlotName(r.phase, r.bonus) === slot);
    close(pp[slot].payments, rows.reduce((a, r) => a + r.price, 0), `${slot} payments`);
    if (rows.length > 0) {
      close(pp[slot].mean_reward!, rows.reduce((a, r) => a + r.reward, 0) / rows.length, slot);
    } else assert.equal(pp[slot].mean_reward, null, `${slot}: no delegations, no mean`);
  }
  for (const id of ["1", "2", "3"]) {
    const n = PHASE_SLOTS.reduce((a, slot) => a + pp[slot].providers[id].delegations, 0);
    assert.equal(n, s.provider_stats[id].delegations);
    const u = PHASE_SLOTS.reduce((a, slot) => a + pp[slot].providers[id].total_user_utility, 0);
    close(u, s.provider_stats[id].user_utility, `provider ${id} user utility`);
  }
  // the paper's phases 1-3 as a frame: exploration then incentive, with their providers
  const frame = phaseTable(pp);
  assert.deepEqual(frame.columns.slice(0, 4), [
    "phase",
    "paper_phase",
    "provider_id",
    "delegations",
  ]);
  assert.deepEqual(
    frame.filter(pl.col("provider_id").eq(0)).getColumn("phase").toArray(),
    [...PHASE_SLOTS],
  );
});

Deno.test("per phase: unknown after a restore past the start (not part of the state)", () => {
  const config = parseDelegationConfig({ T: 200 });
  const a = new DelegationEngine(config);
  playAll(a, 1, (p) => a.fallbackAction(p));
  const b = new DelegationEngine(config);
  b.setState(JSON.parse(JSON.stringify(a.getState())));
  assert.equal(b.phaseSums, null);
  assert.equal(delegationSummary(config, b.getState(), b.phaseSums).per_phase, null);
  b.reset({ seed: 1 });
  const known = b.phaseSums as Float64Array | null; // (not narrowed to null by the assert above)
  assert.ok(known && known.every((x) => x === 0), "a reset knows them again");
});

Deno.test("delegation with pricing: markups in the rows, per-phase figures, summary, provenance, banner", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-pricing-" });
  const cfgPath = join(dir, "c.json");
  // surge, fixed (the list price), undercut: the pricing of each provider, defaults filled in
  const providers = parseDelegationConfig({}).providers.map(({ name: _, ...p }, i) => ({
    ...p,
    pricing: { policy: ["surge", "fixed", "undercut"][i] },
  }));
  await Deno.writeTextFile(cfgPath, JSON.stringify({ T: 400, providers }));
  const reports = join(dir, "rep");
  const r = await runCli([
    "delegation",
    "--config",
    cfgPath,
    "--seed",
    "3",
    "--out",
    join(dir, "run"),
    "--reports",
    reports,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const run = join(dir, "run");
  const s = await readJson(join(run, "summary.json"));
  assert.deepEqual(s.pricing, {
    dynamic: true,
    outside_paper_assumptions: true,
    policies: { "1": "surge", "2": "fixed", "3": "undercut" },
  });
  assert.equal(s.regret, null);
  assert.match(s.regret_note, /^dynamic pricing/);
  assert.equal(s.counterfactual, null);
  assert.deepEqual(s.providers["1"].pricing, { policy: "surge", step: 0.01, cap: 2 });
  const config = await readJson(join(run, "config.json"));
  assert.deepEqual(config.config.providers[2].pricing, {
    policy: "undercut",
    step: 0.05,
    floor: 0.5,
  });
  assert.equal(config.provenance.pricing.dynamic, true);
  assert.deepEqual(config.provenance.pricing.specs["2"], { policy: "fixed", markup: 1 });
  const rows = await readJsonl(join(run, "decisions.jsonl"), DelegationDecisionSchema);
  assert.ok(rows.filter((x) => x.provider_id === 2).every((x) => x.markup === undefined));
  assert.ok(rows.filter((x) => x.provider_id !== 2).every((x) => typeof x.markup === "number"));
  assert.ok(rows.some((x) => x.markup! > 1) && rows.some((x) => x.markup! < 1));
  // the summary's per-phase table equals the rows grouped by Polars
  const df = await loadDelegationDecisions(run);
  assert.ok(df.columns.includes("markup"));
  const fromRows = phaseTableFromDecisions(df).toRecords();
  const fromSummary = phaseTable(s.per_phase).toRecords();
  assert.equal(fromRows.length, fromSummary.length);
  fromSummary.forEach((want, i) => {
    for (const [k, v] of Object.entries(want)) {
      const got = fromRows[i][k];
      if (typeof v === "number") close(got as number, v, `row ${i} ${k}`);
      else assert.equal(got, v, `row ${i} ${k}`);
    }
  });
  const markups = markupTable(df).toRecords();
  assert.deepEqual([...new Set(markups.map((m) => m.provider_id))], [1, 3]);
  assert.ok(markups.some((m) => m.provider_id === 1 && (m.max_markup as number) > 1));
  // undercut: the list price until the user first comes back, below it after
  assert.ok(markups.every((m) => m.provider_id !== 3 || (m.max_markup as number) <= 1));
  assert.ok(markups.some((m) => m.provider_id === 3 && (m.min_markup as number) < 1));
  const html = await Deno.readTextFile(join(reports, "run", "report.html"));
  assert.match(html, /Outside the paper&#39;s assumptions|Outside the paper's assumptions/);
  assert.match(html, /Per phase/);
  assert.match(html, /surge \(step 0\.01, cap 2\)/);
});

Deno.test("pricing as a flag value: one policy per provider, known names, params kept", () => {
  const c = applyDelegationFlags({}, { pricing: "surge,fixed,undercut" });
  const specs = (c.providers as { pricing: unknown }[]).map((p) => p.pricing);
  assert.deepEqual(specs, [{ policy: "surge" }, { policy: "fixed" }, { policy: "undercut" }]);
  const kept = applyDelegationFlags(
    { providers: [{ models: ["o1"], eta: 1, pricing: { policy: "surge", step: 0.2 } }] },
    { pricing: "surge" },
  );
  assert.deepEqual((kept.providers as { pricing: unknown }[])[0].pricing, {
    policy: "surge",
    step: 0.2,
  });
  assert.throws(
    () => applyDelegationFlags({}, { pricing: "surge,fixed" }),
    /--pricing: 2 pricing policies for 3 providers/,
  );
  assert.throws(
    () => applyDelegationFlags({}, { pricing: "surge,fixed,auction" }),
    /--pricing: unknown pricing policy 'auction'/,
  );
});

Deno.test("a sweep over a provider's pricing: each cell's config and summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-pricing-sweep-" });
  const gridPath = join(dir, "grid.json");
  const providers = parseDelegationConfig({}).providers.map(({ name: _, ...p }) => p);
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({
      experiment: "delegation",
      base: { T: 300, providers },
      grid: { "providers.1.pricing": [{ policy: "fixed" }, { policy: "phase", exploitation: 2 }] },
    }),
  );
  const out = join(dir, "sw");
  const r = await runCli(["--sweep", gridPath, "--seeds", "0..0", "--out", out, "--quiet"]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.deepEqual(rows.map((x) => x.status), ["completed", "completed"]);
  const policies = [];
  for (const row of rows) {
    const s = await readJson(join(out, row.run, "summary.json"));
    const c = await readJson(join(out, row.run, "config.json"));
    policies.push([s.pricing.policies["2"], c.config.providers[1].pricing.policy]);
  }
  assert.deepEqual(policies.sort(), [["fixed", "fixed"], ["phase", "phase"]]);
});

Deno.test("study frames: the rows, the heatmap and utility by own strategy as DataFrames", () => {
  const rows = runStudy({ config: parseDelegationConfig({ T: 150 }), seeds: [1, 2] });
  const df = studyFrame(rows);
  assert.equal(df.height, 128);
  const cells = heatmapCells(df);
  assert.deepEqual(cells.columns, ["row", "column", "user_utility", "runs"]);
  assert.equal(cells.height, 64 / 4 * 4);
  const first = Object.values(cells.toRecords()[0]);
  const same = rows.filter((r) => r.strategy_combination === "honest-honest-honest");
  assert.deepEqual(first.slice(0, 2), ["honest-honest", "honest"]);
  close(
    first[2] as number,
    same.reduce((a, r) => a + Number(r.total_user_utility), 0) / 2,
    "mean of two seeds",
  );
  const own = utilityByOwnStrategy(rows);
  assert.equal(own.height, 12);
  assert.deepEqual(own.getColumn("runs").toArray(), new Array(12).fill(32));
});
