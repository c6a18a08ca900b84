/**
 * The experiments the CLI knows, in the order of the default set. Register a new engine's
 * experiment here (see the README, "Add your own game").
 *
 * @module
 */
import type { Experiment } from "../run/experiment.ts";
import { blockchainExperiment } from "../engines/blockchain/experiment.ts";
import { ipdExperiment } from "../engines/ipd/experiment.ts";

/** Every registered experiment. */
export const EXPERIMENTS: readonly Experiment[] = [blockchainExperiment, ipdExperiment];

/** The experiment called `name`, or `undefined`. */
export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
