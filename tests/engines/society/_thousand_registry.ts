/**
 * A test registry (for `tests/support/paced_run.ts`) whose only experiment is the society
 * with 1,000 citizens unless the config names them: the kill-and-resume test of
 * `scale_test.ts` plays it in a child process.
 *
 * @module
 */
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import { societyRunExperiment } from "../../../lib/engines/society/build.ts";
import type { Experiment } from "../../../lib/run/experiment.ts";

/** The society, 1,000 citizens by default. */
export const EXPERIMENTS: readonly Experiment[] = [{
  ...societyRunExperiment,
  parseConfig: (input: unknown) =>
    parseSocietyConfig({ citizens: 1000, ...(input as Record<string, unknown> ?? {}) }),
}];
