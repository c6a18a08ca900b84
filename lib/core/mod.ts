/**
 * Core: the seeded RNG, the game contract and its conformance suite, run records and the
 * helpers game authors extend them with, run logs, the formats of run and sweep directories
 * and the catalog that reads them, honest verdicts (validity), the report document model,
 * config loading, command-line flags, redaction and the progress bar. Core imports no other
 * `lib` folder.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./game.ts";
export * from "./config.ts";
export * from "./records.ts";
export * from "./line_buffer.ts";
export * from "./run_log.ts";
export * from "./verify_logs.ts";
export * from "./log_digest.ts";
export * from "./run_dir.ts";
export * from "./sweep_dir.ts";
export * from "./catalog.ts";
export * from "./validity.ts";
export * from "./redact.ts";
export * from "./summary.ts";
export * from "./regret.ts";
export * from "./progress.ts";
export * from "./document.ts";
export * from "./reference.ts";
export * from "./seeds.ts";
export * from "./flags.ts";
