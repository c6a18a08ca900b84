/**
 * Running experiments from code (notebooks, scripts): the registry, single runs, resumes
 * and sweeps, as `deno task run` uses them.
 *
 * @module
 */
export { EXPERIMENTS, findExperiment } from "./registry.ts";
export { resumeRun, type RunRequest, type RunResult, startRun } from "./run_one.ts";
export { gridCells, runSweep, sweepItems } from "./sweep.ts";
