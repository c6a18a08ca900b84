/**
 * The report of a blockchain CPD run, as data: configuration, the SPEC's verdicts with the
 * numbers behind them and what each measures, the verdicts against the rational baseline
 * (myopic best response) with each agent's play and stage-game regret against it, five
 * charts (Vega-Lite specs), the per-agent table, the honest group's floor round, the
 * constructive trend and, for LLM runs, the accuracy of the miners' rival labels
 * (`report_labels.ts`), the miners' own words at their turning points and the LLM usage.
 *
 * {@linkcode blockchainReport} returns a `ReportDocument` built from the run directory alone
 * and writes nothing; the run layer renders it (`writeDocument`). Every number comes from
 * `analysis.ts` and the baseline modules.
 *
 * @module
 */
import { seatedConfig } from "./seated_config.ts";
import { basename, join } from "node:path";
import type { Block, DocSection, ReportDocument, Tone } from "../../core/document.ts";
import { exists } from "../../core/run_dir.ts";
import type { BudgetView, CallView, DecisionView } from "../../reports/llm_section.ts";
import { llmSection } from "../../reports/llm_section.ts";
import { z } from "zod";
import { parseWith, readJsonFile } from "../../core/config.ts";
import type pl from "nodejs-polars";
import {
  type AgentRecord,
  agentTable,
  constructiveTrend,
  honestFloorRound,
  honestTrace,
  type LabelChangeRecord,
  labelChanges,
  lateMeansFrame,
  type LateMeansRecord,
  loadBlockchainDecisions as loadDecisions,
  rewardRanking,
} from "./analysis.ts";
import { loadLlmCalls } from "../../analysis/frames.ts";
import { parseBlockchainConfig } from "./config.ts";
import { regretInputOf, type StageRegretRow, stageRegretRows } from "./stage_regret.ts";
import { chartBlock } from "../../charts/chart_block.ts";
import {
  cpdAllocationChart,
  cumulativeRewardChart,
  type DecisionChartRow,
  efficiencyChart,
  verdictPanel,
} from "./charts.ts";
import { type LabelKey, LABELS } from "./labels.ts";
import { lateWindow, type Verdicts, verdicts } from "./metrics.ts";
import { flatten } from "../../reports/generic_report.ts";
import { provenanceText, validityBanners, type ValidityView } from "../../reports/html.ts";
import { baselineSections, type ExactBaseline, fmt } from "./report_baseline.ts";
import type { AgentBaselineVerdict, RunBaselineVerdicts } from "./baseline_verdicts.ts";
import { blockchainSummaryReport } from "./report_no_rows.ts";
import { type ReportRows, reportRows } from "./report_rows.ts";
import {
  isLabelAccuracy,
  type LabelAccuracyByAgent,
  labelAccuracyOfRecords,
  rivalLabelSection,
} from "./report_labels.ts";

/** Most quotes shown at turning points. */
const MAX_QUOTES = 6;
/** Longest quote, in characters (an ellipsis included). */
const MAX_QUOTE_CHARS = 300;

const ConfigFileSchema = z.object({
  experiment: z.string(),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()).default({}),
  agents: z.array(z.record(z.string(), z.unknown())).nullable().default(null),
  provenance: z.unknown().optional(),
});

/** The verdict thresholds, as the config names them. */
interface Thresholds {
  parasitic_d_max: number;
  parasitic_p_min: number;
  honest_c_min: number;
}

/** Everything the report reads from the run directory, computed once. */
interface RunView {
  id: string;
  run: z.infer<typeof ConfigFileSchema>;
  df: pl.DataFrame;
  calls: pl.DataFrame;
  played: number;
  window: number;
  etaMin: number;
  thresholds: Thresholds;
  late: LateMeansRecord;
  verdict: Verdicts;
  agents: AgentRecord[];
  /** Which miners the late means average, in words. */
  counted: string;
  isLlm: boolean;
  validity?: ValidityView;
  budget?: BudgetView;
  /** `true` when the run's validity makes every verdict inconclusive. */
  invalid: boolean;
  /** The run's `summary.json`, when written. */
  summary?: Record<string, unknown>;
}

/** The stage-game regret rows of the run, or why they cannot be computed. */
function regretRowsOf(
  cfg: Record<string, unknown>,
  rows: readonly Record<string, unknown>[],
): StageRegretRow[] | string {
  try {
    return stageRegretRows(regretInputOf(rows), parseBlockchainConfig(cfg));
  } catch (e) {
    return `The rational baseline could not be computed: ${(e as Error).message}`;
  }
}

/** Verdict numbers get 6 decimals: a mean near a threshold must show which side it is on. */
const fmtLate = (x: number) => fmt(x, 6);

const yesNo = (b: boolean) => (b ? "yes" : "no");
const labelName = (k: LabelKey | string | null) =>
  k === null ? "" : (LABELS as Record<string, { en: string }>)[k]?.en ?? k;
const who = (a: { kind: string | null; model: string | null }) =>
  a.model !== null && !(a.kind ?? "").includes(a.model)
    ? [a.kind, a.model].filter((x) => x !== null).join(" / ")
    : a.kind ?? "";
const numberOr = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);
const cpdText = (x: { c: number | null; p: number | null; d: number | null }) =>
  `[${fmt(x.c)}, ${fmt(x.p)}, ${fmt(x.d)}]`;

/** A config value for the table: numbers without float noise, arrays inline. */
function configCell(v: unknown): string {
  if (typeof v === "number") return fmt(v, 9);
  if (Array.isArray(v)) return `[${v.map(configCell).join(", ")}]`;
  return String(v);
}

/** Shortens a thought to one line of at most {@linkcode MAX_QUOTE_CHARS} characters. */
function quote(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= MAX_QUOTE_CHARS ? line : `${line.slice(0, MAX_QUOTE_CHARS - 1)}…`;
}

/** The run's `summary.json`, when written. */
async function readSummary(runDir: string): Promise<Record<string, unknown> | undefined> {
  const path = join(runDir, "summary.json");
  return (await exists(path)) ? JSON.parse(await Deno.readTextFile(path)) : undefined;
}

/**
 * Reads the run directory and computes every figure the report shows, from the rows in
 * `rowsDir` (the run's own, or a sample of a long run's: see `report_rows.ts`).
 */
async function readRun(runDir: string, rowsDir = runDir): Promise<RunView> {
  const configPath = join(runDir, "config.json");
  const given = parseWith(ConfigFileSchema, await readJsonFile(configPath), configPath);
  // the miners and hash powers that played (an agents file seats its own)
  const run = { ...given, config: seatedConfig(given) };
  const cfg = run.config;
  const df = await loadDecisions(rowsDir);
  if (df.height === 0) {
    throw new RangeError(`Cannot build blockchain report: ${runDir} has no decisions`);
  }
  const calls = await loadLlmCalls(runDir);
  const thresholds = {
    parasitic_d_max: numberOr(cfg.parasitic_d_max, 0.08),
    parasitic_p_min: numberOr(cfg.parasitic_p_min, 0.40),
    honest_c_min: numberOr(cfg.honest_c_min, 0.55),
  };
  const played = Number(df.getColumn("round").max());
  const window = lateWindow(played, numberOr(cfg.late_window, 15));
  const agents = agentTable(df, calls);
  // The summary's validity decides whether the verdicts stand (fallbacks are not findings).
  const summary = await readSummary(runDir);
  // A sample of a long run holds only some rounds of the late window: the verdicts rest on
  // the summary's exact late means (every round), never on the sample's.
  const late = rowsDir !== runDir && isLate(summary?.late)
    ? { run: basename(runDir), ...summary.late }
    : lateMeansFrame(df, window);
  const validity = summary?.validity as ValidityView | undefined;
  return {
    id: basename(runDir),
    run,
    df,
    calls,
    played,
    window,
    etaMin: numberOr(cfg.eta_min, 0.1),
    thresholds,
    late,
    verdict: verdicts(late, thresholds),
    agents,
    counted: agents.some((a) => a.llm) ? "LLM miners" : "all miners (policy run)",
    isLlm: df.getColumn("thought").nullCount() < df.height,
    validity,
    budget: summary?.llm_budget as BudgetView | undefined,
    invalid: validity !== undefined && !validity.valid,
    summary,
  };
}

/** `true` for a summary's `late` record (`{c, p, d, from, to, window, miners}`). */
function isLate(x: unknown): x is Omit<LateMeansRecord, "run"> {
  const l = x as Partial<LateMeansRecord> | undefined;
  return typeof l?.c === "number" && typeof l.p === "number" && typeof l.d === "number" &&
    typeof l.from === "number" && typeof l.to === "number" && Array.isArray(l.miners);
}

/** A verdict in words: `inconclusive` for an invalid run. */
const sayOf = (v: RunView) => (b: boolean) => v.invalid ? "inconclusive" : yesNo(b);

/** A verdict's badge tone: warn when inconclusive, good for yes, bad for no. */
const toneOf = (v: RunView, b: boolean): Tone => v.invalid ? "warn" : b ? "good" : "bad";

/** The page's opening lines: what was run. */
function introBlocks(v: RunView): Block[] {
  return [{
    text: `Experiment \`${v.run.experiment}\`, seed ${v.run.seed}, ${v.played} rounds, miners ${
      v.agents.map((a) => a.agent).join(", ")
    }.`,
  }];
}

/** The configuration: experiment, seed, every config field, the agents. */
function configSection(v: RunView): DocSection {
  const rows = [
    ["experiment", v.run.experiment],
    ["seed", v.run.seed],
    ...flatten(v.run.config).map(([k, x]) => [k, configCell(x)]),
    ...(v.run.agents ?? []).map((a) => [
      `agent ${String(a.name)}`,
      a.provider === "policy" ? `policy ${String(a.policy)}` : `${a.provider} ${a.model}`,
    ]),
  ];
  return { title: "Configuration", blocks: [{ table: { header: ["parameter", "value"], rows } }] };
}

/** One row of the verdict table: the condition, the late mean, the threshold, whether it holds. */
const conditionRow = (verdict: string, cond: string, mean: number, t: number, holds: boolean) => [
  verdict,
  cond,
  fmtLate(mean),
  fmt(t),
  yesNo(holds),
];

/** The SPEC's verdicts: badges, the late window, the numbers behind them, what they measure. */
function verdictSection(v: RunView): DocSection {
  const { late, thresholds: t, verdict } = v;
  const say = sayOf(v);
  const rows = [
    conditionRow(
      "parasitic equilibrium",
      "d < threshold",
      late.d,
      t.parasitic_d_max,
      late.d < t.parasitic_d_max,
    ),
    conditionRow(
      "parasitic equilibrium",
      "p > threshold",
      late.p,
      t.parasitic_p_min,
      late.p > t.parasitic_p_min,
    ),
    conditionRow(
      "honest convergence",
      "c > threshold",
      late.c,
      t.honest_c_min,
      late.c > t.honest_c_min,
    ),
  ];
  const windowText = `Late window: rounds ${late.from}–${late.to} (${
    late.to - late.from + 1
  } rounds of ${v.played}), mean over ${v.counted}: ${late.miners.join(", ")}.`;
  const meaning =
    "What these measure: both are the SPEC's verdicts on the pooled late means, against no " +
    "baseline. Parasitic equilibrium says the miners free-ride and nobody attacks, which " +
    "myopically rational play also gives while the others' efficiency is high; the next " +
    "section compares the play with the rational baseline.";
  const badges = [
    ["Parasitic equilibrium", verdict.parasitic_equilibrium],
    ["Honest convergence", verdict.honest_convergence],
  ] as const;
  return {
    title: "Verdicts",
    blocks: [
      { badges: badges.map(([name, b]) => ({ label: `${name}: ${say(b)}`, tone: toneOf(v, b) })) },
      { text: windowText },
      { table: { header: ["verdict", "condition", "late mean", "threshold", "holds"], rows } },
      { text: meaning },
    ],
  };
}

/** The four charts of the run: c/p/d, efficiency, cumulative reward, the verdict panel. */
function chartsSection(v: RunView): DocSection {
  const rows = v.df.toRecords() as unknown as DecisionChartRow[];
  const efficiencyCaption =
    `Efficiency of each miner and of the honest group after each round; dashed rule at η_min = ${
      fmt(v.etaMin)
    }.`;
  return {
    title: "Charts",
    blocks: [
      chartBlock(
        cpdAllocationChart(rows),
        "cpd.svg",
        "Effort allocation c / p / d of each miner per round.",
      ),
      chartBlock(efficiencyChart(rows, v.etaMin), "efficiency.svg", efficiencyCaption),
      chartBlock(cumulativeRewardChart(rows), "rewards.svg", "Cumulative reward of each miner."),
      chartBlock(
        verdictPanel(v.late, v.thresholds),
        "verdict.svg",
        "Late-window means against the verdict thresholds.",
      ),
    ],
  };
}

/** The LLM usage line under the agents table. */
function usageText(agents: readonly AgentRecord[]): string {
  const t = agents.reduce(
    (t, a) => ({
      calls: t.calls + a.calls,
      input: t.input + a.input_tokens,
      output: t.output + a.output_tokens,
      cost: t.cost + a.cost_usd,
    }),
    { calls: 0, input: 0, output: 0, cost: 0 },
  );
  return t.calls > 0
    ? `LLM usage: ${t.calls} calls, ${t.input} input and ${t.output} output tokens, $${
      fmt(t.cost)
    }.`
    : "No LLM calls.";
}

/** The per-agent table (mean action, label, reward, tokens, valid-action rate), the ranking. */
function agentsSection(v: RunView): DocSection {
  const header = [
    "agent",
    "kind / model",
    "mean action [c, p, d]",
    "label",
    "reward",
    "tokens",
    "valid-action rate",
  ];
  const rows = v.agents.map((a) => [
    a.agent,
    who(a),
    cpdText(a),
    labelName(a.label),
    fmt(a.reward),
    a.tokens,
    fmt(a.valid_action_rate),
  ]);
  const ranking = rewardRanking(v.df);
  return {
    title: "Agents",
    blocks: [
      { table: { header, rows } },
      { text: `Reward ranking: ${ranking.join(" > ")}. ${usageText(v.agents)}` },
    ],
  };
}

/** When the honest group first reached the efficiency floor, and where it ended. */
function honestSection(v: RunView): DocSection {
  const floor = honestFloorRound(v.df, v.etaMin);
  const end = fmt(honestTrace(v.df).at(-1));
  const text = floor === null
    ? `The honest group never reached η_min = ${fmt(v.etaMin)}; its efficiency ended at ${end}.`
    : `The honest group first reached η_min = ${
      fmt(v.etaMin)
    } after round ${floor}; its efficiency ended at ${end}.`;
  return { title: "Honest group", blocks: [{ text }] };
}

/** Mean construction in the first and second half of the run. */
function trendSection(v: RunView): DocSection {
  const trend = constructiveTrend(v.df);
  const half = Math.floor(v.played / 2);
  const rows = [
    ["first", half >= 1 ? `1–${half}` : "none", fmt(trend.first_half)],
    ["second", `${half + 1}–${v.played}`, fmt(trend.second_half)],
    ["change", "", fmt(trend.delta)],
  ];
  const text = trend.delta === null
    ? "Too few rounds for a trend."
    : `Mean construction c of the ${v.counted} went from ${fmt(trend.first_half)} to ${
      fmt(trend.second_half)
    } (${trend.delta > 0 ? "+" : ""}${fmt(trend.delta)}).`;
  return {
    title: "Constructive trend",
    blocks: [{ text }, { table: { header: ["half", "rounds", "mean c"], rows } }],
  };
}

/** The head of a quote: who, when, which label change, which action. */
const quoteHead = (t: LabelChangeRecord) =>
  `${t.agent}, round ${t.round} (${labelName(t.from)} → ${labelName(t.to)}, action ${cpdText(t)})`;

/** The miners' own words where their strategy label changed (LLM runs only). */
function turningPointsSections(v: RunView): DocSection[] {
  if (!v.isLlm) return [];
  const all = labelChanges(v.df).filter((t) => t.thought !== null);
  const turns = all.slice(0, MAX_QUOTES);
  if (turns.length === 0) {
    return [{
      title: "Turning points",
      blocks: [{ text: "No miner changed its strategy label; no turning point to quote." }],
    }];
  }
  const intro =
    `${turns.length} of ${all.length} turning points (label changes with a stated reason) quoted, the first ones in round order.`;
  return [{
    title: "Turning points",
    blocks: [
      { text: intro },
      ...turns.flatMap((t): Block[] => [
        { text: `**${quoteHead(t)}**` },
        { note: quote(t.thought!) },
      ]),
    ],
  }];
}

/**
 * The rival-label accuracy of the run: `summary.json`'s (every round, from the miners' own
 * tallies) when it has one, else counted from the decision rows (a run without a summary, or
 * from before the figure existed); none for a run without predictions that is not an LLM run.
 */
function rivalLabelSections(v: RunView): DocSection[] {
  const fromSummary = v.summary?.rival_label_accuracy;
  let accuracy: LabelAccuracyByAgent;
  let source: string;
  if (isLabelAccuracy(fromSummary)) {
    accuracy = fromSummary;
    source = "summary.json (every round; the miners' own running tallies)";
  } else {
    const cols = ["round", "agent", "label", "rival_labels"].filter((c) =>
      v.df.columns.includes(c)
    );
    accuracy = labelAccuracyOfRecords(v.df.select(...cols).toRecords());
    source = "the decision rows (each rival's label of the same round)";
  }
  const any = Object.values(accuracy).some((a) => a !== null);
  return any || v.isLlm ? [rivalLabelSection(accuracy, source)] : [];
}

/** The LLM calls section (usage, notes, reflections, transcripts); none without calls. */
function llmSections(v: RunView): DocSection[] {
  const calls = v.calls.toRecords() as unknown as CallView[];
  const decisions = v.df.select("agent", "fallback").toRecords() as unknown as DecisionView[];
  const section = llmSection(calls, decisions, v.budget);
  return section ? [section] : [];
}

/**
 * The report of the blockchain run in `runDir`, as a document: charts are Vega-Lite specs
 * (`cpd.svg`, `efficiency.svg`, `rewards.svg`, `verdict.svg`, `baseline.svg`); nothing is
 * written.
 *
 * The late window is `lateWindow` of the rounds played with the config's `late_window`;
 * thresholds and `eta_min` come from the run's config (SPEC defaults when absent). When the
 * run's `summary.json` says it is invalid (too many fallbacks), a red banner opens the page
 * and every verdict reads "inconclusive".
 *
 * @param runDir The run directory (`config.json`, `decisions.jsonl`, `llm_calls.jsonl`,
 * `summary.json` when written).
 * A run that logged no decision rows gets the summary's figures without charts
 * (`report_no_rows.ts`); a run of more than `REPORT_ROUNDS` logged rounds is read through a
 * sample of its rounds, which a banner states (`report_rows.ts`).
 *
 * @returns The report.
 * @throws {RangeError} When the run has neither decisions nor a summary.
 *
 * @example
 * ```ts ignore
 * import { blockchainReport } from "./report.ts";
 * import { writeDocument } from "../../reports/render_document.ts";
 * const doc = await blockchainReport("data/runs/blockchain-1");
 * console.log(await writeDocument("reports/blockchain-1", doc)); // reports/blockchain-1/report.html
 * ```
 */
export async function blockchainReport(runDir: string): Promise<ReportDocument> {
  const rows = await reportRows(runDir);
  if (rows.logged === 0) {
    if (!(await exists(join(runDir, "summary.json")))) {
      throw new RangeError(`Cannot build blockchain report: ${runDir} has no decisions`);
    }
    return await blockchainSummaryReport(runDir);
  }
  try {
    return await rowsReport(runDir, rows);
  } finally {
    await rows.cleanup();
  }
}

/** The summary's exact baseline figures, when it has them all. */
function exactBaseline(summary: Record<string, unknown> | undefined): ExactBaseline | undefined {
  const run = summary?.baseline as RunBaselineVerdicts | undefined;
  const agents = summary?.agent_verdicts as Record<string, AgentBaselineVerdict> | undefined;
  const regret = summary?.regret as ExactBaseline["regret"] | undefined;
  if (!run?.late || !agents || !regret) return undefined;
  return { run, agents: Object.values(agents), regret };
}

/** The banner of a report read through a sample of the rounds. */
function sampleBanners(rows: ReportRows) {
  if (!rows.sample) return [];
  return [{
    tone: "warn" as const,
    text: `This report reads a sample of ${rows.sample.rounds} of the ${rows.logged} logged ` +
      `rounds (every ${rows.sample.stride}th round and the one before it). The verdicts, the ` +
      `late means, the baseline verdicts and the regret are summary.json's, over every round; ` +
      `the charts and the per-agent table cover the sample.`,
  }];
}

/** The report from the decision rows (every logged round, or a sample of a long run's). */
async function rowsReport(runDir: string, rows: ReportRows): Promise<ReportDocument> {
  const v = await readRun(runDir, rows.dir);
  const regretRows = regretRowsOf(v.run.config, v.df.toRecords() as Record<string, unknown>[]);
  const provenance = provenanceText(v.run.provenance);
  return {
    title: `Blockchain CPD run ${v.id}`,
    banners: [...validityBanners(v.validity), ...sampleBanners(rows)],
    intro: introBlocks(v),
    sections: [
      configSection(v),
      verdictSection(v),
      ...baselineSections(
        regretRows,
        v.window,
        v.thresholds,
        sayOf(v),
        rows.sample ? exactBaseline(v.summary) : undefined,
      ),
      chartsSection(v),
      agentsSection(v),
      ...rivalLabelSections(v),
      honestSection(v),
      trendSection(v),
      ...turningPointsSections(v),
      ...llmSections(v),
    ],
    ...(provenance ? { footer: `Provenance: ${provenance}` } : {}),
  };
}
