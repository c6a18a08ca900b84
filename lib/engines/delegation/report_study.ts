/**
 * The delegation study reports, as data:
 *
 * - {@linkcode strategyStudyReport}, the strategy-combination study (`delegation-study`): the
 *   user-utility heatmap over combinations, provider utility by own strategy, the phase
 *   timeline of one run, and the side-by-side comparison with a reference table when one was
 *   given;
 * - {@linkcode counterfactualStudyReport}, the mechanism against its counterfactual users
 *   across seeds: the verdicts with what each is against, the strategy table and regret as
 *   `T` grows ({@linkcode counterfactualStudySections} also feeds `study delegation`).
 *
 * Charts are Vega-Lite specs in chart blocks; `writeDocument` renders them.
 *
 * @module
 */
import type { Block, Cell, DocSection, ReportDocument } from "../../core/document.ts";
import { chartBlock } from "../../charts/chart_block.ts";
import { writeDocument } from "../../reports/render_document.ts";
import { ciText } from "../../reports/study_report.ts";
import { heatmapRows, strategyUtilityRows } from "./figures.ts";
import type { ReferenceComparison } from "./reference_table.ts";
import type { TimelinePoint } from "./timeline.ts";
import {
  phaseTimelineChart,
  regretSeriesChart,
  userUtilityHeatmap,
  utilityByStrategyChart,
} from "./charts.ts";
import { COUNTERFACTUAL_AGAINST } from "./counterfactual.ts";
import {
  type CounterfactualRow,
  counterfactualTable,
  DETECTION_MARGIN,
  HONESTY_GAIN_MARGIN,
  INVERSION_MARGIN,
  REGRET_DECLINE_MARGIN,
  type RegretSeriesPoint,
  regretSeriesSummary,
  summarizeCounterfactuals,
  USER_UTILITY_MARGIN,
  VERDICT_LEVEL,
} from "./counterfactual_study.ts";
import type { StudyRow } from "./study.ts";

/** What a strategy study's report shows besides its rows. */
export interface StudyReportInput {
  /** The study's rows (one per combination and seed). */
  rows: readonly StudyRow[];
  /** The delegations of one run, for the phase timeline. */
  timeline: readonly TimelinePoint[];
  /** Which run the timeline shows, e.g. `honest-ours-worst, seed 42`. */
  timelineRun: string;
  /** Lines describing the study (config, seeds, seeding, timing). */
  intro: string[];
  /** The comparison with a reference table, when one was given. */
  comparison?: readonly ReferenceComparison[];
  /** Name of the reference, e.g. its path. */
  reference?: string;
}

/** The side-by-side section of a study and a reference table. */
function comparisonSection(
  comparison: readonly ReferenceComparison[],
  reference: string | undefined,
): DocSection {
  const max = Math.max(0, ...comparison.map((c) => c.max_difference));
  const same = comparison.filter((c) =>
    c.total_delegations === c.reference_delegations &&
    String(c.best_provider) === c.reference_best_provider
  ).length;
  const header = [
    "combination",
    "user utility",
    "reference",
    "delegations",
    "reference",
    "best",
    "reference",
    "max difference",
  ];
  const rows: Cell[][] = comparison.map((c) => [
    c.strategy_combination,
    c.total_user_utility,
    c.reference_user_utility,
    c.total_delegations,
    c.reference_delegations,
    c.best_provider,
    c.reference_best_provider,
    c.max_difference.toExponential(1),
  ]);
  const text = `${
    reference ?? "reference"
  }: ${comparison.length} combinations; total delegations and best provider equal in ${same}; largest utility or reward difference ${
    max.toExponential(2)
  }.`;
  return {
    title: "Side by side with the reference table",
    blocks: [{ text }, { table: { header, rows } }],
  };
}

/**
 * The report of a strategy-combination study (`delegation-study`), as a document (charts
 * `heatmap.svg`, `provider_utility.svg`, `timeline.svg`).
 *
 * @param input Rows, the timeline of one run, intro lines, and the reference comparison.
 * @returns The report.
 */
export function strategyStudyReport(input: StudyReportInput): ReportDocument {
  const { rows, timeline, timelineRun, intro, comparison, reference } = input;
  const sections: DocSection[] = [
    {
      title: "User utility over strategy combinations",
      blocks: [chartBlock(
        userUtilityHeatmap(heatmapRows(rows)),
        "heatmap.svg",
        "Mean total user utility (reward - price) of each combination, over seeds.",
      )],
    },
    {
      title: "Provider utility by own strategy",
      blocks: [chartBlock(
        utilityByStrategyChart(strategyUtilityRows(rows)),
        "provider_utility.svg",
        "Each provider's utility when it plays a strategy: bar = mean over the other providers' strategies and seeds, rule = range.",
      )],
    },
    {
      title: "Delegations over time by phase",
      blocks: [
        chartBlock(phaseTimelineChart(timeline), "timeline.svg", `One run: ${timelineRun}.`),
      ],
    },
  ];
  if (comparison) sections.push(comparisonSection(comparison, reference));
  return {
    title: "Delegation strategy study",
    intro: intro.map((text) => ({ text })),
    sections,
  };
}

/** What {@linkcode counterfactualStudyReport} shows. */
export interface CounterfactualStudyReportInput {
  /** Rows of `runCounterfactualStudy`. */
  rows: readonly CounterfactualRow[];
  /** Points of `regretSeries`, when the study ran a horizon grid. */
  series?: readonly RegretSeriesPoint[];
  /** Lines describing the study (config, seeds, combinations). */
  intro: string[];
}

type Rate = {
  mean: number;
  lo: number;
  hi: number;
  successes: number | null;
  trials: number | null;
};
const rate = (p: Rate) => `${ciText(p)} (${p.successes ?? 0}/${p.trials ?? 0})`;

/** The verdict rows of the Answer: verdict, value, figure, against, rule. */
function verdictRows(all: ReturnType<typeof summarizeCounterfactuals>): Cell[][] {
  const d = all.detection, v = all.verdicts;
  return [
    [
      "honesty_vs_no_mechanism",
      v.honesty_vs_no_mechanism,
      `honesty gain ${ciText(all.honesty_gain)}`,
      "no-mechanism user",
      `more_honest: lower bound > ${HONESTY_GAIN_MARGIN}; less_honest: upper bound < ${-HONESTY_GAIN_MARGIN}`,
    ],
    [
      "user_utility_vs_no_mechanism",
      v.user_utility_vs_no_mechanism,
      `user utility gain per task ${ciText(all.user_utility_gain_per_task)}`,
      "no-mechanism user",
      `better: lower bound > ${USER_UTILITY_MARGIN}; worse: upper bound < ${-USER_UTILITY_MARGIN}`,
    ],
    [
      "audit_separates",
      v.audit_separates,
      `power ${rate(d.power)}; false stops ${rate(d.false_stop_rate)}`,
      `honest best providers (${d.preempted} preempted runs excluded)`,
      `yes: power lower bound - false-stop upper bound > ${DETECTION_MARGIN}; inverted: false-stop lower bound - power upper bound > ${INVERSION_MARGIN}`,
    ],
    figureRow(`mechanism gap per task ${ciText(all.user_regret_per_task)}`, "best fixed provider"),
    figureRow(
      `no-mechanism gap per task ${ciText(all.no_mechanism_regret_per_task)}`,
      "best fixed provider",
    ),
    figureRow(
      `mechanism regret per task ${ciText(all.paid_for_regret_per_task)}`,
      "paid-for benchmark",
    ),
  ];
}

const figureRow = (figure: string, against: string): Cell[] => [
  "(figure)",
  "",
  figure,
  against,
  "",
];

/** The Answer: the verdicts against the counterfactuals and what each is against. */
function answerSection(rows: readonly CounterfactualRow[]): DocSection {
  const all = summarizeCounterfactuals(rows);
  return {
    title: "Answer",
    blocks: [
      {
        text: `${all.runs} runs over ${all.seeds} seeds; intervals are ${
          VERDICT_LEVEL * 100
        }% Student's t over seeds (a seed's combinations averaged first); rates pool runs with each seed a cluster (Wilson at the effective sample size).`,
      },
      {
        table: {
          header: ["verdict", "value", "figure", "against", "rule"],
          rows: verdictRows(all),
        },
      },
      {
        table: {
          header: ["counterfactual", "definition"],
          rows: Object.entries(COUNTERFACTUAL_AGAINST),
        },
      },
    ],
  };
}

/** The figures of each strategy combination. */
function combinationSection(rows: readonly CounterfactualRow[]): DocSection {
  const header = [
    "combination",
    "honesty gain",
    "verdict",
    "user utility gain / task",
    "gap / task to best fixed provider",
    "runs",
  ];
  const table = counterfactualTable(rows).map(({ strategy_combination, summary: x }) => [
    strategy_combination,
    ciText(x.honesty_gain),
    x.verdicts.honesty_vs_no_mechanism,
    ciText(x.user_utility_gain_per_task),
    ciText(x.user_regret_per_task),
    x.runs,
  ]);
  return { title: "By strategy combination", blocks: [{ table: { header, rows: table } }] };
}

/** The gap to the best fixed provider as `T` grows. */
function regretSection(series: readonly RegretSeriesPoint[]): DocSection {
  const rs = regretSeriesSummary(series);
  const chartRows = rs.rows.flatMap((r) => [
    { T: r.T, user: "mechanism", ...r.user_regret_per_task },
    { T: r.T, user: "no mechanism", ...r.no_mechanism_regret_per_task },
  ]);
  const header = ["T", "mechanism gap / task", "no-mechanism gap / task", "mechanism gap, total"];
  const rows = rs.rows.map((r) => [
    r.T,
    ciText(r.user_regret_per_task),
    ciText(r.no_mechanism_regret_per_task),
    ciText(r.user_regret),
  ]);
  const blocks: Block[] = [
    chartBlock(
      regretSeriesChart(chartRows),
      "regret_series.svg",
      "User utility per task of the best fixed provider (no-mechanism observations) minus the user's: mean over seeds, t interval as a rule. Not an upper bound: it can be negative.",
    ),
    { table: { header, rows } },
    {
      text:
        `regret_per_task_falls: ${rs.regret_per_task_falls} (yes when the gap per task to the best fixed provider falls: smallest horizon's lower bound minus the largest's upper bound > ${REGRET_DECLINE_MARGIN}; the gap is not a regret against an upper bound and can be negative).`,
    },
  ];
  return { title: "Gap to the best fixed provider as T grows", blocks };
}

/**
 * The sections of a counterfactual study report: the verdicts with what each is against,
 * the strategy table and, with a regret series, the gap as `T` grows.
 *
 * @param input Rows and the optional regret series.
 * @returns The sections.
 */
export function counterfactualStudySections(input: CounterfactualStudyReportInput): DocSection[] {
  const { rows, series } = input;
  const sections = [answerSection(rows), combinationSection(rows)];
  if (series && series.length > 0) sections.push(regretSection(series));
  return sections;
}

/**
 * The report of a counterfactual study (mechanism vs no mechanism vs best fixed provider),
 * as a document.
 *
 * @param input Rows, optional regret series, intro lines.
 * @returns The report.
 */
export function counterfactualStudyReport(input: CounterfactualStudyReportInput): ReportDocument {
  return {
    title: "Delegation: the mechanism against its counterfactuals",
    intro: input.intro.map((text) => ({ text })),
    sections: counterfactualStudySections(input),
  };
}

/**
 * Writes {@linkcode counterfactualStudyReport} into `outDir` with `writeDocument`.
 *
 * @param outDir Where to write (created when missing).
 * @param input Rows, optional regret series, intro lines.
 * @returns The path of `report.html`.
 */
export async function writeCounterfactualStudyReport(
  outDir: string,
  input: CounterfactualStudyReportInput,
): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  return await writeDocument(outDir, counterfactualStudyReport(input));
}
