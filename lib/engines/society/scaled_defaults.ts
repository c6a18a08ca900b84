/**
 * The defaults of a society config that scale with the number of citizens, so that any
 * count from 3 to 10,000 gives a viable society out of the box.
 *
 * The rule: with `n` citizens and `f = max(1, n / 6)` (six is the SPEC's default count),
 *
 *     resources    = round(3000 * f)       (500 per citizen above six)
 *     token_budget = round(200000 * f)     (33,333 per citizen above six)
 *
 * so up to six citizens every default is the SPEC's, exactly, and above six each citizen
 * brings the pool share and the game-token share of one of the six default citizens (the
 * per-citizen resources, the days the budget lasts, and so the society's fate stay those of
 * the six-citizen game). Every other default (consumption, action points, costs) is per
 * citizen already and does not scale. An explicit value in the config always wins.
 *
 * @example
 * ```ts
 * import { scaledDefaults } from "./scaled_defaults.ts";
 * console.log(scaledDefaults(6)); // { resources: 3000, token_budget: 200000 }
 * console.log(scaledDefaults(1000)); // { resources: 500000, token_budget: 33333333 }
 * ```
 * @module
 */

/** The citizen count the SPEC's defaults are for. */
export const SCALE_BASE_CITIZENS = 6;

/** The SPEC's pool for up to {@linkcode SCALE_BASE_CITIZENS} citizens. */
export const BASE_RESOURCES = 3000;

/** The SPEC's game-token budget for up to {@linkcode SCALE_BASE_CITIZENS} citizens. */
export const BASE_TOKEN_BUDGET = 200_000;

/** The defaults that depend on the citizen count. */
export interface ScaledDefaults {
  /** The shelter's resource pool at the start. */
  resources: number;
  /** Game tokens for the whole simulation. */
  token_budget: number;
}

/**
 * The pool and token budget for `citizens` citizens (see the module doc for the rule).
 *
 * @param citizens The number of citizens (>= 1).
 * @returns The scaled defaults.
 */
export function scaledDefaults(citizens: number): ScaledDefaults {
  const f = Math.max(1, citizens / SCALE_BASE_CITIZENS);
  return {
    resources: Math.round(BASE_RESOURCES * f),
    token_budget: Math.round(BASE_TOKEN_BUDGET * f),
  };
}

/** The citizen count a raw config asks for: a count, a list's length, or the default six. */
function countOf(citizens: unknown): number | undefined {
  if (citizens === undefined) return SCALE_BASE_CITIZENS;
  if (typeof citizens === "number" && Number.isInteger(citizens) && citizens >= 1) return citizens;
  if (Array.isArray(citizens) && citizens.length >= 1) return citizens.length;
  return undefined;
}

/**
 * A raw config with the scaled defaults filled in where it has no value of its own
 * (anything that is not a plain object, or whose `citizens` is malformed, is returned as is:
 * the schema reports it).
 *
 * @param input The config object before validation.
 * @returns The same object, or a copy with `resources` and `token_budget` set.
 *
 * @example
 * ```ts
 * import { withScaledDefaults } from "./scaled_defaults.ts";
 * console.log(withScaledDefaults({ citizens: 60, resources: 100 }));
 * // { citizens: 60, resources: 100, token_budget: 2000000 }
 * ```
 */
export function withScaledDefaults(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const raw = input as Record<string, unknown>;
  const n = countOf(raw.citizens);
  if (n === undefined || n <= SCALE_BASE_CITIZENS) return input;
  const d = scaledDefaults(n);
  return {
    ...raw,
    resources: raw.resources === undefined ? d.resources : raw.resources,
    token_budget: raw.token_budget === undefined ? d.token_budget : raw.token_budget,
  };
}

/**
 * Re-seats a parsed config's scaled defaults for a new citizen count (an agents file that
 * names the citizens): a pool or budget equal to the scaled default of the old count is
 * taken as that default and replaced by the new count's; any other value was explicit and
 * stays.
 *
 * @param config The parsed config's pool and budget, and its citizen count.
 * @param citizens The new citizen count.
 * @returns The pool and budget for the new count.
 */
export function reseatScaledDefaults(
  config: { resources: number; token_budget: number; citizens: readonly string[] },
  citizens: number,
): ScaledDefaults {
  const was = scaledDefaults(config.citizens.length);
  const now = scaledDefaults(citizens);
  return {
    resources: config.resources === was.resources ? now.resources : config.resources,
    token_budget: config.token_budget === was.token_budget ? now.token_budget : config.token_budget,
  };
}
