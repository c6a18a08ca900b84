/**
 * The delegation figures as plain records, for the reports (which must not load Polars: the
 * run and study commands reach them by a dynamic import, and Deno prepares such imports at
 * start-up) and for the chart builders. `analysis.ts` gives the same figures as Polars
 * DataFrames, under the names a researcher uses (`phaseCounts`, `providerTable`,
 * `phaseTable`, `heatmapCells`, `utilityByOwnStrategy`).
 *
 * @example
 * ```ts
 * import { heatmapRows } from "./figures.ts";
 * const rows = [{ strategy_combination: "honest-ours", total_user_utility: 10, seed: 1 },
 *   { strategy_combination: "honest-ours", total_user_utility: 20, seed: 2 }];
 * console.log(heatmapRows(rows)); // [{ row: "honest", column: "ours", user_utility: 15, runs: 2 }]
 * ```
 * @module
 */
import type { StudyRow } from "./study.ts";
import { type DelegationSummary, PHASE_SLOTS, type PhaseFigures } from "./summary.ts";

/** A line of {@linkcode phaseCountRows}. */
export interface PhaseCount {
  /** The phase slot. */
  phase: typeof PHASE_SLOTS[number];
  /** Delegations made in it. */
  delegations: number;
}

/** Delegations per phase slot, in phase order. */
export function phaseCountRows(
  summary: Pick<DelegationSummary, "delegations_per_phase">,
): PhaseCount[] {
  return PHASE_SLOTS.map((phase) => ({
    phase,
    delegations: summary.delegations_per_phase[phase],
  }));
}

/** A line of {@linkcode providerUtilityRows}. */
export interface ProviderUtility {
  /** The provider's name. */
  provider: string;
  /** Which utility `value` is. */
  measure: "provider utility" | "user utility";
  /** The utility, summed over the run. */
  value: number;
}

/** Per-provider utilities: provider utility and the user's utility of its delegations. */
export function providerUtilityRows(
  summary: Pick<DelegationSummary, "provider_stats">,
): ProviderUtility[] {
  return Object.values(summary.provider_stats).flatMap((p) => [
    { provider: p.name, measure: "provider utility", value: p.provider_utility },
    { provider: p.name, measure: "user utility", value: p.user_utility },
  ]);
}

/** A row of {@linkcode providerRows} (sums over the run). */
export interface ProviderTableRow {
  /** The provider's index in the config. */
  id: number;
  /** The provider's name. */
  provider: string;
  /** Delegations it served. */
  delegations: number;
  /** Delegations served with a model other than its best. */
  substitutions: number;
  /** Sum of the rewards of its delegations. */
  total_reward: number;
  /** Sum of billed prices. */
  total_price: number;
  /** Sum of costs. */
  total_cost: number;
  /** `eta * total_price - total_cost`. */
  provider_utility: number;
  /** Sum of `reward - price` over its delegations. */
  user_utility: number;
  /** Prompt plus completion tokens. */
  tokens: number;
}

/** The per-provider table of a run. */
export function providerRows(
  summary: Pick<DelegationSummary, "provider_stats">,
): ProviderTableRow[] {
  return Object.entries(summary.provider_stats).map(([id, p]) => ({
    id: Number(id),
    provider: p.name,
    delegations: p.delegations,
    substitutions: p.substitutions,
    total_reward: p.total_reward,
    total_price: p.total_price,
    total_cost: p.total_cost,
    provider_utility: p.provider_utility,
    user_utility: p.user_utility,
    tokens: p.total_tokens,
  }));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A cell of {@linkcode heatmapRows}. */
export interface HeatmapCell {
  /** The strategies of every provider but the last, joined by `-`. */
  row: string;
  /** The last provider's strategy. */
  column: string;
  /** Mean `total_user_utility` over the runs of the cell. */
  user_utility: number;
  /** Runs (seeds) in the cell. */
  runs: number;
}

/**
 * The user-utility heatmap of a study: rows are the strategies of every provider but the
 * last, columns the last provider's strategy; each cell the mean `total_user_utility` over
 * seeds.
 *
 * @param rows Study rows.
 */
export function heatmapRows(rows: readonly StudyRow[]): HeatmapCell[] {
  const groups = new Map<string, { row: string; column: string; values: number[] }>();
  for (const r of rows) {
    const combo = String(r.strategy_combination).split("-");
    const row = combo.slice(0, -1).join("-") || "(one provider)";
    const column = combo.at(-1)!;
    const key = `${row}|${column}`;
    if (!groups.has(key)) groups.set(key, { row, column, values: [] });
    groups.get(key)!.values.push(Number(r.total_user_utility));
  }
  return [...groups.values()].map((g) => ({
    row: g.row,
    column: g.column,
    user_utility: mean(g.values),
    runs: g.values.length,
  }));
}

/** A line of {@linkcode strategyUtilityRows}. */
export interface StrategyUtility {
  /** `provider <i>` (1-based position in the config). */
  provider: string;
  /** The strategy it played. */
  strategy: string;
  /** Mean provider utility over the runs it played the strategy in. */
  utility: number;
  /** Smallest utility over those runs. */
  min: number;
  /** Largest utility over those runs. */
  max: number;
  /** Runs it played the strategy in. */
  runs: number;
}

/**
 * Each provider's utility by its own strategy, over every combination and seed: mean, min,
 * max and the number of runs.
 *
 * @param rows Study rows (columns `provider<i>_strategy` and `provider_<i>_<strategy>`).
 */
export function strategyUtilityRows(rows: readonly StudyRow[]): StrategyUtility[] {
  const groups = new Map<string, { provider: string; strategy: string; values: number[] }>();
  for (const r of rows) {
    for (let i = 1; r[`provider${i}_strategy`] != null; i++) {
      const strategy = String(r[`provider${i}_strategy`]);
      const value = Number(r[`provider_${i}_${strategy}`]);
      const key = `${i}|${strategy}`;
      if (!groups.has(key)) groups.set(key, { provider: `provider ${i}`, strategy, values: [] });
      groups.get(key)!.values.push(value);
    }
  }
  return [...groups.values()].map((g) => ({
    provider: g.provider,
    strategy: g.strategy,
    utility: mean(g.values),
    min: Math.min(...g.values),
    max: Math.max(...g.values),
    runs: g.values.length,
  }));
}

/** The paper's phase of each phase slot: 1 exploration, 2 exploitation and incentive, 3. */
export const PAPER_PHASE: Readonly<Record<(typeof PHASE_SLOTS)[number], number>> = {
  exploration: 1,
  exploitation: 2,
  bonus: 2,
  incentive: 2,
  utility_based: 3,
};

/** A row of {@linkcode phaseRows}: one phase's figures over every provider or for one. */
export interface PhaseRow extends PhaseFigures {
  /** The phase slot. */
  phase: (typeof PHASE_SLOTS)[number];
  /** The paper's phase: 1 exploration; 2 exploitation, bonus and incentive; 3 utility-based. */
  paper_phase: number;
  /** The provider's 1-based id; 0 for the row over every provider. */
  provider_id: number;
}

/**
 * The per-phase rows of a run's summary: per phase slot in order, a row over every provider
 * (`provider_id` 0) then one per provider that served in it.
 *
 * @param perPhase The summary's `per_phase`.
 */
export function phaseRows(perPhase: NonNullable<DelegationSummary["per_phase"]>): PhaseRow[] {
  return PHASE_SLOTS.flatMap((phase) => {
    const { providers, ...total } = perPhase[phase];
    const base = { phase, paper_phase: PAPER_PHASE[phase] };
    return [
      { ...base, provider_id: 0, ...total },
      ...Object.entries(providers).filter(([, p]) => p.delegations > 0)
        .map(([id, p]) => ({ ...base, provider_id: Number(id), ...p })),
    ];
  });
}
