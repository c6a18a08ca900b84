/**
 * The delegation mechanism of Cao et al., "Pay for The Second-Best Service" (SPEC section
 * 3): a user delegates `T` tasks to `K` LLM providers that may secretly serve a cheaper
 * model. `config.ts` (zod schema), `python_random.ts` (CPython's `random` bit for bit and
 * the run-stream interface), `parameters.ts` and `selection.ts` (one pure function per
 * formula), `accounting.ts` (prices, costs, utilities), `records.ts` (recorded and
 * synthetic task records), `tables.ts`, `types.ts` (the data shapes every file shares),
 * the mechanism's rules one file each (`mechanism.ts` lists the phases in order;
 * `exploration.ts`, `exploitation.ts`, `early_stop.ts`, `incentive.ts`, `utility_based.ts`;
 * `serve.ts` prices and books one delegation; `state.ts` its JSON state), `engine.ts` (the
 * shared engine contract over them), `strategies.ts` (honest, worst, random, strategic/ours,
 * best response, custom), `pricing.ts` (the providers' pricing policies: fixed, phase, surge,
 * undercut, custom), `summary.ts` (with the per-phase figures; `phase_tally.ts` rebuilds them
 * from rows), `row_json.ts` (a delegation's decision row, and its JSON written fast),
 * `study.ts` (the 64-combination study), `maxflow.ts` (the live task suite), `live.ts` (live
 * mode), `prompts.ts` and `llm_provider.ts` (an LLM in a provider's seat), `experiment.ts`
 * (the registered experiment and its flags), `study_cli.ts` (the `delegation-study`
 * command), `counterfactual.ts` (the no-mechanism user, the oracle user, regret, the audit's
 * outcome; `counterfactual_off_thread.ts` plays them on another thread, in
 * `counterfactual_worker.ts`, while a long run plays) and `counterfactual_study.ts` (honesty
 * gain, regret as `T` grows, detection power against false stops, and their verdicts across
 * seeds), and
 * `analysis.ts` (Polars DataFrames; `timeline.ts` and `reference_table.ts` are its
 * Polars-free parts), `charts.ts`, and the reports as data: `report.ts` (a run's
 * `ReportDocument`), `report_phases.ts`, `report_counterfactual.ts`, `report_study.ts` (the
 * two studies).
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
export * from "./analysis.ts";
export * from "./charts.ts";
export * from "./config.ts";
export * from "./counterfactual.ts";
export * from "./counterfactual_off_thread.ts";
export * from "./counterfactual_study.ts";
export * from "./engine.ts";
export * from "./experiment.ts";
export * from "./live.ts";
export * from "./llm_provider.ts";
export * from "./maxflow.ts";
export * from "./parameters.ts";
export * from "./phase_tally.ts";
export * from "./pricing.ts";
export * from "./prompts.ts";
export * from "./python_random.ts";
export * from "./records.ts";
export * from "./report.ts";
export * from "./row_json.ts";
export * from "./selection.ts";
export * from "./strategies.ts";
export * from "./study.ts";
export * from "./study_cli.ts";
export * from "./summary.ts";
export * from "./tables.ts";
