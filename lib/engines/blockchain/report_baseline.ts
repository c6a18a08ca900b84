/**
 * The two sections of the blockchain run report that compare the play with the rational
 * baseline (the myopic best response): the run verdicts beyond it with what each measures,
 * and a per-agent table (late action against the baseline's, excess free-riding,
 * best-response share, stage-game regret) with a chart of each miner's reward against the
 * baseline's payoff. Data only: the chart is a Vega-Lite spec.
 *
 * @module
 */
import type { DocSection } from "../../core/document.ts";
import { type AgentRegret, summarizeRegret } from "../../core/regret.ts";
import {
  type AgentBaselineVerdict,
  agentBaselineVerdicts,
  BEYOND_RATIONAL_MIN,
  RATIONAL_SHARE_MIN,
  type RunBaselineVerdicts,
  runBaselineVerdicts,
  VERDICT_MEANINGS,
} from "./baseline_verdicts.ts";
import { chartBlock } from "../../charts/chart_block.ts";
import { baselinePayoffChart } from "./charts.ts";
import { regretPoints, type StageRegretRow } from "./stage_regret.ts";
import { REGRET_NOTE } from "./summary.ts";

/**
 * A number with at most `digits` decimals, without trailing zeros; `n/a` when missing.
 *
 * @param x The number.
 * @param digits Most decimals. @default {4}
 * @returns Its text.
 */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return String(Number(x.toFixed(digits)));
}

const cpd = (x: { c: number; p: number; d: number }) => `[${fmt(x.c)}, ${fmt(x.p)}, ${fmt(x.d)}]`;

/** The verdict thresholds, as the config names them. */
type Thresholds = { parasitic_d_max: number; parasitic_p_min: number; honest_c_min: number };

/** The run verdicts beyond the rational baseline, with the pooled play behind them. */
function runVerdictSection(run: RunBaselineVerdicts, say: (v: boolean) => string): DocSection {
  const rows = [
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
  const pooled = `Pooled over ${run.miners.join(", ")}: late action ${
    cpd(run.late)
  } against the baseline's ${cpd(run.baseline)} in the same states; excess free-riding ${
    fmt(run.excess_free_ride)
  }, excess construction ${fmt(run.excess_construction)} (threshold ${BEYOND_RATIONAL_MIN}).`;
  const headline = run.rational_play && !run.parasitic_beyond_rational
    ? "The late play is rational play: it is what the myopic best response plays in the same states, not collusion beyond it."
    : run.parasitic_beyond_rational
    ? "The miners free-ride beyond what the myopic best response would."
    : "The late play departs from the myopic best response in some rounds (see the table).";
  return {
    title: "Verdicts against the rational baseline",
    blocks: [
      { text: headline },
      { table: { header: ["verdict", "value", "measures (baseline)"], rows } },
      { text: pooled },
    ],
  };
}

const AGENT_HEADER = [
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

/** Each agent's late play against the baseline's, its regret and its verdicts. */
function agentRows(
  perAgent: readonly AgentBaselineVerdict[],
  regretRows: readonly StageRegretRow[],
  say: (v: boolean) => string,
  exactRegret?: Readonly<Record<string, Partial<AgentRegret>>>,
): string[][] {
  const regret = exactRegret ?? summarizeRegret(regretPoints(regretRows));
  return perAgent.map((a) => [
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
}

/** The per-agent play against the baseline: what regret is, the table, the payoff chart. */
function agentPlaySection(
  perAgent: readonly AgentBaselineVerdict[],
  regretRows: readonly StageRegretRow[],
  say: (v: boolean) => string,
  exactRegret?: Readonly<Record<string, Partial<AgentRegret>>>,
): DocSection {
  const { from, to } = perAgent[0];
  const tableText =
    `Late window rounds ${from}–${to}. The baseline is the myopic best response in the state each miner met (build when R·alpha >= R·m^beta, else free-ride; never attack). ` +
    `Excess free-ride: mean p in rounds where free-riding fell more than 1% short of the best payoff. ` +
    `Best-response share: share of late decisions within 1% of the best payoff (rational play at >= ${RATIONAL_SHARE_MIN}). ` +
    `Regret mean and total are over all rounds.`;
  return {
    title: "Play against the rational baseline",
    blocks: [
      { text: REGRET_NOTE },
      { text: tableText },
      {
        table: { header: AGENT_HEADER, rows: agentRows(perAgent, regretRows, say, exactRegret) },
      },
      chartBlock(
        baselinePayoffChart(regretRows),
        "baseline.svg",
        "Reward of each miner per round (solid) against the myopic best response's payoff in the same state (dashed); the gap is the stage-game regret.",
      ),
    ],
  };
}

/**
 * The exact baseline figures of a run (its `summary.json`: `baseline`, `agent_verdicts`,
 * `regret`), for a report that reads only a sample of the rounds.
 */
export interface ExactBaseline {
  /** The pooled verdicts against the baseline. */
  run: RunBaselineVerdicts;
  /** Each miner's. */
  agents: AgentBaselineVerdict[];
  /** Each miner's stage-game regret over every round. */
  regret: Record<string, Partial<AgentRegret>>;
}

/**
 * The sections "Verdicts against the rational baseline" and "Play against the rational
 * baseline", or one section saying why the baseline could not be computed.
 *
 * @param regretRows The run's stage-game regret rows, or why they could not be computed.
 * @param window The late window, in rounds.
 * @param thresholds The SPEC's verdict thresholds of the run.
 * @param say A verdict in words (`inconclusive` for an invalid run).
 * @param exact The summary's figures over every round, when the rows are a sample (the
 * payoff chart still draws the sample).
 * @returns The sections, in order.
 */
export function baselineSections(
  regretRows: StageRegretRow[] | string,
  window: number,
  thresholds: Thresholds,
  say: (v: boolean) => string,
  exact?: ExactBaseline,
): DocSection[] {
  if (typeof regretRows === "string" || regretRows.length === 0) {
    const text = typeof regretRows === "string"
      ? regretRows
      : "The rational baseline could not be computed: no decision has a known start state.";
    return [{ title: "Verdicts against the rational baseline", blocks: [{ text }] }];
  }
  if (exact) {
    return [
      runVerdictSection(exact.run, say),
      agentPlaySection(exact.agents, regretRows, say, exact.regret),
    ];
  }
  const options = { window, thresholds };
  return [
    runVerdictSection(runBaselineVerdicts(regretRows, options), say),
    agentPlaySection(agentBaselineVerdicts(regretRows, options), regretRows, say),
  ];
}
