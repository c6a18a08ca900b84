/**
 * The delegation reports as data: a run's document (verdicts, who played which strategy,
 * the configuration, charts as specs, the validity banner) built from a run directory made
 * by hand, and the two study documents.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Block, ReportDocument, TableBlock } from "../../../lib/core/document.ts";
import { documentCharts } from "../../../lib/core/document.ts";
import { documentMarkdown } from "../../../lib/reports/render_document.ts";
import { parseDelegationConfig } from "../../../lib/engines/delegation/config.ts";
import { DelegationEngine } from "../../../lib/engines/delegation/engine.ts";
import { createStrategyAgent } from "../../../lib/engines/delegation/strategies.ts";
import { delegationSummary, PHASE_SLOTS } from "../../../lib/engines/delegation/summary.ts";
import { delegationReport } from "../../../lib/engines/delegation/report.ts";
import {
  counterfactualStudyReport,
  strategyStudyReport,
} from "../../../lib/engines/delegation/report_study.ts";
import { runStudy } from "../../../lib/engines/delegation/study.ts";
import {
  regretSeries,
  runCounterfactualStudy,
} from "../../../lib/engines/delegation/counterfactual_study.ts";

const STRATEGIES = ["honest", "ours", "worst"];

/** Plays a run and writes the files a run directory holds, by hand. */
async function makeRunDir(options: { rows: boolean; validity?: Record<string, unknown> }) {
  const dir = await Deno.makeTempDir({ prefix: "lab-deleg-report-" });
  const raw = { T: 300, rng: "python" };
  const config = parseDelegationConfig(raw);
  const engine = new DelegationEngine(config);
  const agents = engine.agents.map((p, i) => createStrategyAgent(engine, p, STRATEGIES[i]));
  let view = engine.reset({ seed: 5 });
  const lines: string[] = [];
  while (!engine.isDone()) {
    const name = engine.agents[engine.actor];
    const i = engine.actor;
    const d = agents[i].act({
      agent: name,
      round: engine.round + 1,
      observation: view.observations[name],
      info: view.infos[name],
    }) as { action: string };
    view = engine.step({ [name]: d.action });
    const r = view.infos[name].delegation!;
    const phase = r.bonus ? "bonus" : PHASE_SLOTS[r.phase === 1 ? 0 : r.phase === 2 ? 1 : r.phase];
    lines.push(JSON.stringify({ agent: name, time: r.time, phase, model: r.model }));
  }
  const summary = {
    ...delegationSummary(config, engine.getState(), engine.phaseSums),
    seed: 5,
    rng: "python",
    records: "synthetic",
    providers: Object.fromEntries(config.providers.map((p, i) => [String(i + 1), {
      name: p.name,
      kind: `policy:${STRATEGIES[i]}`,
      models: p.models,
      eta: p.eta,
    }])),
    ...(options.validity ? { validity: options.validity } : {}),
  };
  await Deno.writeTextFile(join(dir, "summary.json"), JSON.stringify(summary));
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({ experiment: "delegation", seed: 5, config }),
  );
  await Deno.writeTextFile(join(dir, "decisions.jsonl"), options.rows ? lines.join("\n") : "");
  return { dir, summary };
}

const section = (doc: ReportDocument, title: string) => {
  const s = doc.sections.find((x) => x.title === title);
  assert.ok(s, `section '${title}' in ${doc.sections.map((x) => x.title).join(", ")}`);
  return s;
};
const tableOf = (blocks: readonly Block[], i = 0): TableBlock => {
  const tables = blocks.filter((b): b is { table: TableBlock } => "table" in b);
  return tables[i].table;
};

Deno.test("run report: sections, who played which strategy, configuration, charts as specs", async () => {
  const { dir, summary } = await makeRunDir({ rows: true });
  const doc = await delegationReport(dir);
  assert.deepEqual(doc.sections.map((s) => s.title), [
    "Verdicts",
    "Providers and their strategies",
    "Against the counterfactual users",
    "Providers' stage-game regret",
    "Mechanism",
    "Per phase",
    "Charts",
    "Providers",
    "Configuration",
  ]);
  assert.deepEqual(doc.banners, [], "a valid run with fixed prices has no banner");
  // per phase: a row over all providers per phase slot, then one per provider that served
  const phases = tableOf(section(doc, "Per phase").blocks);
  const pcol = (name: string) => phases.header.indexOf(name);
  const all = phases.rows.filter((r) => r[pcol("provider")] === "all");
  assert.deepEqual(all.map((r) => r[pcol("phase")]), [...PHASE_SLOTS]);
  assert.deepEqual(all.map((r) => r[pcol("paper phase")]), [1, 2, 2, 2, 3]);
  assert.deepEqual(
    all.map((r) => r[pcol("delegations")]),
    PHASE_SLOTS.map((p) => summary.delegations_per_phase[p]),
  );
  const explore = summary.per_phase!.exploration;
  assert.equal(all[0][pcol("mean reward")], explore.mean_reward);
  assert.equal(all[0][pcol("payments")], explore.payments);
  // configuration: each provider's pricing, the list price when the config gives none
  const cfg = tableOf(section(doc, "Configuration").blocks);
  assert.ok(
    cfg.rows.every((r) => /^fixed \(markup 1\)/.test(String(r[cfg.header.indexOf("pricing")]))),
  );
  const strategies = tableOf(section(doc, "Providers and their strategies").blocks);
  const col = (name: string) => strategies.header.indexOf(name);
  assert.deepEqual(strategies.rows.map((r) => r[col("provider")]), [
    "provider_1",
    "provider_2",
    "provider_3",
  ]);
  assert.deepEqual(strategies.rows.map((r) => r[col("strategy")]), STRATEGIES);
  assert.deepEqual(strategies.rows.map((r) => r[col("eta")]), [0.2, 0.6, 0.4]);
  assert.deepEqual(strategies.rows.map((r) => r[col("best (billed)")]), ["o1", "o3-mini", "gpt-4"]);
  assert.deepEqual(strategies.rows.map((r) => r[col("cheapest")]), [
    "gpt-4o-mini",
    "deepseek-v3",
    "gpt-35-turbo",
  ]);
  // the strategic provider's switch point is the run's planned x second-best utility
  const ours = String(strategies.rows[1][col("parameters")]);
  assert.match(ours, new RegExp(`planned ${summary.planned} x second-best utility`));
  const kv = section(doc, "Configuration").blocks.find((b) => "kv" in b) as {
    kv: [string, unknown][];
  };
  const config = Object.fromEntries(kv.kv);
  assert.equal(config.T, 300);
  assert.equal(config.rng, "python");
  assert.equal(config.epsilon, 0.2);
  const charts = documentCharts(doc);
  assert.deepEqual(charts.map((c) => c.file), ["timeline.svg", "phases.svg", "utilities.svg"]);
  for (const c of charts) assert.ok(c.spec.$schema || c.spec.mark || c.spec.layer || c.spec.facet);
  const mech = Object.fromEntries(tableOf(section(doc, "Mechanism").blocks).rows);
  assert.equal(mech.B, summary.B);
  assert.equal(mech.planned, summary.planned);
  assert.match(documentMarkdown(doc), /## Providers and their strategies/);
});

Deno.test("run report: no rows, no timeline and the caption says why; invalid run, red banner", async () => {
  const validity = {
    llm_decisions: 10,
    fallbacks: 9,
    fallback_share: 0.9,
    max_fallback_share: 0.1,
    valid: false,
  };
  const { dir } = await makeRunDir({ rows: false, validity });
  const doc = await delegationReport(dir);
  assert.equal(doc.banners?.length, 1);
  assert.equal(doc.banners![0].tone, "bad");
  assert.match(doc.banners![0].text, /^Not a finding: 9 of 10/);
  const charts = documentCharts(doc);
  assert.deepEqual(charts.map((c) => c.file), ["phases.svg", "utilities.svg"]);
  assert.match(charts[0].caption, /logged no decision rows/);
  const cf = section(doc, "Providers' stage-game regret");
  assert.ok(cf.blocks.some((b) => "text" in b && /^Not computed:/.test(b.text)));
});

Deno.test("strategy study report: three charts and the reference side by side", () => {
  const config = parseDelegationConfig({ T: 100 });
  const rows = runStudy({ config, seeds: [1], strategies: ["honest", "worst"] });
  const comparison = rows.map((r) => ({
    strategy_combination: String(r.strategy_combination),
    total_user_utility: Number(r.total_user_utility),
    reference_user_utility: Number(r.total_user_utility),
    total_delegations: Number(r.total_delegations),
    reference_delegations: Number(r.total_delegations),
    best_provider: Number(r.best_provider),
    reference_best_provider: String(r.best_provider),
    max_difference: 0,
  }));
  const doc = strategyStudyReport({
    rows,
    timeline: [{ time: 0, provider: "provider_1", phase: "exploration", model: "o1" }],
    timelineRun: "honest-honest-honest, seed 1",
    intro: ["a test study"],
    comparison,
    reference: "self",
  });
  assert.deepEqual(documentCharts(doc).map((c) => c.file), [
    "heatmap.svg",
    "provider_utility.svg",
    "timeline.svg",
  ]);
  const side = section(doc, "Side by side with the reference table");
  assert.match((side.blocks[0] as { text: string }).text, /equal in 8;/);
  assert.equal(tableOf(side.blocks).rows.length, 8);
});

Deno.test("counterfactual study report: answer, combinations, regret series", () => {
  const config = parseDelegationConfig({ T: 150 });
  const rows = runCounterfactualStudy({
    config,
    seeds: [1, 2],
    combinations: [["ours", "ours", "ours"]],
  });
  const series = regretSeries({ config, horizons: [100, 150], seeds: [1, 2] });
  const doc = counterfactualStudyReport({ rows, series, intro: ["test"] });
  assert.deepEqual(doc.sections.map((s) => s.title), [
    "Answer",
    "By strategy combination",
    "Gap to the best fixed provider as T grows",
  ]);
  const verdicts = tableOf(section(doc, "Answer").blocks);
  assert.deepEqual(verdicts.rows.slice(0, 3).map((r) => r[0]), [
    "honesty_vs_no_mechanism",
    "user_utility_vs_no_mechanism",
    "audit_separates",
  ]);
  assert.equal(
    tableOf(section(doc, "By strategy combination").blocks).rows[0][0],
    "ours-ours-ours",
  );
  assert.deepEqual(documentCharts(doc).map((c) => c.file), ["regret_series.svg"]);
});
