/**
 * LLM Game Lab: game-theoretic experiments with LLM and scripted agents.
 *
 * ```ts ignore
 * import { blockchain, findExperiment, openRun, runToEnd, writeRunReport } from "./mod.ts";
 * const session = await openRun({
 *   experiment: findExperiment("blockchain")!, config: {}, seed: 0, writeReport: writeRunReport,
 * });
 * const run = await runToEnd(session);
 * const df = await blockchain.loadBlockchainDecisions(run.dir);
 * ```
 *
 * Engines are exported as namespaces (`ipd`, `blockchain`, `delegation`, `society`) so their
 * names never clash; their four experiments also by name (`ipdExperiment`...).
 *
 * @module
 */
export * from "./lib/core/mod.ts";
export * from "./lib/llm/mod.ts";
export * from "./lib/agents/mod.ts";
export * from "./lib/run/mod.ts";
export * from "./lib/analysis/mod.ts";
export * from "./lib/charts/mod.ts";
export * from "./lib/reports/mod.ts";
export * from "./lib/cli/mod.ts";
export * as ipd from "./lib/engines/ipd/mod.ts";
export * as blockchain from "./lib/engines/blockchain/mod.ts";
export * as delegation from "./lib/engines/delegation/mod.ts";
export * as society from "./lib/engines/society/mod.ts";
export { ipdExperiment } from "./lib/engines/ipd/experiment.ts";
export { blockchainExperiment } from "./lib/engines/blockchain/experiment.ts";

import type { Experiment } from "./lib/run/experiment.ts";
import { delegationExperiment as delegationImpl } from "./lib/engines/delegation/experiment.ts";
import { societyExperiment as societyImpl } from "./lib/engines/society/experiment.ts";

/**
 * The delegation experiment (providers, strategies and the mechanism's phases); its config
 * type is `delegation.DelegationConfig`.
 */
export const delegationExperiment: Experiment = delegationImpl;

/**
 * The society ("shelter") experiment; it can be served (`deno task serve society`). Its
 * config type is `society.SocietyConfig`.
 */
export const societyExperiment: Experiment = societyImpl;
