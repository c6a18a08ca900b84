/**
 * How often a run checkpoints and which decision rows it logs. LLM runs checkpoint and log
 * every step (each step costs money, so none may be lost); long scripted runs can checkpoint
 * at the end only and log no rows, which is what makes a million steps cheap.
 *
 * Logs are buffered and flushed at each checkpoint: resume cuts every log back to the last
 * checkpoint anyway, so buffering loses nothing that resume would keep.
 *
 * @example
 * ```ts
 * import { parseRunPolicy } from "./run_policy.ts";
 * console.log(parseRunPolicy({ checkpointEvery: "end", logDecisions: "10" }));
 * // { checkpointEvery: "end", logDecisions: 10 }
 * ```
 * @module
 */
import { ConfigError } from "../core/config.ts";

/** A run policy. */
export interface RunPolicy {
  /** Checkpoint every N steps, or only at the end (and at a clean stop). @default {1} */
  checkpointEvery: number | "end";
  /** Decision rows for every step, none, or every N-th step. @default {"all"} */
  logDecisions: "all" | "none" | number;
}

/** The default: a checkpoint and decision rows at every step. */
export const DEFAULT_RUN_POLICY: Readonly<RunPolicy> = Object.freeze({
  checkpointEvery: 1,
  logDecisions: "all",
});

/** The raw values of `--checkpoint-every` and `--log-decisions`. */
export interface RunPolicyInput {
  /** A positive integer or `end` (a number or its text); absent: the base policy's. */
  checkpointEvery?: string | number;
  /** `all`, `none` or a positive integer (a number or its text); absent: the base policy's. */
  logDecisions?: string | number;
}

function positiveInt(flag: string, value: string | number): number {
  const n = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError(`${flag}: expected a positive integer or a keyword, got '${value}'`);
  }
  return n;
}

/**
 * Parses the policy flags over a base policy (the experiment's default).
 *
 * @throws {ConfigError} Naming the flag, for a value that is neither a keyword nor a
 * positive integer.
 */
export function parseRunPolicy(
  input: RunPolicyInput,
  base: Readonly<RunPolicy> = DEFAULT_RUN_POLICY,
): RunPolicy {
  const policy: RunPolicy = { ...base };
  const { checkpointEvery: c, logDecisions: l } = input;
  if (c !== undefined) {
    policy.checkpointEvery = c === "end" ? "end" : positiveInt("--checkpoint-every", c);
  }
  if (l !== undefined) {
    policy.logDecisions = l === "all" || l === "none"
      ? l
      : positiveInt("--log-decisions", l) === 1
      ? "all"
      : positiveInt("--log-decisions", l);
  }
  return policy;
}

/** `true` when step `step` (1-based) is checkpointed under `policy` (besides end and stops). */
export function checkpointDue(policy: RunPolicy, step: number): boolean {
  return policy.checkpointEvery !== "end" && step % policy.checkpointEvery === 0;
}

/** `true` when step `step` (1-based) writes decision rows under `policy`. */
export function rowsDue(policy: RunPolicy, step: number): boolean {
  const l = policy.logDecisions;
  return l === "all" || (l !== "none" && step % l === 0);
}
