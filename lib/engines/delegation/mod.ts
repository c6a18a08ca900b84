/**
 * The delegation mechanism of Cao et al., "Pay for The Second-Best Service" (SPEC section
 * 3): a user delegates `T` tasks to `K` LLM providers that may secretly serve a cheaper
 * model. `config.ts` (zod schema), `python_random.ts` (CPython's `random` bit for bit and
 * the run-stream interface), `parameters.ts` and `selection.ts` (one pure function per
 * formula), `accounting.ts` (prices, costs, utilities), `records.ts` (recorded and
 * synthetic task records), `tables.ts`, `engine.ts` (the four phases behind the shared
 * contract), `strategies.ts` (honest, worst, random, strategic/ours, custom),
 * `summary.ts`, `study.ts` (the 64-combination study) and `maxflow.ts` (the live task
 * suite).
 *
 * @example
 * ```ts
 * import { parseDelegationConfig, runStudy } from "./mod.ts";
 * const rows = runStudy({ config: parseDelegationConfig({ T: 100 }), seeds: [0] });
 * console.log(rows[0].strategy_combination); // honest-honest-honest
 * ```
 * @module
 */
export * from "./accounting.ts";
export * from "./config.ts";
export * from "./engine.ts";
export * from "./maxflow.ts";
export * from "./parameters.ts";
export * from "./python_random.ts";
export * from "./records.ts";
export * from "./selection.ts";
export * from "./strategies.ts";
export * from "./study.ts";
export * from "./summary.ts";
export * from "./tables.ts";
