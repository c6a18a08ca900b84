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

const r9 = (x: number) => Math.round(x * 1e9) / 1e9;

/** The summary of the run in `dir`. */
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
  const trend = constructiveTrend(df);
  const { calls: callRows, decisions } = await readRunLogs(dir);
  return {
    rounds,
    miners: config.miners,
    parasitic_equilibrium: v.parasitic_equilibrium,
    honest_convergence: v.honest_convergence,
    late: {
      c: r9(late.c),
      p: r9(late.p),
      d: r9(late.d),
      from: late.from,
      to: late.to,
      window: late.window,
      miners: late.miners,
    },
    thresholds,
    honest_efficiency_trace: honestTrace(df),
    honest_floor_round: honestFloorRound(df, config.eta_min),
    reward_ranking: rewardRanking(df),
    agents,
    constructive_trend: {
      first_half: trend.first_half === null ? null : r9(trend.first_half),
      second_half: trend.second_half === null ? null : r9(trend.second_half),
      delta: trend.delta === null ? null : r9(trend.delta),
    },
    valid_action_rate: decisions.length
      ? decisions.filter((d) => !d.fallback).length / decisions.length
      : 1,
    llm: usageTotals(callRows),
  };
}
