/**
 * The CLI's registry of experiments, as `deno task run` uses it. Running experiments from
 * code (notebooks, scripts) goes through `lib/run` (`openRun`, `runToEnd`, `resumeRun`).
 *
 * @module
 */
export { EXPERIMENTS, findExperiment } from "./registry.ts";
// The configs of the experiments `mod.ts` exports by name (`ipdExperiment`,
// `blockchainExperiment`), so their types are public at the top level too.
export type { IpdConfig } from "../engines/ipd/config.ts";
export type {
  BlockchainConfig,
  MinerMemorySwitches,
  MinerPromptSwitches,
} from "../engines/blockchain/config.ts";
