/**
 * The experiments, studies and engine commands the CLI knows, in the order of the default
 * set: the one file that names engines. Register a new engine's experiment here (see the
 * README, "Add your own game"). It imports no other CLI file, so every command may import it.
 *
 * @module
 */
import type { Study } from "../analysis/study.ts";
import type { Command, Experiment } from "../run/experiment.ts";
import { blockchainExperiment } from "../engines/blockchain/experiment.ts";
import { delegationExperiment } from "../engines/delegation/experiment.ts";
import { delegationStudyCommand } from "../engines/delegation/study_cli.ts";
import { ipdExperiment } from "../engines/ipd/experiment.ts";
import { societyExperiment } from "../engines/society/experiment.ts";
import { rq2Study } from "../engines/blockchain/study_rq2.ts";
import { shelterStudy } from "../engines/society/study_shelter.ts";
import { counterfactualStudy } from "../engines/delegation/study_counterfactual.ts";

/** Every registered experiment. */
export const EXPERIMENTS: readonly Experiment[] = [
  blockchainExperiment,
  ipdExperiment,
  delegationExperiment,
  societyExperiment,
];

/**
 * Engines' commands that are not a single run: `deno task run <name> [flags]` (the generic
 * ones, `profile` and `study`, join them in `commands.ts`).
 */
export const ENGINE_COMMANDS: Readonly<Record<string, Command>> = {
  "delegation-study": delegationStudyCommand,
};

/** The studies of `deno task run study <name>`, one per research question. */
export const STUDIES: Readonly<Record<string, Study>> = {
  rq2: rq2Study,
  shelter: shelterStudy,
  delegation: counterfactualStudy,
};

/** The experiment called `name`, or `undefined`. */
export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
