/**
 * LLM Game Lab: game-theoretic experiments with LLM and scripted agents.
 *
 * ```ts ignore
 * import { blockchain, findExperiment, openRun, runToEnd } from "./mod.ts";
 * const session = await openRun({ experiment: findExperiment("blockchain")!, config: {}, seed: 0 });
 * const run = await runToEnd(session);
 * const df = await blockchain.loadBlockchainDecisions(run.dir);
 * ```
 *
 * Engines are exported as namespaces (`ipd`, `blockchain`) so their names never clash.
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
