/**
 * The CLI's registry of experiments, as `deno task run` uses it. Running experiments from
 * code (notebooks, scripts) goes through `lib/run` (`openRun`, `runToEnd`, `resumeRun`).
 *
 * @module
 */
export { EXPERIMENTS, findExperiment } from "./registry.ts";
