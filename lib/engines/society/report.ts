/**
 * The report of a society run, written from its run directory alone: overview, verdicts,
 * the GovSim measures, proposals by type, one line per citizen, six charts (health with
 * deaths and revivals, efficiency, grants stacked by citizen, grants against the fair
 * share, the proposals timeline, game tokens against the budget), each citizen's play
 * against the rational baseline (stage-game regret, {@linkcode baselineSections}) and, for
 * LLM runs, the usage table, reflections and transcripts.
 *
 * Data ({@linkcode societyReportData}), charts ({@linkcode societyReportCharts}) and markup
 * ({@linkcode societyReportMarkdown}, {@linkcode societyReportHtml}) are separate; only
 * {@linkcode writeSocietyReport} reads and writes files.
 *
 * @module
 */
import { basename, join } from "node:path";
import type pl from "nodejs-polars";
import type { TopLevelSpec } from "vega-lite";
import { loadLlmCalls } from "../../analysis/frames.ts";
import { toSvg } from "../../charts/render.ts";
import {
  escapeHtml,
  htmlPage,
  htmlTable,
  mdTable,
  validityBanner,
  validityNote,
  type ValidityView,
} from "../../reports/html.ts";
import { type Part, type Section, sectionsHtml, sectionsMd } from "../../reports/sections.ts";

/** A report section and its parts: the shared document model (`lib/reports/sections.ts`). */
export type { Part, Section };

/** A table: header and rows. */
export interface Table {
  /** Column names. */
  header: string[];
  /** One array of cells per row, in `header` order. */
  rows: unknown[][];
}
import {
  type BudgetView,
  type CallView,
  type DecisionView,
  llmSectionHtml,
  llmSectionMd,
} from "../../reports/llm_section.ts";
import {
  dailyFrame,
  grantsFrame,
  grantTotalsFrame,
  healthFrame,
  loadSocietyRun,
  proposalCountsFrame,
  proposalsFrame,
  type SocietyRun,
  tokensFrame,
} from "./analysis.ts";
import {
  type DailyRow,
  efficiencyChart,
  fairShareChart,
  type GrantRow,
  grantsChart,
  type GrantTotalRow,
  healthChart,
  type HealthRow,
  type ProposalRow,
  proposalsChart,
  type TokenRow,
  tokensChart,
} from "./charts.ts";
import type { AgentRegret } from "../../core/regret.ts";
import type { SocietyBaselineLine } from "./stage_regret.ts";

/**
 * The section "Against the rational baseline": each citizen's grants beside what the myopic
 * best response would have been granted on the same days, and its stage-game regret, from
 * `summary.json` (`regret`, `rational_baseline`, `regret_note`). A summary without them (an
 * older run) gets a line saying so.
 *
 * @param summary The run's `summary.json`.
 * @returns One section.
 *
 * @example
 * ```ts
 * import { baselineSections } from "./report.ts";
 * console.log(baselineSections({})[0].title); // Against the rational baseline (stage-game regret)
 * ```
 */
export function baselineSections(summary: Record<string, unknown>): Section[] {
  const title = "Against the rational baseline (stage-game regret)";
  const regret = summary.regret as Record<string, AgentRegret> | undefined;
  const base = summary.rational_baseline as Record<string, SocietyBaselineLine> | undefined;
  if (!regret || !base) {
    return [{ title, parts: [{ text: "Not computed: this summary has no regret." }] }];
  }
  const per = (summary.per_citizen ?? {}) as Record<string, Record<string, unknown>>;
  const rows = Object.keys(base).map((name) => {
    const b = base[name];
    const r = regret[name];
    return [
      name,
      per[name]?.kind ?? "",
      b.decisions,
      b.request_days,
      fmt(b.mean_request, 1),
      b.earned,
      b.best_response_total,
      fmt(b.earned_share),
      fmt(r?.mean, 1),
      fmt(r?.total, 1),
      r?.near_best_share === null || r === undefined ? "–" : fmt(r.near_best_share),
    ];
  });
  return [{
    title,
    parts: [
      { text: String(summary.regret_note ?? "") },
      {
        text:
          "The baseline is the myopic best response: on a day whose grants follow the requests, the request that takes the whole available pool against the others' requests (the policy best_response plays it). An earned share near 1 is myopically rational play; a low share is restraint. One seed: these are this run's figures, not intervals.",
      },
      {
        table: {
          header: [
            "citizen",
            "kind",
            "decisions",
            "days the request decided the grant",
            "mean request on those days",
            "granted",
            "baseline granted",
            "granted / baseline",
            "stage regret mean",
            "stage regret total",
            "near-best share (LLM seats)",
          ],
          rows,
        },
      },
    ],
  }];
}

/** Everything the report shows, computed from a run. */
export interface SocietyReportData {
  /** The run id (its directory's name). */
  id: string;
  /** The run's seed. */
  seed: number;
  /** The citizens' names, in config order. */
  citizens: string[];
  /** The run's validity check, or `undefined` when the summary has none. */
  validity: ValidityView | undefined;
  /** One sentence: survivors, days played, end reason and the two verdicts. */
  headline: string;
  /** Headline figures of the run (days, survivors, eliminations, resources, tokens...). */
  overview: Table;
  /** The `survived_all` and `collapse` verdicts with their conditions. */
  verdicts: Table;
  /** The GovSim measures. */
  govsim: Table;
  /** Proposals made, passed, and passed and applied, by type. */
  proposals: Table;
  /** One line per citizen. */
  perCitizen: Table;
  /** Each citizen against the rational baseline ({@linkcode baselineSections}). */
  baseline: Section[];
  /** The run's config, one line per field. */
  config: Table;
  /** The frames behind the charts (see `analysis.ts`). */
  frames: {
    health: pl.DataFrame;
    daily: pl.DataFrame;
    grants: pl.DataFrame;
    totals: pl.DataFrame;
    proposals: pl.DataFrame;
    tokens: pl.DataFrame;
  };
  /** The config's `min_efficiency` (the efficiency chart's floor). */
  minEfficiency: number;
  /** The config's game-token budget. */
  budget: number;
  /** An equal split of what the pool could give over the run. */
  fairShare: number;
  /** The run's LLM calls (empty for a scripted run). */
  calls: CallView[];
  /** `agent` and `fallback` of each decision, for the LLM section. */
  decisionViews: DecisionView[];
  /** The run's LLM budget use (`summary.llm_budget`), when it had one. */
  llmBudget?: BudgetView;
}

/** A chart of the report: its SVG file, caption and spec. */
export interface ReportChart {
  /** The SVG file name, e.g. `health.svg`. */
  file: string;
  /** One sentence saying what the chart shows. */
  caption: string;
  /** The Vega-Lite spec. */
  spec: TopLevelSpec;
}

const num = (v: unknown, fallback = 0) => (typeof v === "number" ? v : fallback);
const fmt = (x: unknown, digits = 3) =>
  typeof x === "number" && Number.isFinite(x) ? String(Number(x.toFixed(digits))) : "n/a";
const verdictText = (v: unknown) => v === true ? "yes" : v === false ? "no" : String(v ?? "n/a");

function overviewTable(s: Record<string, unknown>, citizens: number): Table {
  const el = s.eliminations as { by_vote: number; by_starvation: number; total: number };
  const gt = s.game_tokens as { consumed: number; budget: number; share: number };
  const llm = s.llm as {
    calls: number;
    input_tokens: number;
    output_tokens: number;
    cached_tokens: number;
  };
  return {
    header: ["measure", "value"],
    rows: [
      ["days played / limit", `${s.days_played} / ${s.day_limit}`],
      ["end reason", s.end_reason ?? "not finished"],
      ["survivors", `${(s.survivors as string[]).length} of ${citizens}`],
      ["eliminations by vote", el.by_vote],
      ["eliminations by starvation", el.by_starvation],
      ["revivals", s.revivals],
      ["final system efficiency", fmt(s.final_efficiency)],
      [
        "resources remaining / wasted",
        `${fmt(s.remaining_resources, 1)} / ${fmt(s.resources_wasted, 1)}`,
      ],
      [
        "game tokens consumed / budget",
        `${gt.consumed} / ${gt.budget} (${fmt(gt.share * 100, 1)}%)`,
      ],
      ["allocation Gini", fmt(s.allocation_gini)],
      ["messages / meetings", `${s.messages} / ${s.meetings}`],
      [
        "real LLM tokens (input / cached / output)",
        llm?.calls
          ? `${llm.input_tokens} / ${llm.cached_tokens} / ${llm.output_tokens} in ${llm.calls} calls`
          : "no LLM calls",
      ],
      ["real LLM tokens per citizen-day", fmt(s.llm_tokens_per_citizen_day, 1)],
    ],
  };
}

function govsimTable(s: Record<string, unknown>): Table {
  const g = s.govsim as Record<string, number | boolean>;
  return {
    header: ["GovSim measure", "value", "meaning"],
    rows: [
      ["survival time", g.survival_time, "days until the end"],
      ["survived all", verdictText(g.survived_all), "day limit reached with everyone alive"],
      ["total gain", g.total_gain, "resources granted over the run"],
      [
        "efficiency",
        fmt(g.efficiency),
        "granted / what the pool could give (resources x initial efficiency)",
      ],
      ["equality", fmt(g.equality), "1 - Gini of the resources granted per AI"],
      ["over-usage", fmt(g.over_usage), "share of requests above the fair share available / alive"],
    ],
  };
}

function citizenTable(s: Record<string, unknown>): Table {
  const per = s.per_citizen as Record<string, Record<string, unknown>>;
  return {
    header: [
      "citizen",
      "kind",
      "alive",
      "health",
      "requested",
      "granted",
      "days acted",
      "died on",
      "voted out",
      "starved",
      "revived",
      "actions done / dropped",
    ],
    rows: Object.entries(per).map(([name, c]) => [
      name,
      c.model && !String(c.kind).includes(String(c.model)) ? `${c.kind} / ${c.model}` : c.kind,
      c.alive ? "yes" : "no",
      c.health,
      c.requested,
      c.granted,
      c.days_acted,
      c.died_on ?? "",
      c.eliminated_by_vote,
      c.starved,
      c.revived,
      `${c.actions_executed} / ${c.actions_dropped}`,
    ]),
  };
}

function configTable(run: SocietyRun): Table {
  const rows: unknown[][] = [["seed", run.seed]];
  for (const [k, v] of Object.entries(run.config)) {
    if (k === "citizens") {
      rows.push([
        k,
        `${(v as string[]).length}: ${(v as string[]).slice(0, 12).join(", ")}${
          (v as string[]).length > 12 ? ", ..." : ""
        }`,
      ]);
    } else rows.push([k, typeof v === "object" && v !== null ? JSON.stringify(v) : v]);
  }
  for (const a of run.agents ?? []) {
    rows.push([
      `agent ${a.name}`,
      a.provider === "policy" ? `policy ${a.policy}` : `${a.provider} ${a.model}`,
    ]);
  }
  return { header: ["parameter", "value"], rows };
}

/**
 * Computes everything the report shows from a loaded run.
 *
 * @param run The run ({@linkcode loadSocietyRun}).
 * @param calls The run's LLM calls frame.
 * @returns The report's data.
 * @throws {RangeError} When the run is not finished (no `summary.json`).
 */
export function societyReportData(run: SocietyRun, calls: pl.DataFrame): SocietyReportData {
  const s = run.summary;
  if (!s) throw new RangeError(`Cannot write society report: ${run.dir} has no summary.json`);
  const citizens = run.config.citizens as string[];
  const efficiency0 = num(run.config.initial_efficiency, 1);
  const daily = dailyFrame(run.events, efficiency0, citizens.length, num(run.config.days));
  const fairShare = num(run.config.resources) * efficiency0 / citizens.length;
  const grants = grantsFrame(run.decisions, daily);
  const proposals = proposalsFrame(run.events);
  const counts = proposalCountsFrame(proposals).toRecords();
  const validity = s.validity as ValidityView | undefined;
  return {
    id: basename(run.dir),
    seed: run.seed,
    citizens,
    validity,
    headline: `${
      (s.survivors as string[]).length
    } of ${citizens.length} citizens alive after ${s.days_played} days (${
      s.end_reason ?? "not finished"
    }); survived all: ${verdictText(s.survived_all)}; collapse: ${verdictText(s.collapse)}.`,
    overview: overviewTable(s, citizens.length),
    verdicts: {
      header: ["verdict", "value", "condition"],
      rows: [
        [
          "survived_all",
          verdictText(s.survived_all),
          "the day limit was reached with every citizen alive",
        ],
        ["collapse", verdictText(s.collapse), "fewer than half of the citizens alive at the end"],
      ],
    },
    govsim: govsimTable(s),
    proposals: {
      header: ["type", "made", "passed", "passed and applied"],
      rows: counts.map((c) => [c.type, c.made, c.passed, c.applied]),
    },
    perCitizen: citizenTable(s),
    baseline: baselineSections(s),
    config: configTable(run),
    frames: {
      health: healthFrame(run.decisions, run.events),
      daily,
      grants,
      totals: grantTotalsFrame(grants, fairShare),
      proposals,
      tokens: tokensFrame(run.decisions, num(run.config.token_budget)),
    },
    minEfficiency: num(run.config.min_efficiency, 0.5),
    fairShare,
    budget: num(run.config.token_budget),
    calls: calls.toRecords() as unknown as CallView[],
    decisionViews: run.decisions.height
      ? run.decisions.select("agent", "fallback").toRecords() as unknown as DecisionView[]
      : [],
    llmBudget: s.llm_budget as BudgetView | undefined,
  };
}

/** The report's charts (specs), from its data. */
export function societyReportCharts(d: SocietyReportData): ReportChart[] {
  const recs = <T>(df: pl.DataFrame) => df.toRecords() as unknown as T[];
  const daily = recs<DailyRow>(d.frames.daily);
  return [
    {
      file: "health.svg",
      caption:
        "Health of each citizen at the end of each day it acted; deaths and revivals marked.",
      spec: healthChart(recs<HealthRow>(d.frames.health), d.citizens),
    },
    {
      file: "efficiency.svg",
      caption:
        `System efficiency at the end of each day; dashed rule at its floor ${d.minEfficiency}.`,
      spec: efficiencyChart(daily, d.minEfficiency),
    },
    {
      file: "grants.svg",
      caption:
        "Resources granted per day, stacked by citizen; dashed line: the sustainable ration of the day (available / days left), above which the society eats into the days ahead.",
      spec: grantsChart(recs<GrantRow>(d.frames.grants), daily, d.citizens),
    },
    {
      file: "fair_share.svg",
      caption:
        `Resources granted per citizen over the run (bar) against the fair share (rule: resources x initial efficiency / citizens = ${
          fmt(d.fairShare, 1)
        }).`,
      spec: fairShareChart(recs<GrantTotalRow>(d.frames.totals), d.citizens),
    },
    {
      file: "proposals.svg",
      caption:
        "Proposals by the day they closed, type and outcome, labelled with the votes for:against.",
      spec: proposalsChart(recs<ProposalRow>(d.frames.proposals)),
    },
    {
      file: "tokens.svg",
      caption: `Game tokens consumed so far; dashed rule at the budget of ${d.budget}.`,
      spec: tokensChart(recs<TokenRow>(d.frames.tokens), d.budget),
    },
  ];
}

/** `report.md` (charts as the SVG files next to it). */
export function societyReportMarkdown(
  d: SocietyReportData,
  charts: readonly ReportChart[],
): string {
  const t = (x: Table) => mdTable(x.header, x.rows);
  return [
    `# Society run ${d.id}`,
    "",
    validityNote(d.validity),
    d.headline,
    "",
    "## Overview",
    "",
    t(d.overview),
    "",
    "## Verdicts",
    "",
    t(d.verdicts),
    "",
    "## GovSim measures (Piatti et al. 2024, adapted)",
    "",
    t(d.govsim),
    "",
    "## Proposals",
    "",
    t(d.proposals),
    "",
    "## Charts",
    "",
    ...charts.flatMap((c) => [`![${c.caption}](${c.file})`, "", `*${c.caption}*`, ""]),
    "## Citizens",
    "",
    t(d.perCitizen),
    "",
    ...sectionsMd(d.baseline),
    llmSectionMd(d.calls, d.decisionViews, d.llmBudget),
    "",
    "## Configuration",
    "",
    t(d.config),
    "",
  ].join("\n");
}

/** `report.html`, self-contained (charts inline as SVG). */
export function societyReportHtml(
  d: SocietyReportData,
  charts: readonly ReportChart[],
  svgs: readonly string[],
): string {
  const t = (x: Table) => htmlTable(x.header, x.rows);
  const figures = charts.map((c, i) =>
    `<figure>${svgs[i]}<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`
  );
  return htmlPage(
    `Society run ${d.id}`,
    [
      `<h1>Society run ${escapeHtml(d.id)}</h1>`,
      validityBanner(d.validity),
      `<p>${escapeHtml(d.headline)}</p>`,
      "<h2>Overview</h2>",
      t(d.overview),
      "<h2>Verdicts</h2>",
      t(d.verdicts),
      "<h2>GovSim measures (Piatti et al. 2024, adapted)</h2>",
      t(d.govsim),
      "<h2>Proposals</h2>",
      t(d.proposals),
      "<h2>Charts</h2>",
      ...figures,
      "<h2>Citizens</h2>",
      t(d.perCitizen),
      ...sectionsHtml(d.baseline),
      llmSectionHtml(d.calls, d.decisionViews, d.llmBudget),
      "<h2>Configuration</h2>",
      t(d.config),
    ].join("\n"),
  );
}

/**
 * Writes `report.md`, `report.html` and the chart SVGs of the society run in `runDir`.
 *
 * @param runDir A finished run directory.
 * @param outDir Where to write; created when missing.
 * @returns The path of `report.html`.
 * @throws {RangeError} When the run has no `summary.json`.
 */
export async function writeSocietyReport(runDir: string, outDir: string): Promise<string> {
  const run = await loadSocietyRun(runDir);
  const data = societyReportData(run, await loadLlmCalls(runDir));
  const charts = societyReportCharts(data);
  const svgs = await Promise.all(charts.map((c) => toSvg(c.spec)));
  await Deno.mkdir(outDir, { recursive: true });
  await Promise.all(charts.map((c, i) => Deno.writeTextFile(join(outDir, c.file), svgs[i])));
  await Deno.writeTextFile(join(outDir, "report.md"), societyReportMarkdown(data, charts));
  const html = join(outDir, "report.html");
  await Deno.writeTextFile(html, societyReportHtml(data, charts, svgs));
  return html;
}
