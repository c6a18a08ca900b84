/**
 * Analysis, generic: run directories as Polars DataFrames. Engines type their own columns
 * and compute their own metrics in their folders (e.g. `lib/engines/blockchain/analysis.ts`).
 *
 * - `frames.ts`: {@linkcode loadDecisions}, {@linkcode loadLlmCalls}, {@linkcode loadEvents}.
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
