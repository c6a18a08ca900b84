/**
 * `summary.json` of a blockchain run, computed from the run directory's logs through the
 * Polars frames and metrics of `lib/analysis` (the same code the reports and notebooks use).
 *
 * @module
 */
import { loadLlmCalls } from "../../analysis/frames.ts";
import { loadBlockchainDecisions as loadDecisions } from "./analysis.ts";
import {
  agentTable,
  constructiveTrend,
  honestFloorRound,
  honestTrace,
  lateMeansFrame,
  rewardRanking,
} from "./analysis.ts";
import { readRunLogs, usageTotals } from "../../core/summary.ts";
import type { BlockchainConfig } from "./config.ts";
import { LABELS } from "./labels.ts";
import { lateWindow, verdicts } from "./metrics.ts";
import { summarizeRegret } from "../../core/regret.ts";
import { regretInputOf, regretPoints, stageRegretRows } from "./stage_regret.ts";
import {
  agentBaselineVerdicts,
  BEYOND_RATIONAL_MIN,
  RATIONAL_SHARE_MIN,
  runBaselineVerdicts,
  VERDICT_MEANINGS,
} from "./baseline_verdicts.ts";

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

/** What `summary.json` says its `regret` is. */
export const REGRET_NOTE: string =
  "Stage-game (myopic) regret: per decision, the payoff of the myopic best response in the " +
  "state the miner met, minus its reward. Not an equilibrium test: in the repeated game " +
  "cooperation can be sustained by future punishment, and an attack pays only in later rounds.";

/**
 * The summary of the run in `dir`: the SPEC's late means and verdicts, and against the
 * rational baseline (the myopic best response) `regret` (stage-game regret per agent, from
 * `summarizeRegret`), `rational_baseline` (per agent, the baseline's payoff each round and
 * whether it free-rides), `agent_verdicts` and the run verdicts `parasitic_beyond_rational`,
 * `honest_beyond_rational`, `rational_play` (see `baseline_verdicts.ts`).
 */
export async function summarizeBlockchainRun(
  dir: string,
  config: BlockchainConfig,
): Promise<Record<string, unknown>> {
  // Rows are logged at every step by default; with fewer rows the figures cover those logged.
  const df = await loadDecisions(dir);
  const calls = await loadLlmCalls(dir);
  const rounds = Number(df.getColumn("round").max());
  const late = lateMeansFrame(df, lateWindow(rounds, config.late_window));
  const thresholds = {
    parasitic_d_max: config.parasitic_d_max,
    parasitic_p_min: config.parasitic_p_min,
    honest_c_min: config.honest_c_min,
  };
  const v = verdicts(late, thresholds);
  const agents = Object.fromEntries(
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
  const window = lateWindow(rounds, config.late_window);
  const regretRows = stageRegretRows(
    regretInputOf(
      df.select("round", "agent", "c", "p", "d", "reward", "efficiency", "honest_efficiency", "llm")
        .toRecords(),
    ),
    config,
  );
  const baselineOptions = { window, thresholds: { ...thresholds } };
  const runBaseline = regretRows.length ? runBaselineVerdicts(regretRows, baselineOptions) : null;
  const rationalBaseline = Object.fromEntries(
    config.miners.map((m) => {
      const mine = regretRows.filter((r) => r.agent === m);
      return [m, {
        rounds: mine.map((r) => r.round),
        payoff: mine.map((r) => r9(r.best)),
        free_ride: mine.map((r) => r.best_action[1] === 1),
      }];
    }),
  );
  const trend = constructiveTrend(df);
  const { calls: callRows, decisions } = await readRunLogs(dir);
  // LLM seats (or their replays): a kind not starting with policy/strategy, as frames.ts reads it
  const llmRows = decisions.filter((d) => {
    const kind = (d as { kind?: unknown }).kind;
    return typeof kind === "string" && !/^(policy|strategy)/.test(kind);
  });
  return {
    rounds,
    miners: config.miners,
    parasitic_equilibrium: v.parasitic_equilibrium,
    honest_convergence: v.honest_convergence,
    parasitic_beyond_rational: runBaseline?.parasitic_beyond_rational ?? false,
    honest_beyond_rational: runBaseline?.honest_beyond_rational ?? false,
    rational_play: runBaseline?.rational_play ?? false,
    verdict_meanings: VERDICT_MEANINGS,
    late: {
      c: r9(late.c),
      p: r9(late.p),
      d: r9(late.d),
      from: late.from,
      to: late.to,
      window: late.window,
      miners: late.miners,
    },
    thresholds: {
      ...thresholds,
      beyond_rational_min: BEYOND_RATIONAL_MIN,
      rational_share_min: RATIONAL_SHARE_MIN,
    },
    regret: summarizeRegret(regretPoints(regretRows)),
    regret_note: REGRET_NOTE,
    baseline: runBaseline && rounded(runBaseline),
    agent_verdicts: regretRows.length
      ? Object.fromEntries(
        agentBaselineVerdicts(regretRows, baselineOptions).map((a) => [a.agent, rounded(a)]),
      )
      : {},
    rational_baseline: rationalBaseline,
    honest_efficiency_trace: honestTrace(df),
    honest_floor_round: honestFloorRound(df, config.eta_min),
    reward_ranking: rewardRanking(df),
    agents,
    constructive_trend: {
      first_half: trend.first_half === null ? null : r9(trend.first_half),
      second_half: trend.second_half === null ? null : r9(trend.second_half),
      delta: trend.delta === null ? null : r9(trend.delta),
    },
    // LLM seats only (scripted seats never fall back); null for a run without LLM seats
    valid_action_rate: llmRows.length
      ? llmRows.filter((d) => !d.fallback).length / llmRows.length
      : null,
    llm: usageTotals(callRows),
  };
}
