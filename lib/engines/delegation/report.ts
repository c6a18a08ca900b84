/**
 * Reports of the delegation mechanism, each a self-contained `report.html` (charts inline)
 * and a `report.md` (charts as SVG files next to it):
 *
 * - a run: verdicts, the mechanism's parameters, delegations over time by phase (from the
 *   decision rows when they were logged, else per phase from the summary), per-provider
 *   utilities and the provider table;
 * - a study: the user-utility heatmap over combinations, provider utility by own strategy,
 *   the phase timeline of one run, and the side-by-side comparison with a reference table
 *   when one was given.
 *
 * Data come from `analysis.ts`, specs from `charts.ts`; this file only reads, lays out and
 * writes.
 *
 * @module
 */
import { basename, join } from "node:path";
import { readJsonFile } from "../../core/config.ts";
import { toSvg } from "../../charts/render.ts";
import {
  escapeHtml,
  htmlPage,
  validityBanner,
  validityNote,
  type ValidityView,
} from "../../reports/html.ts";
import {
  type Part,
  type Section,
  sectionsHtml,
  sectionsMd,
  writeSectionCharts,
} from "../../reports/sections.ts";

/** A report section and its parts: the shared document model (`lib/reports/sections.ts`). */
export type { Part, Section };
import {
  heatmapCells,
  phaseCounts,
  phaseTimeline,
  providerTable,
  providerUtilities,
  type ReferenceComparison,
  type TimelinePoint,
  type TimelineRow,
  utilityByOwnStrategy,
} from "./analysis.ts";
import {
  phaseCountChart,
  phaseTimelineChart,
  providerUtilityChart,
  regretSeriesChart,
  userUtilityHeatmap,
  utilityByStrategyChart,
} from "./charts.ts";
import type { StudyRow } from "./study.ts";
import type { DelegationSummary } from "./summary.ts";
import type { AgentRegret } from "../../core/regret.ts";
import { COUNTERFACTUAL_AGAINST, type RunCounterfactual } from "./counterfactual.ts";
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

const fmt = (x: unknown, digits = 4) =>
  typeof x === "number" && Number.isFinite(x) ? String(Number(x.toFixed(digits))) : x ?? "n/a";

/** Renders the sections as Markdown. */
function markdown(title: string, intro: string[], sections: Section[]): string {
  return [`# ${title}`, "", ...intro.flatMap((t) => [t, ""]), ...sectionsMd(sections)].join("\n");
}

/** Renders the sections as one self-contained HTML page. */
function html(title: string, banner: string, intro: string[], sections: Section[]): string {
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    banner,
    ...intro.map((t) => `<p>${escapeHtml(t)}</p>`),
    ...sectionsHtml(sections),
  ];
  return htmlPage(title, body.join("\n"));
}

/** Writes the chart files, `report.md` and `report.html`; returns the HTML path. */
async function writeReport(
  outDir: string,
  title: string,
  validity: ValidityView | undefined,
  intro: string[],
  sections: Section[],
): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  await writeSectionCharts(outDir, sections);
  const note = validityNote(validity);
  await Deno.writeTextFile(
    join(outDir, "report.md"),
    markdown(title, note ? [note, ...intro] : intro, sections),
  );
  const path = join(outDir, "report.html");
  await Deno.writeTextFile(path, html(title, validityBanner(validity), intro, sections));
  return path;
}

/** Reads the timeline fields of a run's decision rows (none when it logged none). */
async function readTimelineRows(runDir: string): Promise<TimelineRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(runDir, "decisions.jsonl"));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const rows: TimelineRow[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const r = JSON.parse(line);
    rows.push({ time: r.time, agent: r.agent, phase: r.phase, model: r.model });
  }
  return rows;
}

const say = (v: unknown) => (v === true ? "yes" : v === false ? "no" : String(v ?? "n/a"));

/** The sections of a run report (pure but for rendering charts). */
async function runSections(
  summary: DelegationSummary & Record<string, unknown>,
  rows: TimelineRow[],
): Promise<Section[]> {
  const s = summary;
  const verdictRows = [
    ["stopped_early", say(s.stopped_early), "exploitation stopped early (recent utility fell)"],
    [
      "best_provider_honest",
      say(s.best_provider_honest),
      "the best provider always served its best model",
    ],
    [
      "substitution_detected",
      say(s.substitution_detected),
      "the best provider substituted in exploitation and exploitation stopped early",
    ],
  ];
  const parameterRows = [
    ["T", s.total_time],
    ["delegations", s.total_delegations],
    ["B", s.B],
    ["M", fmt(s.M)],
    ["delta1", fmt(s.delta1)],
    ["delta2", s.delta2 === null ? "-inf" : fmt(s.delta2)],
    ["R2", fmt(s.R2)],
    ["planned", s.planned],
    ["best provider", s.best_provider_id],
    ["second-best provider", s.second_best_provider_id],
    ["second-best utility", fmt(s.second_best_utility)],
    ["threshold", fmt(s.threshold)],
    ["total user utility", fmt(s.total_user_utility)],
    ["total provider utility", fmt(s.total_provider_utility)],
    ["total reward", fmt(s.total_reward)],
    ["substitution rate", fmt(s.substitution_rate)],
  ];
  const table = providerTable(s);
  const charts: Part[] = [];
  if (rows.length > 0) {
    const points = phaseTimeline(rows);
    charts.push({
      chart: {
        file: "timeline.svg",
        svg: await toSvg(phaseTimelineChart(points)),
        caption: `Each delegation (${
          points.length < rows.length ? `${points.length} of ${rows.length}, evenly sampled` : "all"
        }) by time step and provider, coloured by phase.`,
      },
    });
  }
  charts.push({
    chart: {
      file: "phases.svg",
      svg: await toSvg(phaseCountChart(phaseCounts(s))),
      caption: rows.length > 0
        ? "Delegations per phase (from the summary)."
        : "Delegations per phase (from the summary: this run logged no decision rows).",
    },
  });
  charts.push({
    chart: {
      file: "utilities.svg",
      svg: await toSvg(providerUtilityChart(providerUtilities(s))),
      caption:
        "Per provider: its own utility (eta x billed - cost, $) and the user's utility of its delegations (reward - price).",
    },
  });
  return [
    {
      title: "Verdicts",
      parts: [{ table: { header: ["verdict", "value", "meaning"], rows: verdictRows } }],
    },
    ...counterfactualSections(s),
    {
      title: "Mechanism",
      parts: [{ table: { header: ["figure", "value"], rows: parameterRows } }],
    },
    { title: "Charts", parts: charts },
    {
      title: "Providers",
      parts: [{
        table: {
          header: Object.keys(table[0] ?? {}),
          rows: table.map((r) => Object.values(r).map((v) => fmt(v))),
        },
      }],
    },
  ];
}

/**
 * The counterfactual sections of a run report: the mechanism's user beside the no-mechanism
 * user and the best fixed provider on the same seed (each figure names its counterfactual), and the
 * providers' stage-game regret under both users. A run without the blocks (an older
 * `summary.json`, live mode, LLM seats) gets a line saying why.
 */
export function counterfactualSections(summary: Record<string, unknown>): Section[] {
  const cf = summary.counterfactual as RunCounterfactual | null | undefined;
  const regret = summary.regret as Record<string, AgentRegret> | null | undefined;
  const out: Section[] = [];
  if (!cf) {
    out.push({
      title: "Against the counterfactual users",
      parts: [{
        text: `Not computed: ${
          summary.counterfactual_note ?? "this summary has no counterfactual block"
        }.`,
      }],
    });
  } else {
    const c = cf.contrast;
    out.push({
      title: "Against the counterfactual users",
      parts: [
        {
          text:
            "One seed: the figures below are this run's, not an interval; a claim needs the study across seeds (counterfactual_study.ts).",
        },
        {
          table: {
            header: ["figure", "value", "against"],
            rows: [
              [
                "honesty gain (substitution share without - with)",
                fmt(c.honesty_gain),
                "no-mechanism user",
              ],
              [
                "substitution share: with / without",
                `${fmt(cf.mechanism.substitution_share)} / ${
                  fmt(cf.no_mechanism.substitution_share)
                }`,
                "no-mechanism user",
              ],
              [
                "user utility per task: with - without",
                fmt(c.user_utility_gain_per_task),
                "no-mechanism user",
              ],
              [
                "gap per task to the best fixed provider (mechanism)",
                fmt(c.user_regret_per_task),
                "best fixed provider",
              ],
              [
                "gap per task to the best fixed provider (no mechanism)",
                fmt(c.no_mechanism_regret_per_task),
                "best fixed provider",
              ],
              [
                "user regret per task vs paid-for (mechanism)",
                fmt(c.paid_for_regret_per_task),
                "paid-for",
              ],
              [
                "gap, total, to the best fixed provider (mechanism)",
                fmt(c.user_regret),
                "best fixed provider",
              ],
              ["best fixed provider", cf.oracle.provider_id, "best fixed provider"],
              ["paid-for provider", cf.oracle.honest_provider_id, "paid-for"],
            ],
          },
        },
        {
          table: {
            header: ["counterfactual", "definition"],
            rows: Object.entries(cf.against),
          },
        },
      ],
    });
  }
  const rows: unknown[][] = [];
  for (const [agent, r] of Object.entries(regret ?? {})) {
    const b = cf?.no_mechanism.provider_regret[agent];
    rows.push([
      agent,
      r.n,
      fmt(r.mean),
      fmt(r.total),
      b ? fmt(b.mean) : "n/a",
      fmt(r.near_best_share ?? "n/a"),
    ]);
  }
  out.push({
    title: "Providers' stage-game regret",
    parts: regret
      ? [
        {
          text:
            "Per delegation: the provider utility of the best model choice for that task alone minus what it earned. Myopic: under the mechanism it ignores the early stop, so it is not an equilibrium test.",
        },
        {
          table: {
            header: [
              "provider",
              "delegations",
              "mean (mechanism)",
              "total (mechanism)",
              "mean (no-mechanism user)",
              "near-best share (LLM seats)",
            ],
            rows,
          },
        },
      ]
      : [{ text: `Not computed: ${summary.regret_note ?? "this summary has no regret"}.` }],
  });
  return out;
}

/**
 * Writes the report of the delegation run in `runDir` (after its `summary.json`).
 *
 * @param runDir The run directory.
 * @param outDir Where to write (created when missing).
 * @returns The path of `report.html`.
 */
export async function writeDelegationReport(runDir: string, outDir: string): Promise<string> {
  const summary = await readJsonFile(join(runDir, "summary.json")) as
    & DelegationSummary
    & Record<string, unknown>;
  const rows = await readTimelineRows(runDir);
  const id = basename(runDir);
  const intro = [
    `Run ${id}: seed ${summary.seed}, T = ${summary.total_time}, ${
      Object.keys(summary.provider_stats).length
    } providers, records ${summary.records ?? "?"}, ${summary.rng ?? "toolkit"} random stream.`,
  ];
  return await writeReport(
    outDir,
    `Delegation run ${id}`,
    summary.validity as ValidityView | undefined,
    intro,
    await runSections(summary, rows),
  );
}

/** What a study report shows besides its rows. */
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

/**
 * Writes a study's report into `outDir`.
 *
 * @returns The path of `report.html`.
 */
export async function writeStudyReport(outDir: string, input: StudyReportInput): Promise<string> {
  const { rows, timeline, timelineRun, intro, comparison, reference } = input;
  const sections: Section[] = [
    {
      title: "User utility over strategy combinations",
      parts: [{
        chart: {
          file: "heatmap.svg",
          svg: await toSvg(userUtilityHeatmap(heatmapCells(rows))),
          caption: "Mean total user utility (reward - price) of each combination, over seeds.",
        },
      }],
    },
    {
      title: "Provider utility by own strategy",
      parts: [{
        chart: {
          file: "provider_utility.svg",
          svg: await toSvg(utilityByStrategyChart(utilityByOwnStrategy(rows))),
          caption:
            "Each provider's utility when it plays a strategy: bar = mean over the other providers' strategies and seeds, rule = range.",
        },
      }],
    },
    {
      title: "Delegations over time by phase",
      parts: [{
        chart: {
          file: "timeline.svg",
          svg: await toSvg(phaseTimelineChart(timeline)),
          caption: `One run: ${timelineRun}.`,
        },
      }],
    },
  ];
  if (comparison) {
    const max = Math.max(0, ...comparison.map((c) => c.max_difference));
    const same = comparison.filter((c) =>
      c.total_delegations === c.reference_delegations &&
      String(c.best_provider) === c.reference_best_provider
    ).length;
    sections.push({
      title: "Side by side with the reference table",
      parts: [
        {
          text: `${
            reference ?? "reference"
          }: ${comparison.length} combinations; total delegations and best provider equal in ${same}; largest utility or reward difference ${
            max.toExponential(2)
          }.`,
        },
        {
          table: {
            header: [
              "combination",
              "user utility",
              "reference",
              "delegations",
              "reference",
              "best",
              "reference",
              "max difference",
            ],
            rows: comparison.map((c) => [
              c.strategy_combination,
              fmt(c.total_user_utility),
              fmt(c.reference_user_utility),
              c.total_delegations,
              c.reference_delegations,
              c.best_provider,
              c.reference_best_provider,
              c.max_difference.toExponential(1),
            ]),
          },
        },
      ],
    });
  }
  return await writeReport(outDir, "Delegation strategy study", undefined, intro, sections);
}

const ci = (c: { mean: number; lo: number; hi: number }) =>
  `${fmt(c.mean)} [${fmt(c.lo)}, ${fmt(c.hi)}]`;

/** What {@linkcode writeCounterfactualStudyReport} shows. */
export interface CounterfactualStudyReportInput {
  /** Rows of `runCounterfactualStudy`. */
  rows: readonly CounterfactualRow[];
  /** Points of `regretSeries`, when the study ran a horizon grid. */
  series?: readonly RegretSeriesPoint[];
  /** Lines describing the study (config, seeds, combinations). */
  intro: string[];
}

/**
 * The sections of a counterfactual study report: the verdicts with what each is against,
 * the strategy table, detection power against false stops, and regret as `T` grows.
 */
export async function counterfactualStudySections(
  input: CounterfactualStudyReportInput,
): Promise<Section[]> {
  const { rows, series } = input;
  const all = summarizeCounterfactuals(rows);
  const d = all.detection;
  const rate = (
    p: { mean: number; lo: number; hi: number; successes: number | null; trials: number | null },
  ) => `${ci({ mean: p.mean, lo: p.lo, hi: p.hi })} (${p.successes ?? 0}/${p.trials ?? 0})`;
  const sections: Section[] = [{
    title: "Answer",
    parts: [
      {
        text: `${all.runs} runs over ${all.seeds} seeds; intervals are ${
          VERDICT_LEVEL * 100
        }% Student's t over seeds (a seed's combinations averaged first); rates pool runs with each seed a cluster (Wilson at the effective sample size).`,
      },
      {
        table: {
          header: ["verdict", "value", "figure", "against", "rule"],
          rows: [
            [
              "honesty_vs_no_mechanism",
              all.verdicts.honesty_vs_no_mechanism,
              `honesty gain ${ci(all.honesty_gain)}`,
              "no-mechanism user",
              `more_honest: lower bound > ${HONESTY_GAIN_MARGIN}; less_honest: upper bound < ${-HONESTY_GAIN_MARGIN}`,
            ],
            [
              "user_utility_vs_no_mechanism",
              all.verdicts.user_utility_vs_no_mechanism,
              `user utility gain per task ${ci(all.user_utility_gain_per_task)}`,
              "no-mechanism user",
              `better: lower bound > ${USER_UTILITY_MARGIN}; worse: upper bound < ${-USER_UTILITY_MARGIN}`,
            ],
            [
              "audit_separates",
              all.verdicts.audit_separates,
              `power ${rate(d.power)}; false stops ${rate(d.false_stop_rate)}`,
              `honest best providers (${d.preempted} preempted runs excluded)`,
              `yes: power lower bound - false-stop upper bound > ${DETECTION_MARGIN}; inverted: false-stop lower bound - power upper bound > ${INVERSION_MARGIN}`,
            ],
            [
              "(figure)",
              "",
              `mechanism gap per task ${ci(all.user_regret_per_task)}`,
              "best fixed provider",
              "",
            ],
            [
              "(figure)",
              "",
              `no-mechanism gap per task ${ci(all.no_mechanism_regret_per_task)}`,
              "best fixed provider",
              "",
            ],
            [
              "(figure)",
              "",
              `mechanism regret per task ${ci(all.paid_for_regret_per_task)}`,
              "paid-for benchmark",
              "",
            ],
          ],
        },
      },
      {
        table: {
          header: ["counterfactual", "definition"],
          rows: Object.entries(COUNTERFACTUAL_AGAINST),
        },
      },
    ],
  }, {
    title: "By strategy combination",
    parts: [{
      table: {
        header: [
          "combination",
          "honesty gain",
          "verdict",
          "user utility gain / task",
          "gap / task to best fixed provider",
          "runs",
        ],
        rows: counterfactualTable(rows).map(({ strategy_combination, summary: x }) => [
          strategy_combination,
          ci(x.honesty_gain),
          x.verdicts.honesty_vs_no_mechanism,
          ci(x.user_utility_gain_per_task),
          ci(x.user_regret_per_task),
          x.runs,
        ]),
      },
    }],
  }];
  if (series && series.length > 0) {
    const rs = regretSeriesSummary(series);
    const chartRows = rs.rows.flatMap((r) => [
      { T: r.T, user: "mechanism", ...r.user_regret_per_task },
      { T: r.T, user: "no mechanism", ...r.no_mechanism_regret_per_task },
    ]);
    sections.push({
      title: "Gap to the best fixed provider as T grows",
      parts: [
        {
          chart: {
            file: "regret_series.svg",
            svg: await toSvg(regretSeriesChart(chartRows)),
            caption:
              "User utility per task of the best fixed provider (no-mechanism observations) minus the user's: mean over seeds, t interval as a rule. Not an upper bound: it can be negative.",
          },
        },
        {
          table: {
            header: [
              "T",
              "mechanism gap / task",
              "no-mechanism gap / task",
              "mechanism gap, total",
            ],
            rows: rs.rows.map((r) => [
              r.T,
              ci(r.user_regret_per_task),
              ci(r.no_mechanism_regret_per_task),
              ci(r.user_regret),
            ]),
          },
        },
        {
          text:
            `regret_per_task_falls: ${rs.regret_per_task_falls} (yes when the gap per task to the best fixed provider falls: smallest horizon's lower bound minus the largest's upper bound > ${REGRET_DECLINE_MARGIN}; the gap is not a regret against an upper bound and can be negative).`,
        },
      ],
    });
  }
  return sections;
}

/**
 * Writes a counterfactual study's report (mechanism vs no mechanism vs best fixed provider) into `outDir`.
 *
 * @param outDir Where to write (created when missing).
 * @param input Rows, optional regret series, intro lines.
 * @returns The path of `report.html`.
 */
export async function writeCounterfactualStudyReport(
  outDir: string,
  input: CounterfactualStudyReportInput,
): Promise<string> {
  return await writeReport(
    outDir,
    "Delegation: the mechanism against its counterfactuals",
    undefined,
    input.intro,
    await counterfactualStudySections(input),
  );
}
