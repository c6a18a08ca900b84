/**
 * The society report as data (`societyReport` returns a `ReportDocument` and writes
 * nothing): its sections and values from the run directory, the red banner of an invalid
 * run, and the charts switching from one line per citizen to distributions above 30
 * citizens.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Block, ChartBlock, ReportDocument, TableBlock } from "../../../lib/core/document.ts";
import { documentCharts } from "../../../lib/core/document.ts";
import { usesDistributions } from "../../../lib/engines/society/report_charts.ts";
import { PER_CITIZEN_CHART_LIMIT } from "../../../lib/engines/society/distribution_charts.ts";
import { societyRunExperiment } from "../../../lib/engines/society/build.ts";
import { societyReport } from "../../../lib/engines/society/report.ts";
import { openRun, runToEnd } from "../../../lib/run/open.ts";

async function finishedRun(root: string, config: Record<string, unknown>): Promise<string> {
  const out = join(root, `run-${JSON.stringify(config).replace(/\W/g, "")}`);
  await runToEnd(
    await openRun({
      experiment: societyRunExperiment as never,
      config,
      seed: 4,
      out,
      reportsRoot: null,
    }),
  );
  return out;
}

const section = (doc: ReportDocument, title: string) => {
  const s = doc.sections.find((x) => x.title.startsWith(title));
  assert.ok(s, `no section ${title}`);
  return s;
};
const tableOf = (blocks: readonly Block[]): TableBlock | undefined => {
  for (const b of blocks) {
    if ("table" in b) return b.table;
    if ("details" in b) return tableOf(b.details.blocks)!;
  }
  return undefined;
};
const chart = (doc: ReportDocument, file: string): ChartBlock => {
  const c = documentCharts(doc).find((x) => x.file === file);
  assert.ok(c, `no chart ${file}`);
  return c;
};
/** Every field an encoding channel names, anywhere in a spec. */
function fields(spec: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(spec)) spec.forEach((x) => fields(x, out));
  else if (spec && typeof spec === "object") {
    for (const [k, v] of Object.entries(spec)) {
      if (k === "field" && typeof v === "string") out.add(v);
      else if (k !== "data") fields(v, out);
    }
  }
  return out;
}

Deno.test("society report: the document's sections and values come from the run directory", async () => {
  const root = await Deno.makeTempDir({ prefix: "lab-society-report-" });
  try {
    const dir = await finishedRun(root, { citizens: 6, days: 4 });
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    const doc = await societyReport(dir);
    assert.deepEqual(
      await Array.fromAsync(Deno.readDir(dir), (e) => e.name).then((n) => n.sort()),
      [
        "checkpoints.jsonl",
        "config.json",
        "decisions.jsonl",
        "events.jsonl",
        "llm_calls.jsonl",
        "summary.json",
      ],
      "the report writes nothing",
    );
    assert.match(doc.title, /^Society run run-/);
    assert.deepEqual(doc.banners, [], "a scripted run is valid: no banner");
    assert.deepEqual(doc.sections.map((s) => s.title), [
      "Overview",
      "Verdicts",
      "GovSim measures (Piatti et al. 2024, adapted)",
      "Proposals",
      "Charts",
      "Citizens",
      "Against the rational baseline (stage-game regret)",
      "Configuration",
    ], "no LLM section without LLM calls");
    const intro = doc.intro![0] as { text: string };
    assert.match(
      intro.text,
      new RegExp(`^${summary.survivors.length} of 6 citizens alive after 4 days`),
    );
    const overview = tableOf(section(doc, "Overview").blocks)!;
    const row = (k: string) => overview.rows.find((r) => r[0] === k)![1];
    assert.equal(row("eliminations by starvation"), summary.eliminations.by_starvation);
    assert.equal(row("final system efficiency"), summary.final_efficiency);
    const gov = tableOf(section(doc, "GovSim").blocks)!;
    assert.equal(gov.rows.find((r) => r[0] === "equality")![1], summary.govsim.equality);
    const proposals = tableOf(section(doc, "Proposals").blocks)!;
    for (const [type, made] of Object.entries(summary.proposals.made)) {
      assert.equal(proposals.rows.find((r) => r[0] === type)![1], made, type);
    }
    const citizens = tableOf(section(doc, "Citizens").blocks)!;
    assert.equal(citizens.rows.length, 6);
    assert.deepEqual(
      citizens.rowTones,
      Object.values(summary.per_citizen).map((
        c,
      ) => ((c as { alive: boolean }).alive ? null : "bad")),
    );
    const granted = citizens.header.indexOf("granted");
    for (const r of citizens.rows) {
      assert.equal(r[granted], summary.per_citizen[r[0] as string].granted);
    }
    // the charts: specs with their data inline, the survival curve first
    const charts = documentCharts(doc);
    assert.deepEqual(charts.map((c) => c.file), [
      "survival.svg",
      "health.svg",
      "efficiency.svg",
      "grants.svg",
      "fair_share.svg",
      "proposals.svg",
      "tokens.svg",
    ]);
    const survival = chart(doc, "survival.svg").spec as {
      data: { values: { day: number; alive: number }[] };
    };
    assert.deepEqual(survival.data.values.at(0), { day: 0, alive: 6, share: 1 });
    assert.equal(survival.data.values.at(-1)!.alive, summary.survivors.length);
    // invalid run: the red banner, from summary.validity alone
    summary.validity = {
      llm_decisions: 24,
      fallbacks: 20,
      fallback_share: 20 / 24,
      max_fallback_share: 0.1,
      valid: false,
    };
    await Deno.writeTextFile(join(dir, "summary.json"), JSON.stringify(summary));
    const invalid = await societyReport(dir);
    assert.equal(invalid.banners?.length, 1);
    assert.equal(invalid.banners![0].tone, "bad");
    assert.match(invalid.banners![0].text, /^Not a finding: 20 of 24 LLM decisions/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("society report charts: one line per citizen up to 30 citizens, distributions above", async () => {
  assert.equal(PER_CITIZEN_CHART_LIMIT, 30);
  assert.deepEqual([usesDistributions(30), usesDistributions(31)], [false, true]);
  const root = await Deno.makeTempDir({ prefix: "lab-society-scale-" });
  try {
    const small = await societyReport(await finishedRun(root, { citizens: 30, days: 3 }));
    const large = await societyReport(
      await finishedRun(root, { citizens: 31, days: 3, resources: 3000 }),
    );
    for (const file of ["health.svg", "grants.svg", "fair_share.svg"]) {
      assert.ok(fields(chart(small, file).spec).has("agent"), `30 citizens: ${file} per citizen`);
      const f = fields(chart(large, file).spec);
      assert.ok(!f.has("agent"), `31 citizens: ${file} has no per-citizen channel`);
    }
    for (const file of ["health.svg", "grants.svg"]) {
      const f = fields(chart(large, file).spec);
      for (const q of ["p10", "p25", "p50", "p75", "p90"]) assert.ok(f.has(q), `${file}: ${q}`);
    }
    // the bands are the distribution of the decision rows: day 1's median grant
    const bands = (chart(large, "grants.svg").spec as {
      layer: { data: { values: { day: number; n: number; p50: number }[] } }[];
    }).layer[0].data.values;
    assert.equal(bands[0].n, 31, "every citizen acted on day 1");
    assert.ok(fields(chart(large, "proposals.svg").spec).has("count"));
    assert.ok(!fields(chart(small, "proposals.svg").spec).has("count"));
    // long per-citizen tables fold away above the limit
    const folded = (doc: ReportDocument) =>
      doc.sections.find((s) => s.title === "Citizens")!.blocks.some((b) => "details" in b);
    assert.deepEqual([folded(small), folded(large)], [false, true]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
