/**
 * The report of a society run as data: {@linkcode societyReport} reads the run directory
 * alone and returns a `ReportDocument` (`lib/core/document.ts`); it writes nothing (the run
 * layer or the CLI renders it with `writeDocument`). The document holds: a red banner when
 * the run is not valid (too many LLM fallbacks), the headline, overview, verdicts, the
 * GovSim measures, proposals by type, the charts (chosen by the run's size, see
 * `report_charts.ts`), one line per citizen, each citizen's play against the rational
 * baseline (stage-game regret, {@linkcode baselineSections}), for LLM runs the usage table,
 * reflections and transcripts (`lib/reports/llm_section.ts`), and the configuration.
 *
 * @example
 * ```ts ignore
 * import { societyReport } from "./report.ts";
 * const doc = await societyReport("data/runs/society-1");
 * console.log(doc.sections.map((s) => s.title));
 * ```
 * @module
 */
import { basename } from "node:path";
import type pl from "nodejs-polars";
import type { Block, DocSection, ReportDocument, TableBlock } from "../../core/document.ts";
import { loadLlmCalls } from "../../analysis/frames.ts";
import { validityBanners, type ValidityView } from "../../reports/html.ts";
import {
  type BudgetView,
  type CallView,
  type DecisionView,
  llmSection,
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
import { type ChartInputs, societyReportCharts, usesDistributions } from "./report_charts.ts";
import { parseSocietyConfig } from "./config.ts";
import { shelterRules } from "./shelter_rules.ts";
import {
  baselineTable,
  citizenTable,
  configTable,
  govsimTable,
  overviewTable,
  verdictsTable,
  verdictText,
} from "./report_tables.ts";

const BASELINE_TEXT =
  "The baseline is the myopic best response: on a day whose grants follow the requests, the request that takes the whole available pool against the others' requests (the policy best_response plays it). An earned share near 1 is myopically rational play; a low share is restraint. One seed: these are this run's figures, not intervals.";

/**
 * A long per-citizen table (more rows than the per-citizen chart limit) folds away.
 *
 * @param summary The line shown folded.
 * @param table The table.
 */
function foldable(summary: string, table: TableBlock): Block {
  return usesDistributions(table.rows.length)
    ? { details: { summary, blocks: [{ table }] } }
    : { table };
}

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
export function baselineSections(summary: Record<string, unknown>): DocSection[] {
  const title = "Against the rational baseline (stage-game regret)";
  if (!summary.regret || !summary.rational_baseline) {
    return [{ title, blocks: [{ text: "Not computed: this summary has no regret." }] }];
  }
  const table = baselineTable(summary);
  return [{
    title,
    blocks: [
      { text: String(summary.regret_note ?? "") },
      { text: BASELINE_TEXT },
      foldable(`Each of the ${table.rows.length} citizens against the baseline`, table),
    ],
  }];
}

/** Everything the report shows, computed from a run. */
export interface SocietyReportData extends ChartInputs {
  /** The run id (its directory's name). */
  id: string;
  /** The run's `summary.json`. */
  summary: Record<string, unknown>;
  /** The loaded run (for the configuration table). */
  run: SocietyRun;
  /** The run's LLM calls (empty for a scripted run). */
  calls: CallView[];
  /** `agent` and `fallback` of each decision, for the LLM section. */
  decisionViews: DecisionView[];
}

const num = (v: unknown, fallback = 0) => (typeof v === "number" ? v : fallback);

function framesOf(run: SocietyRun, fairShare: number): ChartInputs["frames"] {
  const citizens = run.config.citizens as string[];
  const efficiency0 = num(run.config.initial_efficiency, 1);
  const daily = dailyFrame(run.events, efficiency0, citizens.length, num(run.config.days));
  const grants = grantsFrame(run.decisions, daily);
  return {
    health: healthFrame(run.decisions, run.events),
    daily,
    grants,
    totals: grantTotalsFrame(grants, fairShare),
    proposals: proposalsFrame(run.events),
    tokens: tokensFrame(run.decisions, num(run.config.token_budget)),
  };
}

/**
 * Computes what the report shows from a loaded run.
 *
 * @param run The run ({@linkcode loadSocietyRun}).
 * @param calls The run's LLM calls frame.
 * @returns The report's data.
 * @throws {RangeError} When the run is not finished (no `summary.json`).
 */
export function societyReportData(run: SocietyRun, calls: pl.DataFrame): SocietyReportData {
  const summary = run.summary;
  if (!summary) throw new RangeError(`Cannot build society report: ${run.dir} has no summary.json`);
  const citizens = run.config.citizens as string[];
  const fairShare = num(run.config.resources) * num(run.config.initial_efficiency, 1) /
    citizens.length;
  return {
    id: basename(run.dir),
    summary,
    run,
    citizens,
    frames: framesOf(run, fairShare),
    minEfficiency: num(run.config.min_efficiency, 0.5),
    budget: num(run.config.token_budget),
    fairShare,
    consumption: num(run.config.consumption, 20),
    calls: calls.toRecords() as unknown as CallView[],
    decisionViews: run.decisions.height
      ? run.decisions.select("agent", "fallback").toRecords() as unknown as DecisionView[]
      : [],
  };
}

/**
 * One sentence: survivors, days played, end reason and the two verdicts.
 *
 * @param s The run's `summary.json`.
 * @param citizens How many citizens the run has.
 * @returns The sentence.
 */
export function societyHeadline(s: Record<string, unknown>, citizens: number): string {
  return `${
    (s.survivors as string[]).length
  } of ${citizens} citizens alive after ${s.days_played} days (${
    s.end_reason ?? "not finished"
  }); survived all: ${verdictText(s.survived_all)}; collapse: ${verdictText(s.collapse)}.`;
}

function proposalsTable(d: SocietyReportData): TableBlock {
  const counts = proposalCountsFrame(d.frames.proposals).toRecords();
  return {
    header: ["type", "made", "passed", "passed and applied"],
    rows: counts.map((c) => [String(c.type), Number(c.made), Number(c.passed), Number(c.applied)]),
  };
}

/** A warning when the config names a seed version but changes some of its rules. */
function variantBanners(config: Record<string, unknown>): { tone: "warn"; text: string }[] {
  let rules;
  try {
    rules = shelterRules(parseSocietyConfig(config));
  } catch {
    return []; // a config this version cannot read: the configuration table shows it as it is
  }
  if (!rules.variant || rules.departs_from_variant.length === 0) return [];
  return [{
    tone: "warn",
    text: `Not the seed's ${rules.variant}: this run names the ${rules.variant} preset but sets ${
      rules.departs_from_variant.join(", ")
    } otherwise.`,
  }];
}

/**
 * The report as a document, from its data.
 *
 * @param d The report's data ({@linkcode societyReportData}).
 * @returns The document.
 */
export function societyReportDocument(d: SocietyReportData): ReportDocument {
  const s = d.summary;
  const citizens = citizenTable(s);
  const llm = llmSection(d.calls, d.decisionViews, s.llm_budget as BudgetView | undefined);
  return {
    title: `Society run ${d.id}`,
    banners: [
      ...validityBanners(s.validity as ValidityView | undefined),
      ...variantBanners(d.run.config),
    ],
    intro: [{ text: societyHeadline(s, d.citizens.length) }],
    sections: [
      { title: "Overview", blocks: [{ table: overviewTable(s, d.citizens.length) }] },
      { title: "Verdicts", blocks: [{ table: verdictsTable(s) }] },
      {
        title: "GovSim measures (Piatti et al. 2024, adapted)",
        blocks: [{ table: govsimTable(s) }],
      },
      { title: "Proposals", blocks: [{ table: proposalsTable(d) }] },
      { title: "Charts", blocks: societyReportCharts(d) },
      {
        title: "Citizens",
        blocks: [foldable(`All ${citizens.rows.length} citizens, one line each`, citizens)],
      },
      ...baselineSections(s),
      ...(llm ? [llm] : []),
      { title: "Configuration", blocks: [{ table: configTable(d.run) }] },
    ],
  };
}

/**
 * The report of the society run in `runDir`, as data; writes nothing.
 *
 * @param runDir A finished run directory.
 * @returns The document.
 * @throws {RangeError} When the run has no `summary.json`.
 */
export async function societyReport(runDir: string): Promise<ReportDocument> {
  const run = await loadSocietyRun(runDir);
  return societyReportDocument(societyReportData(run, await loadLlmCalls(runDir)));
}
