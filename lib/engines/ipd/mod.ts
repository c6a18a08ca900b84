/**
 * The iterated prisoner's dilemma, the example engine and the template for adding a game:
 * `config.ts` (zod schema), `engine.ts` (rules behind the shared contract), `policies.ts`
 * (scripted players), `llm_player.ts` (prompt and parse), `experiment.ts` (registration),
 * `charts.ts` (Vega-Lite specs) and `report.ts` (the run report as a document).
 *
 * @module
 */
export * from "./config.ts";
export * from "./engine.ts";
export * from "./policies.ts";
export * from "./llm_player.ts";
export * from "./experiment.ts";
export * from "./decision_row.ts";
export * from "./verdicts.ts";
export * from "./best_response.ts";
export * from "./stage_regret.ts";
export * from "./charts.ts";
export * from "./chart_data.ts";
export * from "./report.ts";
