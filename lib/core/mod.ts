/**
 * Core: the seeded RNG, the game contract and its conformance suite, run records and logs,
 * config loading, redaction and the progress bar.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./game.ts";
export * from "./config.ts";
export * from "./records.ts";
export * from "./run_log.ts";
export * from "./redact.ts";
export * from "./summary.ts";
export * from "./regret.ts";
export * from "./progress.ts";
