/**
 * The delegation figures behind the charts and tables, as plain records: pure functions of
 * a run's summary and decision rows, or of the study's rows. No I/O, no markup.
 *
 * @example
 * ```ts
 * import { heatmapCells } from "./analysis.ts";
 * const rows = [{ strategy_combination: "honest-ours", total_user_utility: 10, seed: 1 },
 *   { strategy_combination: "honest-ours", total_user_utility: 20, seed: 2 }];
 * console.log(heatmapCells(rows)); // [{ row: "honest", column: "ours", user_utility: 15, runs: 2 }]
 * ```
 * @module
 */
import type { StudyRow } from "./study.ts";
import { type DelegationSummary, PHASE_SLOTS } from "./summary.ts";

/** One point of the phase timeline. */
export interface TimelinePoint {
  /** The delegation's time step (its index in the run, from 0). */
  time: number;
  /** The provider that served it. */
  provider: string;
  /** The phase it was made in (`exploration`, `exploitation`, ...). */
  phase: string;
  /** The model the provider served it with. */
  model: string;
}

/** A delegation row as the timeline reads it. */
export interface TimelineRow {
  /** The delegation's time step. */
  time: number;
  /** The provider, as decision rows name it. */
  agent?: string;
  /** The provider, as engine records name it (wins over `agent`). */
  provider?: string;
  /** The phase it was made in. */
  phase: string;
  /** The model the provider served it with. */
  model: string;
}

/**
 * The delegations over time, at most `maxPoints` of them (every k-th row when there are
 * more; the kept rows are evenly spread).
 *
 * @param rows Decision rows (or engine records with `provider` and a phase name).
 * @param maxPoints The most points kept. @default 4000
 */
export function phaseTimeline(rows: readonly TimelineRow[], maxPoints = 4000): TimelinePoint[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(`Cannot build timeline: 'maxPoints' must be >= 1, got ${maxPoints}`);
  }
  const k = Math.max(1, Math.ceil(rows.length / maxPoints));
  const out: TimelinePoint[] = [];
  for (let i = 0; i < rows.length; i += k) {
    const r = rows[i];
    out.push({
      time: r.time,
      provider: r.provider ?? r.agent ?? "",
      phase: r.phase,
      model: r.model,
    });
  }
  return out;
}

/** A line of {@linkcode phaseCounts}. */
export interface PhaseCount {
  /** The phase slot. */
  phase: typeof PHASE_SLOTS[number];
  /** Delegations made in it. */
  delegations: number;
}

/** Delegations per phase slot, in phase order. */
export function phaseCounts(
  summary: Pick<DelegationSummary, "delegations_per_phase">,
): PhaseCount[] {
  return PHASE_SLOTS.map((phase) => ({
    phase,
    delegations: summary.delegations_per_phase[phase],
  }));
}

/** A line of {@linkcode providerUtilities}. */
export interface ProviderUtility {
  /** The provider's name. */
  provider: string;
  /** Which utility `value` is. */
  measure: "provider utility" | "user utility";
  /** The utility, summed over the run. */
  value: number;
}

/** Per-provider utilities: provider utility and the user's utility of its delegations. */
export function providerUtilities(
  summary: Pick<DelegationSummary, "provider_stats">,
): ProviderUtility[] {
  return Object.values(summary.provider_stats).flatMap((p) => [
    { provider: p.name, measure: "provider utility", value: p.provider_utility },
    { provider: p.name, measure: "user utility", value: p.user_utility },
  ]);
}

/** A row of {@linkcode providerTable} (sums over the run). */
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
export function providerTable(
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

/** A cell of {@linkcode heatmapCells}. */
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
export function heatmapCells(rows: readonly StudyRow[]): HeatmapCell[] {
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

/** A line of {@linkcode utilityByOwnStrategy}. */
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
export function utilityByOwnStrategy(rows: readonly StudyRow[]): StrategyUtility[] {
  const groups = new Map<string, { provider: string; strategy: string; values: number[] }>();
  for (const r of rows) {
    for (let i = 1; `provider${i}_strategy` in r; i++) {
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

/** One combination of a study set against a reference table (e.g. the paper's). */
export interface ReferenceComparison {
  /** The providers' strategies, joined by `-` (e.g. `honest-ours`). */
  strategy_combination: string;
  /** Total user utility in the study's run. */
  total_user_utility: number;
  /** Total user utility in the reference table. */
  reference_user_utility: number;
  /** Delegations in the study's run. */
  total_delegations: number;
  /** Delegations in the reference table. */
  reference_delegations: number;
  /** The provider with the highest utility in the study's run. */
  best_provider: string | number;
  /** The provider with the highest utility in the reference table. */
  reference_best_provider: string;
  /** The largest absolute difference over every utility and reward column. */
  max_difference: number;
}

/**
 * Parses a CSV of plain cells (no quoted commas), as the study and the paper write it.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./analysis.ts";
 * console.log(parseCsv("a,b\n1,x\n")); // [{ a: "1", b: "x" }]
 * ```
 */
export function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const cols = head.split(",");
  return lines.filter((l) => l.trim() !== "").map((l) => {
    const cells = l.split(",");
    return Object.fromEntries(cols.map((c, j) => [c, cells[j] ?? ""]));
  });
}

/**
 * Sets study rows (one seed) beside a reference table with the paper's columns, matched by
 * `strategy_combination`, in the study's order.
 *
 * @throws {RangeError} When a combination of the reference is missing from the rows.
 */
export function compareWithReference(
  rows: readonly StudyRow[],
  reference: readonly Record<string, string>[],
): ReferenceComparison[] {
  const byCombo = new Map(rows.map((r) => [String(r.strategy_combination), r]));
  return reference.map((ref) => {
    const row = byCombo.get(ref.strategy_combination);
    if (!row) {
      throw new RangeError(`Cannot compare: no study row for '${ref.strategy_combination}'`);
    }
    let max = 0;
    for (const [c, v] of Object.entries(ref)) {
      if (!/utility|reward|^provider_\d+_/.test(c) || v === "") continue;
      max = Math.max(max, Math.abs(Number(row[c]) - Number(v)));
    }
    return {
      strategy_combination: ref.strategy_combination,
      total_user_utility: Number(row.total_user_utility),
      reference_user_utility: Number(ref.total_user_utility),
      total_delegations: Number(row.total_delegations),
      reference_delegations: Number(ref.total_delegations),
      best_provider: row.best_provider,
      reference_best_provider: ref.best_provider,
      max_difference: max,
    };
  }).sort((a, b) =>
    [...byCombo.keys()].indexOf(a.strategy_combination) -
    [...byCombo.keys()].indexOf(b.strategy_combination)
  );
}
