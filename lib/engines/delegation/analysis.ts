/**
 * The delegation figures as Polars DataFrames: a run's decision rows (typed with the
 * experiment's row schema), its per-phase and per-provider tables from the summary, the same
 * per-phase table rebuilt from the rows (a cross-check), and a study's rows with its heatmap
 * cells and each provider's utility by its own strategy. The chart builders of `charts.ts`
 * take these frames (or plain records) as they are. No I/O but the loaders, no markup.
 *
 * The same figures as plain records (what the reports use: they must not load Polars) are in
 * `figures.ts`; the phase timeline in `timeline.ts` and a study set beside the paper's table in
 * `reference_table.ts`; all three are re-exported here.
 *
 * @example
 * ```ts
 * import { heatmapCells } from "./analysis.ts";
 * const rows = [{ strategy_combination: "honest-ours", total_user_utility: 10, seed: 1 },
 *   { strategy_combination: "honest-ours", total_user_utility: 20, seed: 2 }];
 * console.log(heatmapCells(rows).toRecords());
 * // [{ row: "honest", column: "ours", user_utility: 15, runs: 2 }]
 * ```
 * @module
 */
import pl from "nodejs-polars";
import {
  type ColumnType,
  type DataFrame,
  type DecisionLoadOptions,
  loadDecisions,
  typedSeries,
} from "../../analysis/frames.ts";
import { DelegationDecisionSchema } from "./experiment.ts";
import type { StudyRow } from "./study.ts";
import { type DelegationSummary, PHASE_SLOTS } from "./summary.ts";
import {
  heatmapRows,
  PAPER_PHASE,
  phaseCountRows,
  phaseRows,
  providerRows,
  type ProviderTableRow,
  providerUtilityRows,
  strategyUtilityRows,
} from "./figures.ts";

export * from "./figures.ts";
export * from "./reference_table.ts";
export * from "./timeline.ts";
export type { DataFrame } from "../../analysis/frames.ts";

/** A frame with the given typed columns from plain records (no records: an empty frame). */
function frameOf(
  columns: readonly (readonly [string, ColumnType])[],
  rows: readonly object[],
): DataFrame {
  return pl.DataFrame(
    columns.map(([name, t]) =>
      typedSeries(name, rows.map((r) => (r as Record<string, unknown>)[name]), t)
    ),
  );
}

/**
 * The rows of a frame or a list as plain records (what a chart's data holds).
 *
 * @example
 * ```ts
 * import { recordsOf } from "./analysis.ts";
 * console.log(recordsOf([{ a: 1 }])); // [{ a: 1 }]
 * ```
 */
export function recordsOf<T extends object>(data: DataFrame | readonly T[]): T[] {
  return Array.isArray(data) ? [...data] : (data as DataFrame).toRecords() as T[];
}

/**
 * The decision rows of delegation runs (one row per delegation) as a typed frame: the shared
 * columns (`run`, `experiment`, `seed`, `round`, `agent`, ...) and the game's (`time`,
 * `phase`, `provider_id`, `model`, `price`, `cost`, `user_utility`, `provider_utility`,
 * `markup` under dynamic pricing, ...).
 *
 * @param dirs One run directory or several (a sweep's runs).
 * @param options `config` keys to add as columns, torn-tail tolerance.
 * @returns The frame.
 *
 * @example
 * ```ts ignore
 * import { loadDelegationDecisions, phaseTableFromDecisions } from "./analysis.ts";
 * const df = await loadDelegationDecisions("data/runs/delegation-1");
 * console.log(phaseTableFromDecisions(df));
 * ```
 */
export function loadDelegationDecisions(
  dirs: string | readonly string[],
  options: Omit<DecisionLoadOptions, "schema"> = {},
): Promise<DataFrame> {
  return loadDecisions(dirs, { ...options, schema: DelegationDecisionSchema });
}

/** Delegations per phase slot, in phase order: columns `phase`, `delegations`. */
export function phaseCounts(
  summary: Pick<DelegationSummary, "delegations_per_phase">,
): DataFrame {
  return frameOf([["phase", "str"], ["delegations", "f64"]], phaseCountRows(summary));
}

/**
 * Per-provider utilities, two rows each: its own utility and the user's utility of its
 * delegations. Columns `provider`, `measure`, `value`.
 */
export function providerUtilities(summary: Pick<DelegationSummary, "provider_stats">): DataFrame {
  return frameOf(
    [["provider", "str"], ["measure", "str"], ["value", "f64"]],
    providerUtilityRows(summary),
  );
}

const PROVIDER_COLUMNS: [keyof ProviderTableRow, ColumnType][] = [
  ["id", "i32"],
  ["provider", "str"],
  ["delegations", "f64"],
  ["substitutions", "f64"],
  ["total_reward", "f64"],
  ["total_price", "f64"],
  ["total_cost", "f64"],
  ["provider_utility", "f64"],
  ["user_utility", "f64"],
  ["tokens", "f64"],
];

/** The per-provider table of a run, one row per provider (see {@linkcode ProviderTableRow}). */
export function providerTable(summary: Pick<DelegationSummary, "provider_stats">): DataFrame {
  return frameOf(PROVIDER_COLUMNS, providerRows(summary));
}

/** The columns of a per-phase table. */
const PHASE_COLUMNS: [string, ColumnType][] = [
  ["phase", "str"],
  ["paper_phase", "i32"],
  ["provider_id", "i32"],
  ["delegations", "f64"],
  ["total_reward", "f64"],
  ["mean_reward", "f64"],
  ["total_user_utility", "f64"],
  ["mean_user_utility", "f64"],
  ["payments", "f64"],
  ["provider_utility", "f64"],
];

/**
 * The per-phase table of a run's summary: per phase slot in order, a row over every provider
 * (`provider_id` 0) then one per provider that served in it. Columns `phase`, `paper_phase`
 * (1 exploration; 2 exploitation, bonus and incentive; 3 utility-based), `provider_id`,
 * `delegations`, `total_reward`, `mean_reward`, `total_user_utility`, `mean_user_utility`,
 * `payments` (what the user paid) and `provider_utility`.
 *
 * @param perPhase The summary's `per_phase`.
 * @returns The frame.
 */
export function phaseTable(perPhase: NonNullable<DelegationSummary["per_phase"]>): DataFrame {
  return frameOf(PHASE_COLUMNS, phaseRows(perPhase));
}

/**
 * The per-phase table rebuilt from decision rows with Polars (one run's rows): the same
 * columns and order as {@linkcode phaseTable}, so the two can be set side by side.
 *
 * @param decisions Decision rows of one run ({@linkcode loadDelegationDecisions}).
 * @returns The frame.
 */
export function phaseTableFromDecisions(decisions: DataFrame): DataFrame {
  const sums = [
    pl.col("reward").count().cast(pl.Float64).alias("delegations"),
    pl.col("reward").sum().alias("total_reward"),
    pl.col("user_utility").sum().alias("total_user_utility"),
    pl.col("price").sum().alias("payments"),
    pl.col("provider_utility").sum().alias("provider_utility"),
  ];
  const order = pl.DataFrame({
    phase: [...PHASE_SLOTS],
    paper_phase: PHASE_SLOTS.map((p) => PAPER_PHASE[p]),
    slot: PHASE_SLOTS.map((_, i) => i),
  }).withColumns(pl.col("paper_phase").cast(pl.Int32));
  const perProvider = decisions.groupBy(["phase", "provider_id"]).agg(...sums)
    .withColumns(pl.col("provider_id").cast(pl.Int32))
    .join(order, { on: "phase" });
  // a row over all providers for every phase, 0 where no delegation was made
  const total = order.join(decisions.groupBy("phase").agg(...sums), { on: "phase", how: "left" })
    .withColumns(
      pl.lit(0).cast(pl.Int32).alias("provider_id"),
      ...["delegations", "total_reward", "total_user_utility", "payments", "provider_utility"]
        .map((c) => pl.col(c).fillNull(0)),
    );
  const mean = (sum: string, name: string) =>
    pl.when(pl.col("delegations").gt(0)).then(pl.col(sum).div(pl.col("delegations")))
      .otherwise(pl.lit(null)).alias(name);
  return pl.concat([total.select(...perProvider.columns), perProvider])
    .withColumns(
      mean("total_reward", "mean_reward"),
      mean("total_user_utility", "mean_user_utility"),
    )
    .sort(["slot", "provider_id"])
    .select(...PHASE_COLUMNS.map(([c]) => c));
}

/**
 * The markups dynamic pricing policies set, per provider and phase: columns `agent`,
 * `provider_id`, `phase`, `delegations`, `mean_markup`, `min_markup`, `max_markup`, in phase
 * order (rows without a markup, i.e. fixed prices, are left out: an empty frame for a run
 * whose prices were all fixed).
 *
 * @param decisions Decision rows ({@linkcode loadDelegationDecisions}).
 * @returns The frame.
 */
export function markupTable(decisions: DataFrame): DataFrame {
  if (!decisions.columns.includes("markup")) {
    return frameOf([
      ["agent", "str"],
      ["provider_id", "i32"],
      ["phase", "str"],
      ["delegations", "f64"],
      ["mean_markup", "f64"],
      ["min_markup", "f64"],
      ["max_markup", "f64"],
    ], []);
  }
  const order = pl.DataFrame({ phase: [...PHASE_SLOTS], slot: PHASE_SLOTS.map((_, i) => i) });
  return decisions.filter(pl.col("markup").isNotNull())
    .groupBy(["agent", "provider_id", "phase"]).agg(
      pl.col("markup").count().cast(pl.Float64).alias("delegations"),
      pl.col("markup").mean().alias("mean_markup"),
      pl.col("markup").min().alias("min_markup"),
      pl.col("markup").max().alias("max_markup"),
    )
    .withColumns(pl.col("provider_id").cast(pl.Int32))
    .join(order, { on: "phase" })
    .sort(["provider_id", "slot"])
    .drop("slot");
}

/** The study's rows as a frame (columns as `table.csv`: the paper's plus `seed`). */
export function studyFrame(rows: readonly StudyRow[] | DataFrame): DataFrame {
  if (!Array.isArray(rows)) return rows as DataFrame;
  const list = rows as readonly StudyRow[];
  const columns = [...new Set(list.flatMap((r) => Object.keys(r)))];
  // a provider's utility column exists only in the rows where it played that strategy
  const numeric = (c: string) =>
    list.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === "number");
  return frameOf(
    columns.map((c) => [c, numeric(c) ? "f64" : "str"] as const),
    list.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))),
  );
}

/**
 * The user-utility heatmap of a study: rows are the strategies of every provider but the
 * last, columns the last provider's strategy; each cell the mean `total_user_utility` over
 * seeds, in order of first appearance. Columns `row`, `column`, `user_utility`, `runs`.
 *
 * @param rows Study rows (a list or {@linkcode studyFrame}).
 */
export function heatmapCells(rows: readonly StudyRow[] | DataFrame): DataFrame {
  return frameOf(
    [["row", "str"], ["column", "str"], ["user_utility", "f64"], ["runs", "f64"]],
    heatmapRows(recordsOf(rows as DataFrame | readonly StudyRow[])),
  );
}

/**
 * Each provider's utility by its own strategy, over every combination and seed: mean, min,
 * max and the number of runs. Columns `provider`, `strategy`, `utility`, `min`, `max`, `runs`.
 *
 * @param rows Study rows (columns `provider<i>_strategy` and `provider_<i>_<strategy>`).
 */
export function utilityByOwnStrategy(rows: readonly StudyRow[] | DataFrame): DataFrame {
  return frameOf(
    [
      ["provider", "str"],
      ["strategy", "str"],
      ["utility", "f64"],
      ["min", "f64"],
      ["max", "f64"],
      ["runs", "f64"],
    ],
    strategyUtilityRows(recordsOf(rows as DataFrame | readonly StudyRow[])),
  );
}
