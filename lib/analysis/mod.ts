/**
 * Analysis: run directories as Polars DataFrames, and the metrics computed from them.
 *
 * - `frames.ts`: {@linkcode loadDecisions}, {@linkcode loadLlmCalls}, {@linkcode loadEvents};
 * - `blockchain_metrics.ts`: late means, agent table, honest trace and floor, constructive
 *   trend, reward ranking, label changes, cross-run statistics.
 *
 * @example
 * ```ts
 * import { lateMeansFrame, loadDecisions } from "./mod.ts";
 * const late = lateMeansFrame(await loadDecisions("data/runs/blockchain-1"));
 * console.log(late.c, late.p, late.d);
 * ```
 * @module
 */
export * from "./frames.ts";
export * from "./blockchain_metrics.ts";
