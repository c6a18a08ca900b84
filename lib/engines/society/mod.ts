/**
 * The emergent-society ("shelter") game, SPEC section 2: AIs share a finite resource pool
 * and a global game-token budget, request resources, vote on allocations, eliminations and
 * appeals, and live or starve; every elimination lowers the system efficiency for good.
 *
 * - `config.ts`: the zod config schema and {@linkcode parseSocietyConfig};
 *   `scaled_defaults.ts`: the pool and token budget that scale with the citizens;
 *   `variants.ts`: the seed's v2 and v3 presets and the proposal rules; `shelter_rules.ts`:
 *   the rules in effect, as provenance records them; `seed_names.ts`: the seed's event names
 *   and `allocation_method` values, mapped;
 * - `decision.ts`: the decision wire format and the fallback decision;
 * - rules, one pure function per file: `survival.ts`, `resources.ts`, `allocation.ts`,
 *   `action_points.ts`, `execute_actions.ts`, `validate_action.ts`, `proposals.ts`,
 *   `no_effect.ts`, `efficiency.ts`, `elimination.ts`, `game_tokens.ts`, `end_conditions.ts`,
 *   `gini.ts`;
 * - the phases of a day, in the SPEC's order, on the day of `day.ts`: `collect_decisions.ts`,
 *   `spend_action_points.ts` (`apply_action.ts`), `close_proposals.ts`,
 *   `allocate_resources.ts`, `survive_day.ts`, `grant_action_points.ts`,
 *   `charge_game_tokens.ts`, `end_day.ts`;
 * - `engine.ts`: {@linkcode SocietyEngine}, one day per step; `state.ts`: its data types;
 * - `policies.ts`: scripted citizens and the default mix (`policy_views.ts`: what they read
 *   of a day, indexed once for all of them); `offline.ts`: a whole offline game;
 * - `citizen.ts`, `prompts.ts` (compact), `verbose_prompt.ts`, `memory.ts`: the LLM citizen;
 * - `summary.ts`: the run summary with the GovSim measures; `prompt_budget.ts`: prompt tokens;
 *   `token_capacity.ts`: how many citizens a token budget carries for how many days;
 * - `build.ts`: the experiment as runs open it; `experiment.ts`: the registered experiment
 *   (with serving); `decision_row.ts`: the `decisions.jsonl` row;
 * - `analysis.ts`, `charts.ts`, `distributions.ts`, `distribution_charts.ts`: frames and
 *   Vega-Lite charts; `report.ts` (`report_tables.ts`, `report_charts.ts`): the run report
 *   as a `ReportDocument`;
 * - `server.ts`, `views.ts`, `history.ts`, `dashboard.ts`: the HTTP API and its live page.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig, playOffline } from "./mod.ts";
 * const { summary } = playOffline(parseSocietyConfig({ days: 5 }), 0);
 * console.log(summary.days_played, summary.govsim.equality);
 * ```
 * @module
 */
export * from "./config.ts";
export * from "./variants.ts";
export * from "./shelter_rules.ts";
export * from "./seed_names.ts";
export * from "./scaled_defaults.ts";
export * from "./decision.ts";
export * from "./survival.ts";
export * from "./resources.ts";
export * from "./allocation.ts";
export * from "./action_points.ts";
export * from "./execute_actions.ts";
export * from "./validate_action.ts";
export * from "./proposals.ts";
export * from "./no_effect.ts";
export * from "./efficiency.ts";
export * from "./elimination.ts";
export * from "./game_tokens.ts";
export * from "./end_conditions.ts";
export * from "./gini.ts";
export * from "./state.ts";
export * from "./day.ts";
export * from "./collect_decisions.ts";
export * from "./apply_action.ts";
export * from "./spend_action_points.ts";
export * from "./close_proposals.ts";
export * from "./allocate_resources.ts";
export * from "./survive_day.ts";
export * from "./grant_action_points.ts";
export * from "./charge_game_tokens.ts";
export * from "./end_day.ts";
export * from "./engine.ts";
export * from "./policies.ts";
export * from "./policy_views.ts";
export * from "./offline.ts";
export * from "./memory.ts";
export * from "./prompts.ts";
export * from "./verbose_prompt.ts";
export * from "./citizen.ts";
export * from "./summary.ts";
export * from "./best_response.ts";
export * from "./stage_regret.ts";
export * from "./prompt_budget.ts";
export * from "./token_capacity.ts";
export * from "./decision_row.ts";
export * from "./experiment.ts";
export * from "./analysis.ts";
export * from "./charts.ts";
export * from "./distributions.ts";
export * from "./distribution_charts.ts";
export * from "./report_tables.ts";
export * from "./report_charts.ts";
export * from "./report.ts";
export * from "./history.ts";
export * from "./views.ts";
export * from "./dashboard.ts";
export * from "./server.ts";
