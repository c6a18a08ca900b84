/**
 * Test oracle: `summary.json` of a blockchain run as it was computed before the engine kept a
 * running tally, from every decision row through the Polars frames of `lib/analysis`. The
 * tests check the tally's summary against it, field by field, on runs with every row.
 *
 * @module
 */
import type pl from "nodejs-polars";
import { loadLlmCalls } from "../../../lib/analysis/frames.ts";
import { loadBlockchainDecisions as loadDecisions } from "../../../lib/engines/blockchain/analysis.ts";
import {
  agentTable,
  constructiveTrend,
  honestFloorRound,
  honestTrace,
  lateMeansFrame,
  type LateMeansRecord,
  rewardRanking,
} from "../../../lib/engines/blockchain/analysis.ts";
import { readRunLogs, usageTotals } from "../../../lib/core/summary.ts";
import type { BlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { LABELS } from "../../../lib/engines/blockchain/labels.ts";
import { REGRET_NOTE } from "../../../lib/engines/blockchain/summary.ts";
import {
  type LabelRow,
  RIVAL_LABEL_NOTE,
  rivalLabelAccuracyOfRows,
} from "../../../lib/engines/blockchain/label_accuracy.ts";
import {
  lateWindow,
  verdicts,
  type VerdictThresholds,
} from "../../../lib/engines/blockchain/metrics.ts";
import { summarizeRegret } from "../../../lib/core/regret.ts";
import {
  regretInputOf,
  regretPoints,
  type StageRegretRow,
  stageRegretRows,
} from "../../../lib/engines/blockchain/stage_regret.ts";
import {
  agentBaselineVerdicts,
  BEYOND_RATIONAL_MIN,
  RATIONAL_SHARE_MIN,
  runBaselineVerdicts,
  VERDICT_MEANINGS,
} from "../../../lib/engines/blockchain/baseline_verdicts.ts";

const r9 = (x: number) => Math.round(x * 1e9) / 1e9;

/** Rounds every number of a plain record (nested records and arrays too) to 9 decimals. */
function rounded(v: unknown): unknown {
  if (typeof v === "number") return r9(v);
  if (Array.isArray(v)) return v.map(rounded);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  }
  return v;
}

/** Each miner's line of `summary.agents`. */
function agentsSummary(df: pl.DataFrame, calls: pl.DataFrame): Record<string, unknown> {
  return Object.fromEntries(
    agentTable(df, calls).map((a) => [a.agent, {
      kind: a.kind,
      model: a.model,
      mean_action: [r9(a.c), r9(a.p), r9(a.d)],
      label: a.label,
      label_en: LABELS[a.label].en,
      label_zh: LABELS[a.label].zh,
      reward: r9(a.reward),
      valid_action_rate: a.valid_action_rate,
      tokens: a.tokens,
      cost_usd: r9(a.cost_usd),
    }]),
  );
}

/** Per miner, the rational baseline's payoff each round and whether it free-rides. */
function rationalBaselineOf(
  miners: readonly string[],
  regretRows: readonly StageRegretRow[],
): Record<string, unknown> {
  return Object.fromEntries(
    miners.map((m) => {
      const mine = regretRows.filter((r) => r.agent === m);
      return [m, {
        rounds: mine.map((r) => r.round),
        payoff: mine.map((r) => r9(r.best)),
        free_ride: mine.map((r) => r.best_action[1] === 1),
      }];
    }),
  );
}

/** The stage-regret rows of every logged decision against the myopic best response. */
function regretRowsOf(df: pl.DataFrame, config: BlockchainConfig): StageRegretRow[] {
  return stageRegretRows(
    regretInputOf(
      df.select("round", "agent", "c", "p", "d", "reward", "efficiency", "honest_efficiency", "llm")
        .toRecords(),
    ),
    config,
  );
}

/** The verdicts against the rational baseline: run, per agent, and the regret summaries. */
function baselineSummary(
  regretRows: readonly StageRegretRow[],
  window: number,
  thresholds: VerdictThresholds,
) {
  const options = { window, thresholds: { ...thresholds } };
  const run = regretRows.length ? runBaselineVerdicts(regretRows, options) : null;
  return {
    run,
    agentVerdicts: regretRows.length
      ? Object.fromEntries(
        agentBaselineVerdicts(regretRows, options).map((a) => [a.agent, rounded(a)]),
      )
      : {},
  };
}

/** The late-window means, nested (`late`) and flat (`late_c`, `late_p`, `late_d`). */
function lateSummary(late: LateMeansRecord) {
  return {
    late: {
      c: r9(late.c),
      p: r9(late.p),
      d: r9(late.d),
      from: late.from,
      to: late.to,
      window: late.window,
      miners: late.miners,
    },
    // Flat copies: sweep frames and `runs.parquet` take top-level numbers as metrics.
    late_c: r9(late.c),
    late_p: r9(late.p),
    late_d: r9(late.d),
  };
}

/** The share of LLM decisions (or their replays) that were not fallbacks; `null` without. */
function llmValidActionRate(decisions: readonly Record<string, unknown>[]): number | null {
  // LLM seats: a kind not starting with policy/strategy, as frames.ts reads it
  const llmRows = decisions.filter((d) => {
    const kind = d.kind;
    return typeof kind === "string" && !/^(policy|strategy)/.test(kind);
  });
  return llmRows.length ? llmRows.filter((d) => !d.fallback).length / llmRows.length : null;
}

const roundedOrNull = (x: number | null) => x === null ? null : r9(x);

/**
 * The summary of the run in `dir`: the SPEC's late means (`late`, and flat as `late_c`,
 * `late_p`, `late_d`) and verdicts, and against the rational baseline (the myopic best
 * response) `regret` (stage-game regret per agent, from `summarizeRegret`),
 * `rational_baseline` (per agent, the baseline's payoff each round and whether it
 * free-rides), `agent_verdicts` and the run verdicts `parasitic_beyond_rational`,
 * `honest_beyond_rational`, `rational_play` (see `baseline_verdicts.ts`).
 */
export async function summarizeFromRows(
  dir: string,
  config: BlockchainConfig,
): Promise<Record<string, unknown>> {
  // Rows are logged at every step by default; with fewer rows the figures cover those logged.
  const df = await loadDecisions(dir);
  const rounds = Number(df.getColumn("round").max());
  const window = lateWindow(rounds, config.late_window);
  const late = lateMeansFrame(df, window);
  const thresholds = {
    parasitic_d_max: config.parasitic_d_max,
    parasitic_p_min: config.parasitic_p_min,
    honest_c_min: config.honest_c_min,
  };
  const v = verdicts(late, thresholds);
  const regretRows = regretRowsOf(df, config);
  const baseline = baselineSummary(regretRows, window, thresholds);
  const trend = constructiveTrend(df);
  const { calls: callRows, decisions } = await readRunLogs(dir);
  return {
    rounds,
    miners: config.miners,
    parasitic_equilibrium: v.parasitic_equilibrium,
    honest_convergence: v.honest_convergence,
    parasitic_beyond_rational: baseline.run?.parasitic_beyond_rational ?? false,
    honest_beyond_rational: baseline.run?.honest_beyond_rational ?? false,
    rational_play: baseline.run?.rational_play ?? false,
    verdict_meanings: VERDICT_MEANINGS,
    ...lateSummary(late),
    thresholds: {
      ...thresholds,
      beyond_rational_min: BEYOND_RATIONAL_MIN,
      rational_share_min: RATIONAL_SHARE_MIN,
    },
    regret: summarizeRegret(regretPoints(regretRows)),
    regret_note: REGRET_NOTE,
    baseline: baseline.run && rounded(baseline.run),
    agent_verdicts: baseline.agentVerdicts,
    rational_baseline: rationalBaselineOf(config.miners, regretRows),
    honest_efficiency_trace: honestTrace(df),
    honest_floor_round: honestFloorRound(df, config.eta_min),
    reward_ranking: rewardRanking(df),
    agents: agentsSummary(df, await loadLlmCalls(dir)),
    constructive_trend: {
      first_half: roundedOrNull(trend.first_half),
      second_half: roundedOrNull(trend.second_half),
      delta: roundedOrNull(trend.delta),
    },
    // LLM seats only (scripted seats never fall back); null for a run without LLM seats
    valid_action_rate: llmValidActionRate(decisions as Record<string, unknown>[]),
    // each row's rival_labels against the rivals' rows of the same round
    rival_label_accuracy: rounded(
      rivalLabelAccuracyOfRows(decisions as unknown as LabelRow[], config.miners),
    ),
    rival_label_note: RIVAL_LABEL_NOTE,
    llm: usageTotals(callRows),
  };
}
