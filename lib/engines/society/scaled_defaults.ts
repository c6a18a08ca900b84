/**
 * The defaults of a society config that scale with the number of citizens, so that any
 * count from 3 to 10,000 gives a viable society out of the box.
 *
 * The rule: with `n` citizens over `days` days and
 * `f = max(1, n / 6) * max(1, days / 10)` (six citizens and ten days are the SPEC's defaults),
 *
 *     resources    = round(3000 * f)       (500 per citizen above six, for ten days)
 *     token_budget = round(200000 * f)     (33,333 per citizen above six, for ten days)
 *
 * so for up to six citizens and ten days every default is the SPEC's, exactly; above six each
 * citizen brings the pool share and the game-token share of one of the six default citizens,
 * and a horizon beyond ten days brings the same share for each further day (the pool the
 * SPEC sizes for ten days would otherwise run out around day 12 at any size). Every other
 * default (consumption, action points, costs) is per citizen already and does not scale. An
 * explicit value in the config always wins.
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

/** The horizon (days) the SPEC's defaults are for. */
export const SCALE_BASE_DAYS = 10;

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
 * The pool and token budget for `citizens` citizens over `days` days (see the module doc for
 * the rule).
 *
 * @param citizens The number of citizens (>= 1).
 * @param days The horizon in days. @default {10}
 * @returns The scaled defaults.
 */
export function scaledDefaults(citizens: number, days: number = SCALE_BASE_DAYS): ScaledDefaults {
  const f = Math.max(1, citizens / SCALE_BASE_CITIZENS) * Math.max(1, days / SCALE_BASE_DAYS);
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
  const days = raw.days === undefined
    ? SCALE_BASE_DAYS
    : Number.isInteger(raw.days) && (raw.days as number) >= 1
    ? raw.days as number
    : undefined;
  if (n === undefined || days === undefined) return input;
  if (n <= SCALE_BASE_CITIZENS && days <= SCALE_BASE_DAYS) return input;
  const d = scaledDefaults(n, days);
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
  config: { resources: number; token_budget: number; citizens: readonly string[]; days: number },
  citizens: number,
): ScaledDefaults {
  const was = scaledDefaults(config.citizens.length, config.days);
  const now = scaledDefaults(citizens, config.days);
  return {
    resources: config.resources === was.resources ? now.resources : config.resources,
    token_budget: config.token_budget === was.token_budget ? now.token_budget : config.token_budget,
  };
}
