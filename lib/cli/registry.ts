/**
 * The experiments the CLI knows, in the order of the default set. Register a new engine's
 * experiment here (see the README, "Add your own game").
 *
 * @module
 */
import type { Command, Experiment } from "../run/experiment.ts";
import type { Study } from "../run/study.ts";
import { blockchainExperiment } from "../engines/blockchain/experiment.ts";
import { delegationExperiment } from "../engines/delegation/experiment.ts";
import { delegationStudyCommand } from "../engines/delegation/study_cli.ts";
import { ipdExperiment } from "../engines/ipd/experiment.ts";
import { societyExperiment } from "../engines/society/experiment.ts";
import { profileCommand } from "./profile.ts";
import { studyCommand } from "./study.ts";
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

/** Commands that are not a single run: `deno task run <name> [flags]`. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  "delegation-study": delegationStudyCommand,
  profile: profileCommand,
  study: studyCommand,
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
