/**
 * The blockchain CPD game ("RQ2"): miners split effort between construction, parasitism and
 * destruction `[c, p, d]` while an honest group always builds; a parasitic equilibrium or
 * honest convergence may emerge.
 *
 * - `config.ts`: the zod config schema and {@linkcode parseBlockchainConfig};
 * - `rules.ts`: normalisation, payoff and efficiency update as pure functions;
 * - `labels.ts`: strategy labels (zh/en);
 * - `engine.ts`: {@linkcode BlockchainEngine}, the game as an `Engine`;
 * - `policies.ts`: scripted miners and {@linkcode createPolicy};
 * - `metrics.ts`: late-window means and the SPEC's verdicts;
 * - `best_response.ts`: the exact myopic best response (the rational baseline);
 * - `stage_regret.ts`: stage-game regret of every decision against that baseline;
 * - `baseline_verdicts.ts`: per-agent verdicts and play beyond the rational baseline;
 * - `deviation.ts`: stability by deviation runs;
 * - `replay_file.ts`: the original implementation's `rq2_result.json` reader.
 *
 * @example
 * ```ts
 * import { BlockchainEngine, createPolicy, parseBlockchainConfig } from "./mod.ts";
 * import { Rng } from "../../core/rng.ts";
 * const config = parseBlockchainConfig({ rounds: 3 });
 * const engine = new BlockchainEngine(config);
 * const rng = new Rng(42);
 * const agents = config.miners.map((m, index) =>
 *   createPolicy("adaptive", { rng: rng.derive(m), config, index })
 * );
 * let view = engine.reset({ seed: 42 });
 * while (!engine.isDone()) {
 *   const round = engine.round + 1;
 *   const decisions = await Promise.all(agents.map((a) =>
 *     a.act({ agent: a.name, round, observation: view.observations[a.name], info: view.infos[a.name] })
 *   ));
 *   view = engine.step(Object.fromEntries(agents.map((a, i) => [a.name, decisions[i].action])));
 * }
 * console.log(engine.returns());
 * ```
 * @module
 */
export * from "./config.ts";
export * from "./rules.ts";
export * from "./labels.ts";
export * from "./engine.ts";
export * from "./policies.ts";
export * from "./metrics.ts";
export * from "./best_response.ts";
export * from "./stage_regret.ts";
export * from "./baseline_verdicts.ts";
export * from "./deviation.ts";
export * from "./replay_file.ts";
export * from "./decision_row.ts";
export * from "./label_accuracy.ts";
export * from "./analysis.ts";
export * from "./charts.ts";
export * from "./report.ts";
export * from "./summary.ts";
export * from "./tally.ts";
export * from "./experiment.ts";
