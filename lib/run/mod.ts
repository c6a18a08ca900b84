/**
 * The run layer, above `core`, `llm` and `agents`, used by the CLI, the HTTP server and
 * notebooks alike: the experiment contract, run sessions that play one step at a time, the
 * run life cycle (open, resume, finish), run policies, the run directory and its lock,
 * honest verdicts (validity), provenance and sweeps.
 *
 * @module
 */
export * from "./experiment.ts";
export * from "./session.ts";
export * from "./open.ts";
export * from "./run_policy.ts";
export * from "./run_dir.ts";
export * from "./validity.ts";
export * from "./provenance.ts";
export * from "./sweep.ts";
export * from "./catalog.ts";
