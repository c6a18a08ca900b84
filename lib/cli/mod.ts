/**
 * The CLI's registry of experiments, as `deno task run` uses it, and its report writer.
 * Running experiments from code (notebooks, scripts) goes through `lib/run` (`openRun`,
 * `runToEnd`, `resumeRun`); pass `writeReport: writeRunReport` for a report.
 *
 * @module
 */
export { EXPERIMENTS, findExperiment } from "./registry.ts";
export { writeRunReport } from "./report.ts";
// The configs of the experiments `mod.ts` exports by name (`ipdExperiment`,
// `blockchainExperiment`), so their types are public at the top level too (the delegation
// and society configs are zod-inferred types: see the `delegation` and `society` namespaces).
export type { IpdConfig } from "../engines/ipd/config.ts";
export type {
  BlockchainConfig,
  MinerMemorySwitches,
  MinerPromptSwitches,
} from "../engines/blockchain/config.ts";
