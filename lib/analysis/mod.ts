/**
 * Analysis, generic: run directories as Polars DataFrames. Engines type their own columns
 * and compute their own metrics in their folders (e.g. `lib/engines/blockchain/analysis.ts`).
 *
 * - `frames.ts`: {@linkcode loadDecisions}, {@linkcode loadLlmCalls}, {@linkcode loadEvents};
 * - `stats.ts`: {@linkcode meanCI} (Student's t or a seeded bootstrap), {@linkcode proportionCI}
 *   (Wilson or Clopper-Pearson), {@linkcode compare} (Welch interval and a permutation test),
 *   {@linkcode holmAdjust} (Holm's correction of a family of p-values);
 * - `share_ci.ts`: {@linkcode shareCI} (a share across seeds, always inside [0, 1]) and
 *   {@linkcode seedCI} (picks the share or the mean interval);
 * - `power.ts`: {@linkcode seedsNeeded} and {@linkcode seedsNeededForProportions} (seeds per
 *   condition for a given power);
 * - `study.ts`: the {@linkcode Study} contract (one research question: design, answer, power);
 * - `sweep.ts`: {@linkcode loadSweep} (one row per run with its parameters) and
 *   {@linkcode sweepCellStats};
 * - `export.ts`: {@linkcode exportDir} (Parquet or CSV for Python and R users).
 *
 * @example
 * ```ts ignore
 * import { loadDecisions } from "./mod.ts";
 * const df = await loadDecisions("data/runs/ipd-1");
 * console.log(df.columns);
 * ```
 * @module
 */
export * from "./frames.ts";
export * from "./stats.ts";
export * from "./share_ci.ts";
export * from "./power.ts";
export * from "./sweep.ts";
export * from "./export.ts";
export * from "./study.ts";
