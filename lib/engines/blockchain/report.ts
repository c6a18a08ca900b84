/**
 * The report of a blockchain CPD run: configuration, the SPEC's verdicts with the numbers
 * behind them and what each measures, the verdicts against the rational baseline (myopic
 * best response) with each agent's play and stage-game regret against it, five charts, the
 * per-agent table, the honest group's floor round, the constructive trend and, for LLM
 * runs, the miners' own words at their turning points.
 *
 * Writes `report.md` (charts as SVG files next to it) and a self-contained `report.html`
 * (charts inline, no external resources). Every number comes from `lib/analysis`.
 *
 * @module
 */
import { basename, join } from "node:path";
import { exists } from "../../run/run_dir.ts";
import {
  type BudgetView,
  type CallView,
  type DecisionView,
  llmSectionHtml,
  llmSectionMd,
} from "../../reports/llm_section.ts";
import { z } from "zod";
import { parseWith, readJsonFile } from "../../core/config.ts";
import {
  agentTable,
  constructiveTrend,
  honestFloorRound,
  honestTrace,
  labelChanges,
  lateMeansFrame,
  rewardRanking,
} from "./analysis.ts";
import { loadLlmCalls } from "../../analysis/frames.ts";
import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
import { summarizeRegret } from "../../core/regret.ts";
import {
  agentBaselineVerdicts,
  BEYOND_RATIONAL_MIN,
  RATIONAL_SHARE_MIN,
  runBaselineVerdicts,
  VERDICT_MEANINGS,
} from "./baseline_verdicts.ts";
import { parseBlockchainConfig } from "./config.ts";
import {
  regretInputOf,
  regretPoints,
  type StageRegretRow,
  stageRegretRows,
} from "./stage_regret.ts";
import { REGRET_NOTE } from "./summary.ts";
import {
  baselinePayoffChart,
  cpdAllocationChart,
  cumulativeRewardChart,
  type DecisionChartRow,
  efficiencyChart,
  verdictPanel,
} from "./charts.ts";
import { toSvg } from "../../charts/render.ts";
import { type LabelKey, LABELS } from "./labels.ts";
import { lateWindow, verdicts } from "./metrics.ts";
import { flatten } from "../../reports/generic_report.ts";
import {
  escapeHtml,
  htmlPage,
  htmlTable,
  mdTable,
  provenanceText,
  validityBanner,
  validityNote,
  type ValidityView,
} from "../../reports/html.ts";
import {
  type Section,
  sectionsHtml,
  sectionsMd,
  writeSectionCharts,
} from "../../reports/sections.ts";

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

/** A number with at most `digits` decimals, without trailing zeros. */
function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return String(Number(x.toFixed(digits)));
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

/** A config value for the table: numbers without float noise, arrays inline. */
function configCell(v: unknown): unknown {
  if (typeof v === "number") return fmt(v, 9);
  if (Array.isArray(v)) return `[${v.map((x) => String(configCell(x))).join(", ")}]`;
  return v;
}

/** Escapes the characters Markdown renderers would read as HTML. */
const mdText = (text: string) =>
  text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);

/** Shortens a thought to one line of at most {@linkcode MAX_QUOTE_CHARS} characters. */
function quote(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= MAX_QUOTE_CHARS ? line : `${line.slice(0, MAX_QUOTE_CHARS - 1)}…`;
}

/**
 * Writes `report.md`, `report.html` and the chart SVGs (`cpd.svg`, `efficiency.svg`,
 * `rewards.svg`, `verdict.svg`) for the blockchain run in `runDir`.
 *
 * The late window is {@linkcode lateWindow} of the rounds played with the config's
 * `late_window`; thresholds and `eta_min` come from the run's config (SPEC defaults when
 * absent).
 *
 * @param runDir The run directory (`config.json`, `decisions.jsonl`, `llm_calls.jsonl`).
 * @param outDir Where to write; created when missing.
 * @returns The path of `report.html`.
 * @throws {RangeError} When the run has no decisions.
 *
 * @example
 * ```ts
 * import { writeBlockchainReport } from "./report.ts";
 * const html = await writeBlockchainReport("data/runs/blockchain-1", "reports/blockchain-1");
 * console.log(html); // reports/blockchain-1/report.html
 * ```
 */
export async function writeBlockchainReport(runDir: string, outDir: string): Promise<string> {
  const configPath = join(runDir, "config.json");
  const run = parseWith(ConfigFileSchema, await readJsonFile(configPath), configPath);
  const cfg = run.config;
  const df = await loadDecisions(runDir);
  if (df.height === 0) {
    throw new RangeError(`Cannot write blockchain report: ${runDir} has no decisions`);
  }
  const calls = await loadLlmCalls(runDir);
  await Deno.mkdir(outDir, { recursive: true });

  const id = basename(runDir);
  const etaMin = numberOr(cfg.eta_min, 0.1);
  const thresholds = {
    parasitic_d_max: numberOr(cfg.parasitic_d_max, 0.08),
    parasitic_p_min: numberOr(cfg.parasitic_p_min, 0.40),
    honest_c_min: numberOr(cfg.honest_c_min, 0.55),
  };
  const played = Number(df.getColumn("round").max());
  const late = lateMeansFrame(df, lateWindow(played, numberOr(cfg.late_window, 15)));
  const verdict = verdicts(late, thresholds);
  const regretRows = regretRowsOf(cfg, df.toRecords() as Record<string, unknown>[]);
  const agents = agentTable(df, calls);
  const ranking = rewardRanking(df);
  const trace = honestTrace(df);
  const floor = honestFloorRound(df, etaMin);
  const trend = constructiveTrend(df);
  const isLlm = df.getColumn("thought").nullCount() < df.height;
  const allTurns = isLlm ? labelChanges(df).filter((t) => t.thought !== null) : [];
  const turns = allTurns.slice(0, MAX_QUOTES);
  const turnsText =
    `${turns.length} of ${allTurns.length} turning points (label changes with a stated reason) quoted, the first ones in round order.`;
  const callRows = calls.toRecords() as unknown as CallView[];
  const decisionRows = df.select("agent", "fallback").toRecords() as unknown as DecisionView[];

  const rows = df.toRecords() as unknown as DecisionChartRow[];
  const charts = [
    { file: "cpd.svg", caption: "Effort allocation c / p / d of each miner per round." },
    {
      file: "efficiency.svg",
      caption:
        `Efficiency of each miner and of the honest group after each round; dashed rule at η_min = ${
          fmt(etaMin)
        }.`,
    },
    { file: "rewards.svg", caption: "Cumulative reward of each miner." },
    {
      file: "verdict.svg",
      caption: "Late-window means against the verdict thresholds.",
    },
  ];
  const specs = [
    cpdAllocationChart(rows),
    efficiencyChart(rows, etaMin),
    cumulativeRewardChart(rows),
    verdictPanel(late, thresholds),
  ];
  const svgs = await Promise.all(specs.map(toSvg));
  await Promise.all(charts.map((c, i) => Deno.writeTextFile(join(outDir, c.file), svgs[i])));

  // Tables shared by both formats.
  const configRows: unknown[][] = [
    ["experiment", run.experiment],
    ["seed", run.seed],
    ...flatten(cfg).map(([k, v]) => [k, configCell(v)]),
    ...(run.agents ?? []).map((a) => [
      `agent ${String(a.name)}`,
      a.provider === "policy" ? `policy ${String(a.policy)}` : `${a.provider} ${a.model}`,
    ]),
  ];
  const verdictHeader = ["verdict", "condition", "late mean", "threshold", "holds"];
  const verdictRows = [
    [
      "parasitic equilibrium",
      "d < threshold",
      fmtLate(late.d),
      fmt(thresholds.parasitic_d_max),
      yesNo(late.d < thresholds.parasitic_d_max),
    ],
    [
      "parasitic equilibrium",
      "p > threshold",
      fmtLate(late.p),
      fmt(thresholds.parasitic_p_min),
      yesNo(late.p > thresholds.parasitic_p_min),
    ],
    [
      "honest convergence",
      "c > threshold",
      fmtLate(late.c),
      fmt(thresholds.honest_c_min),
      yesNo(late.c > thresholds.honest_c_min),
    ],
  ];
  const counted = agents.some((a) => a.llm) ? "LLM miners" : "all miners (policy run)";
  const verdictMeaningText =
    "What these measure: both are the SPEC's verdicts on the pooled late means, against no " +
    "baseline. Parasitic equilibrium says the miners free-ride and nobody attacks, which " +
    "myopically rational play also gives while the others' efficiency is high; the next " +
    "section compares the play with the rational baseline.";
  const windowText = `Late window: rounds ${late.from}–${late.to} (${
    late.to - late.from + 1
  } rounds of ${played}), mean over ${counted}: ${late.miners.join(", ")}.`;
  const agentHeader = [
    "agent",
    "kind / model",
    "mean action [c, p, d]",
    "label",
    "reward",
    "tokens",
    "valid-action rate",
  ];
  const agentRows = agents.map((a) => [
    a.agent,
    who(a),
    `[${fmt(a.c)}, ${fmt(a.p)}, ${fmt(a.d)}]`,
    labelName(a.label),
    fmt(a.reward),
    a.tokens,
    fmt(a.valid_action_rate),
  ]);
  const totals = agents.reduce(
    (t, a) => ({
      calls: t.calls + a.calls,
      input: t.input + a.input_tokens,
      output: t.output + a.output_tokens,
      cost: t.cost + a.cost_usd,
    }),
    { calls: 0, input: 0, output: 0, cost: 0 },
  );
  const usageText = totals.calls > 0
    ? `LLM usage: ${totals.calls} calls, ${totals.input} input and ${totals.output} output tokens, $${
      fmt(totals.cost)
    }.`
    : "No LLM calls.";
  const floorText = floor === null
    ? `The honest group never reached η_min = ${fmt(etaMin)}; its efficiency ended at ${
      fmt(trace.at(-1))
    }.`
    : `The honest group first reached η_min = ${
      fmt(etaMin)
    } after round ${floor}; its efficiency ended at ${fmt(trace.at(-1))}.`;
  const half = Math.floor(played / 2);
  const trendHeader = ["half", "rounds", "mean c"];
  const trendRows = [
    ["first", half >= 1 ? `1–${half}` : "none", fmt(trend.first_half)],
    ["second", `${half + 1}–${played}`, fmt(trend.second_half)],
    ["change", "", fmt(trend.delta)],
  ];
  const trendText = trend.delta === null
    ? "Too few rounds for a trend."
    : `Mean construction c of the ${counted} went from ${fmt(trend.first_half)} to ${
      fmt(trend.second_half)
    } (${trend.delta > 0 ? "+" : ""}${fmt(trend.delta)}).`;
  const quoteHead = (t: (typeof turns)[number]) =>
    `${t.agent}, round ${t.round} (${labelName(t.from)} → ${labelName(t.to)}, action [${
      fmt(t.c)
    }, ${fmt(t.p)}, ${fmt(t.d)}])`;
  const noTurns = "No miner changed its strategy label; no turning point to quote.";

  // The summary's validity decides whether the verdicts stand (fallbacks are not findings).
  const summaryPath = join(runDir, "summary.json");
  const runSummary = (await exists(summaryPath))
    ? JSON.parse(await Deno.readTextFile(summaryPath))
    : undefined;
  const validity = runSummary?.validity as ValidityView | undefined;
  const llmBudget = runSummary?.llm_budget as BudgetView | undefined;
  const invalid = validity !== undefined && !validity.valid;
  const say = (v: boolean) => invalid ? "inconclusive" : yesNo(v);
  const baselineSections = await baselineSectionsOf(
    regretRows,
    lateWindow(played, numberOr(cfg.late_window, 15)),
    thresholds,
    say,
  );
  const verdictClass = (v: boolean) => invalid ? "inconclusive" : v ? "yes" : "no";
  const headline = `Parasitic equilibrium: ${say(verdict.parasitic_equilibrium)}. ` +
    `Honest convergence: ${say(verdict.honest_convergence)}.`;
  const md = [
    `# Blockchain CPD run ${id}`,
    "",
    validityNote(validity),
    `Experiment \`${run.experiment}\`, seed ${run.seed}, ${played} rounds, miners ${
      agents.map((a) => a.agent).join(", ")
    }.`,
    "",
    `Provenance: ${provenanceText(run.provenance)}`,
    "",
    "## Configuration",
    "",
    mdTable(["parameter", "value"], configRows),
    "",
    "## Verdicts",
    "",
    `**${headline}**`,
    "",
    windowText,
    "",
    mdTable(verdictHeader, verdictRows),
    "",
    verdictMeaningText,
    "",
    ...sectionsMd(baselineSections),
    "## Charts",
    "",
    ...charts.flatMap((c) => [`![${c.caption}](${c.file})`, "", `*${c.caption}*`, ""]),
    "## Agents",
    "",
    mdTable(agentHeader, agentRows),
    "",
    `Reward ranking: ${ranking.join(" > ")}. ${usageText}`,
    "",
    "## Honest group",
    "",
    floorText,
    "",
    "## Constructive trend",
    "",
    trendText,
    "",
    mdTable(trendHeader, trendRows),
    "",
    ...(isLlm
      ? [
        "## Turning points",
        "",
        ...(turns.length === 0 ? [noTurns, ""] : [turnsText, ""]),
        ...(turns.length === 0 ? [] : turns.flatMap((t) => [
          `**${quoteHead(t)}**`,
          "",
          `> ${mdText(quote(t.thought!))}`,
          "",
        ])),
      ]
      : []),
    llmSectionMd(callRows, decisionRows, llmBudget),
  ].join("\n");
  await writeSectionCharts(outDir, baselineSections);
  await Deno.writeTextFile(join(outDir, "report.md"), md);

  const html = htmlPage(
    `Blockchain CPD run ${id}`,
    [
      `<h1>Blockchain CPD run ${escapeHtml(id)}</h1>`,
      validityBanner(validity),
      `<p>Experiment <code>${
        escapeHtml(run.experiment)
      }</code>, seed ${run.seed}, ${played} rounds, miners ${
        escapeHtml(agents.map((a) => a.agent).join(", "))
      }.</p>`,
      `<p><small>Provenance: ${escapeHtml(provenanceText(run.provenance))}</small></p>`,
      "<h2>Configuration</h2>",
      htmlTable(["parameter", "value"], configRows),
      "<h2>Verdicts</h2>",
      `<p><span class="verdict ${
        verdictClass(verdict.parasitic_equilibrium)
      }">Parasitic equilibrium: ${say(verdict.parasitic_equilibrium)}</span> <span class="verdict ${
        verdictClass(verdict.honest_convergence)
      }">Honest convergence: ${say(verdict.honest_convergence)}</span></p>`,
      `<p>${escapeHtml(windowText)}</p>`,
      htmlTable(verdictHeader, verdictRows),
      `<p>${escapeHtml(verdictMeaningText)}</p>`,
      ...sectionsHtml(baselineSections),
      "<h2>Charts</h2>",
      ...charts.map((c, i) =>
        `<figure>${svgs[i]}<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`
      ),
      "<h2>Agents</h2>",
      htmlTable(agentHeader, agentRows),
      `<p>Reward ranking: ${escapeHtml(ranking.join(" > "))}. ${escapeHtml(usageText)}</p>`,
      "<h2>Honest group</h2>",
      `<p>${escapeHtml(floorText)}</p>`,
      "<h2>Constructive trend</h2>",
      `<p>${escapeHtml(trendText)}</p>`,
      htmlTable(trendHeader, trendRows),
      ...(isLlm
        ? [
          "<h2>Turning points</h2>",
          ...(turns.length === 0 ? [`<p>${noTurns}</p>`] : [
            `<p>${escapeHtml(turnsText)}</p>`,
            ...turns.map((t) =>
              `<p><b>${escapeHtml(quoteHead(t))}</b></p>\n<blockquote>${
                escapeHtml(quote(t.thought!))
              }</blockquote>`
            ),
          ]),
        ]
        : []),
      llmSectionHtml(callRows, decisionRows, llmBudget),
    ].join("\n"),
  );
  const path = join(outDir, "report.html");
  await Deno.writeTextFile(path, html);
  return path;
}

/**
 * The sections "Verdicts against the rational baseline" and "Play against the rational
 * baseline": run verdicts with what they measure, a per-agent table (late action against
 * the baseline's, excess free-riding, best-response share, stage-game regret) and a chart of
 * each miner's reward against the baseline's payoff.
 */
async function baselineSectionsOf(
  regretRows: StageRegretRow[] | string,
  window: number,
  thresholds: { parasitic_d_max: number; parasitic_p_min: number; honest_c_min: number },
  say: (v: boolean) => string,
): Promise<Section[]> {
  if (typeof regretRows === "string" || regretRows.length === 0) {
    const text = typeof regretRows === "string"
      ? regretRows
      : "The rational baseline could not be computed: no decision has a known start state.";
    return [{ title: "Verdicts against the rational baseline", parts: [{ text }] }];
  }
  const options = { window, thresholds };
  const run = runBaselineVerdicts(regretRows, options);
  const perAgent = agentBaselineVerdicts(regretRows, options);
  const regret = summarizeRegret(regretPoints(regretRows));
  const cpd = (x: { c: number; p: number; d: number }) => `[${fmt(x.c)}, ${fmt(x.p)}, ${fmt(x.d)}]`;
  const verdictRows = [
    [
      "parasitic beyond rational",
      say(run.parasitic_beyond_rational),
      VERDICT_MEANINGS.parasitic_beyond_rational,
    ],
    [
      "honest beyond rational",
      say(run.honest_beyond_rational),
      VERDICT_MEANINGS.honest_beyond_rational,
    ],
    ["rational play", say(run.rational_play), VERDICT_MEANINGS.rational_play],
  ];
  const pooledText = `Pooled over ${run.miners.join(", ")}: late action ${
    cpd(run.late)
  } against the baseline's ${cpd(run.baseline)} in the same states; excess free-riding ${
    fmt(run.excess_free_ride)
  }, excess construction ${fmt(run.excess_construction)} (threshold ${BEYOND_RATIONAL_MIN}).`;
  const headline = run.rational_play && !run.parasitic_beyond_rational
    ? "The late play is rational play: it is what the myopic best response plays in the same states, not collusion beyond it."
    : run.parasitic_beyond_rational
    ? "The miners free-ride beyond what the myopic best response would."
    : "The late play departs from the myopic best response in some rounds (see the table).";
  const header = [
    "agent",
    "late [c, p, d]",
    "baseline [c, p, d]",
    "excess free-ride",
    "best-response share",
    "stage regret mean",
    "stage regret total",
    "near-best share (LLM)",
    "parasitic play",
    "beyond rational",
    "rational play",
  ];
  const rows = perAgent.map((a) => [
    a.agent,
    cpd(a.late),
    cpd(a.baseline),
    fmt(a.excess_free_ride),
    fmt(a.best_response_share),
    fmt(regret[a.agent]?.mean),
    fmt(regret[a.agent]?.total),
    regret[a.agent]?.near_best_share === null ? "–" : fmt(regret[a.agent]?.near_best_share),
    say(a.parasitic_play),
    say(a.parasitic_beyond_rational),
    say(a.rational_play),
  ]);
  const from = perAgent[0].from;
  const to = perAgent[0].to;
  const tableText =
    `Late window rounds ${from}–${to}. The baseline is the myopic best response in the state each miner met (build when R·alpha >= R·m^beta, else free-ride; never attack). ` +
    `Excess free-ride: mean p in rounds where free-riding fell more than 1% short of the best payoff. ` +
    `Best-response share: share of late decisions within 1% of the best payoff (rational play at >= ${RATIONAL_SHARE_MIN}). ` +
    `Regret mean and total are over all rounds.`;
  const chart = baselinePayoffChart(regretRows);
  const svg = await toSvg(chart);
  return [
    {
      title: "Verdicts against the rational baseline",
      parts: [
        { text: headline },
        { table: { header: ["verdict", "value", "measures (baseline)"], rows: verdictRows } },
        { text: pooledText },
      ],
    },
    {
      title: "Play against the rational baseline",
      parts: [
        { text: REGRET_NOTE },
        { text: tableText },
        { table: { header, rows } },
        {
          chart: {
            file: "baseline.svg",
            svg,
            caption:
              "Reward of each miner per round (solid) against the myopic best response's payoff in the same state (dashed); the gap is the stage-game regret.",
          },
        },
      ],
    },
  ];
}
