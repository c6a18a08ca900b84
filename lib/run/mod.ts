/**
 * The run layer, above `core`, `llm` and `agents`, used by the CLI, the HTTP server and
 * notebooks alike: the experiment contract, run sessions that play one step at a time, the
 * run life cycle (open, resume, finish), run policies, provenance, sweeps and model profiles (`profile.ts`).
 * It imports neither `analysis` nor `reports`: the formats of run and sweep directories, the
 * catalog and honest verdicts are in `core` (`run_dir.ts`, `sweep_dir.ts`, `catalog.ts`,
 * `validity.ts`), and a report writer is handed in by the caller ({@linkcode ReportWriter}).
 *
 * @module
 */
export * from "./experiment.ts";
export * from "./session.ts";
export * from "./open.ts";
export * from "./build.ts";
export * from "./run_policy.ts";
export * from "./provenance.ts";
export * from "./sweep.ts";
