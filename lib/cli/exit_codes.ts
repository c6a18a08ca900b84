/**
 * Exit codes of `deno task run`.
 *
 * @module
 */

/** Done. */
export const EXIT_OK = 0;
/** The run failed (network, a bug); it can be resumed. */
export const EXIT_FAILED = 1;
/** A bad flag, value, config or agents file; nothing was started. */
export const EXIT_USAGE = 2;
/** Stopped cleanly at `--max-tokens` / `--max-usd`; resume it with a larger budget. */
export const EXIT_BUDGET = 3;
