/**
 * Honest verdicts: a result computed from fallback actions is not a finding. Every summary
 * carries a `validity` block counted over the decisions of LLM agents; when the share of
 * fallbacks exceeds the limit, every verdict field of the summary becomes the string
 * `"inconclusive"`.
 *
 * @example
 * ```ts
 * import { applyValidity, validityOf } from "./validity.ts";
 * const v = validityOf({ llm_decisions: 90, fallbacks: 90 }, 0.1);
 * console.log(v.valid); // false
 * console.log(applyValidity({ honest_convergence: true }, ["honest_convergence"], v));
 * // { honest_convergence: "inconclusive", validity: { ... } }
 * ```
 * @module
 */

/** Counts kept by the run session and checkpointed. */
export interface ValidityCounts {
  /** Decisions asked of LLM agents. */
  llm_decisions: number;
  /** Of those, how many had no usable action (the engine's fallback was played). */
  fallbacks: number;
}

/** The `validity` block of `summary.json`. */
export interface Validity extends ValidityCounts {
  /** `fallbacks / llm_decisions` (0 without LLM decisions). */
  fallback_share: number;
  /** The limit in force (`--max-fallback`). */
  max_fallback_share: number;
  /** `fallback_share <= max_fallback_share`; a run without LLM agents is valid. */
  valid: boolean;
}

/** The default `--max-fallback`. */
export const DEFAULT_MAX_FALLBACK_SHARE = 0.1;

/** The verdict value of an invalid run. */
export const INCONCLUSIVE = "inconclusive";

/** The validity of a run from its counts. */
export function validityOf(
  counts: ValidityCounts,
  maxFallbackShare: number = DEFAULT_MAX_FALLBACK_SHARE,
): Validity {
  if (!(maxFallbackShare >= 0 && maxFallbackShare <= 1)) {
    throw new RangeError(
      `Cannot judge validity: 'maxFallbackShare' must be in [0, 1], got ${maxFallbackShare}`,
    );
  }
  const share = counts.llm_decisions ? counts.fallbacks / counts.llm_decisions : 0;
  return {
    llm_decisions: counts.llm_decisions,
    fallbacks: counts.fallbacks,
    fallback_share: Math.round(share * 1e6) / 1e6,
    max_fallback_share: maxFallbackShare,
    valid: share <= maxFallbackShare,
  };
}

/**
 * Adds `validity` to a summary; when the run is not valid, replaces each verdict field
 * present in it by {@linkcode INCONCLUSIVE}.
 */
export function applyValidity(
  summary: Record<string, unknown>,
  verdicts: readonly string[],
  validity: Validity,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...summary };
  if (!validity.valid) {
    for (const field of verdicts) if (field in out) out[field] = INCONCLUSIVE;
    // Per-agent verdicts (`agent_verdicts: {agent: {..., verdict: boolean}}`): every
    // true/false in them is a verdict, and none stands on fallbacks either.
    const perAgent = out.agent_verdicts;
    if (perAgent && typeof perAgent === "object") {
      out.agent_verdicts = Object.fromEntries(
        Object.entries(perAgent as Record<string, Record<string, unknown>>).map(([agent, v]) => [
          agent,
          Object.fromEntries(
            Object.entries(v ?? {}).map(([k, x]) => [
              k,
              typeof x === "boolean" && k !== "llm" ? INCONCLUSIVE : x,
            ]),
          ),
        ]),
      );
    }
  }
  out.validity = validity;
  return out;
}

/** The one-line warning the CLI prints for an invalid run. */
export function validityWarning(id: string, v: Validity): string {
  return `warning: ${id}: ${v.fallbacks} of ${v.llm_decisions} LLM decisions (${
    (v.fallback_share * 100).toFixed(1)
  }%) were fallbacks, above the limit of ${
    (v.max_fallback_share * 100).toFixed(1)
  }%: verdicts are inconclusive`;
}
