/**
 * Provider pricing policies: the price a provider bills per delegation, after the seed's
 * `set_cost(t, mechanism_info)` / `get_price(t, mechanism_info)` ("the cost of the current
 * time step, from the provider's id and its history"). The billed price of a delegation is its
 * **list price** (the served tokens at the provider's best model's unit prices, SPEC section 3)
 * times a **markup** the provider's policy sets:
 *
 * - `fixed` (the default, `{"policy": "fixed", "markup": 1}`): the same markup at every step;
 *   markup 1 is the SPEC's price, and a config without `pricing` is exactly today's game.
 * - `phase`: one markup per phase slot (`exploration`, `exploitation`, `bonus`, `incentive`,
 *   `utility_based`), e.g. cheap while the user explores, dear once it is exploited.
 * - `surge`: raises its markup while the user keeps choosing it:
 *   `min(cap, 1 + step * streak)`, `streak` its delegations in a row just before this one.
 * - `undercut`: lowers its markup each time the user comes back to it after choosing another
 *   provider: `max(floor, 1 - step * passes)`, `passes` such returns so far (this one too).
 * - your own, registered with {@linkcode registerPricingPolicy}: `(t, info, params) => markup`.
 *
 * Every policy but `fixed` is **dynamic**: the price depends on time or history. The paper's
 * mechanism and its guarantees take each provider's price as fixed (billed at its proclaimed
 * best model's list price): the phase-1 means are its only estimate of what later delegations
 * are worth, so a verdict under dynamic pricing is outside the paper's assumptions (the
 * summary says so in `pricing.outside_paper_assumptions`, the report in a banner).
 *
 * @example
 * ```ts
 * import { createPricingPolicy, type PricingInfo } from "./pricing.ts";
 * const surge = createPricingPolicy({ policy: "surge", step: 0.1, cap: 1.5 });
 * const info = { streak: 3 } as PricingInfo;
 * console.log(surge.dynamic, surge.setCost(10, info)); // true 1.3
 * ```
 * @module
 */
import { ConfigError } from "../../core/config.ts";
import { PHASE_SLOTS } from "./types.ts";

/** The built-in pricing policies. */
export const PRICING_POLICIES = ["fixed", "phase", "surge", "undercut"] as const;

/** The largest markup a policy may return (a price of 1000 x the list price). */
export const MAX_MARKUP = 1000;

/**
 * What a pricing policy sees before a delegation (the seed's `mechanism_info`): the time, the
 * phase, what the mechanism has made public, and the provider's own history.
 */
export interface PricingInfo {
  /** The step about to be served (0-based). */
  t: number;
  /** Delegations in the whole game. */
  T: number;
  /** The phase slot of this delegation. */
  phase: (typeof PHASE_SLOTS)[number];
  /** This provider's id (1-based). */
  provider_id: number;
  /** Its delegations before this one. */
  delegations: number;
  /** The step of its previous delegation, `-1` before its first. */
  last_served: number;
  /** Its delegations in a row just before this one (0 when the previous step was another's). */
  streak: number;
  /** Times the user came back to it after choosing another provider, this delegation included. */
  passes: number;
  /** Its rewards so far (sum). */
  rewards: number;
  /** What the user paid it so far (sum of billed prices). */
  payments: number;
  /** Its provider utility so far (`eta * price - cost`, summed). */
  provider_utility: number;
  /** The markup of its previous delegation (1 before its first). */
  last_markup: number;
  /** `true` once exploration named it the best provider. */
  is_best: boolean;
  /** Exploitation delegations scheduled (0 before the end of exploration). */
  planned: number;
  /** The second-best phase-1 mean utility (0 before the end of exploration). */
  second_best_utility: number;
}

/**
 * A provider's pricing policy, the seed's `set_cost(t, mechanism_info)`: the markup on the
 * list price of the delegation at step `t`.
 */
export interface PricingPolicy {
  /** The policy's name (`fixed`, `phase`, `surge`, `undercut` or a registered one). */
  readonly name: string;
  /** `false` only for `fixed`: the price does not depend on time or history. */
  readonly dynamic: boolean;
  /**
   * The markup of the delegation at step `t`: the billed price is the list price times it.
   *
   * @param t The step about to be served.
   * @param info What the provider sees (see {@linkcode PricingInfo}).
   * @returns A finite markup in `[0, MAX_MARKUP]`.
   */
  setCost(t: number, info: PricingInfo): number;
}

/** A provider's `pricing` in a config: the policy's name and its numeric parameters. */
export interface PricingSpec {
  /** The policy: one of {@linkcode PRICING_POLICIES} or a registered one. */
  policy: string;
  /** The policy's parameters (numbers), defaults filled in by the config parser. */
  [param: string]: string | number;
}

/** A registered policy: the markup from the step, the info and the config's parameters. */
export type PricingFunction = (
  t: number,
  info: PricingInfo,
  params: Readonly<Record<string, number>>,
) => number;

/** One parameter of a built-in policy: its default and range. */
interface ParamRule {
  default: number;
  min: number;
  max: number;
}

const markupRule: ParamRule = { default: 1, min: 0, max: MAX_MARKUP };

/** The parameters of each built-in policy, with defaults and ranges. */
export const PRICING_PARAMS: Readonly<Record<string, Readonly<Record<string, ParamRule>>>> = {
  fixed: { markup: markupRule },
  phase: Object.fromEntries(PHASE_SLOTS.map((s) => [s, markupRule])),
  surge: {
    step: { default: 0.01, min: 0, max: MAX_MARKUP },
    cap: { default: 2, min: 1, max: MAX_MARKUP },
  },
  undercut: { step: { default: 0.05, min: 0, max: 1 }, floor: { default: 0.5, min: 0, max: 1 } },
};

/** What each built-in policy does, in one line (the report shows it). */
export const PRICING_RULES: Readonly<Record<string, string>> = {
  fixed: "list price x markup, the same at every step",
  phase: "list price x the markup of the delegation's phase",
  surge: "list price x min(cap, 1 + step x its delegations in a row before this one)",
  undercut:
    "list price x max(floor, 1 - step x the times the user came back to it after another provider)",
};

const REGISTERED: Record<string, PricingFunction> = {};

/**
 * Adds a pricing policy under a name, so that configs may name it
 * (`"pricing": {"policy": "<name>", ...numeric params}`). It is dynamic.
 *
 * @param name A new name (letters, digits, `_.:-`; built-in names cannot be replaced).
 * @param fn `(t, info, params) => markup`; a markup outside `[0, MAX_MARKUP]` stops the run.
 * @throws {TypeError} For a bad or built-in name, or a non-function.
 *
 * @example Double the price once the user has relied on it for 100 delegations.
 * ```ts
 * import { registerPricingPolicy } from "./pricing.ts";
 * registerPricingPolicy("loyalty_tax", (_t, info) => (info.delegations >= 100 ? 2 : 1));
 * ```
 */
export function registerPricingPolicy(name: string, fn: PricingFunction): void {
  if (typeof name !== "string" || !/^[A-Za-z0-9_.:-]+$/.test(name)) {
    throw new TypeError(
      `Cannot register pricing policy: bad name '${name}' (letters, digits, _.:-)`,
    );
  }
  if ((PRICING_POLICIES as readonly string[]).includes(name)) {
    throw new TypeError(`Cannot register pricing policy: '${name}' is built in`);
  }
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot register pricing policy '${name}': expected a function`);
  }
  REGISTERED[name] = fn;
}

/** The names of every pricing policy: built-in first, then registered ones. */
export function pricingPolicyNames(): string[] {
  return [...PRICING_POLICIES, ...Object.keys(REGISTERED)];
}

/**
 * Checks a provider's `pricing` and fills in its defaults.
 *
 * @param spec The config's value (`undefined`: none).
 * @param where The field's path for errors, e.g. `config.providers[1].pricing`.
 * @returns The spec with every built-in parameter present.
 * @throws {ConfigError} One line naming the field: an unknown policy or parameter, a value out
 * of range.
 */
export function resolvePricing(spec: unknown, where: string): PricingSpec {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new ConfigError(`${where}: expected an object {"policy": ..., ...params}`);
  }
  const { policy, ...params } = spec as Record<string, unknown>;
  if (typeof policy !== "string" || !pricingPolicyNames().includes(policy)) {
    throw new ConfigError(
      `${where}.policy: unknown pricing policy '${String(policy)}'; expected one of ${
        pricingPolicyNames().join(", ")
      }`,
    );
  }
  const rules = PRICING_PARAMS[policy];
  for (const [k, v] of Object.entries(params)) {
    if (rules && !Object.hasOwn(rules, k)) {
      throw new ConfigError(
        `${where}.${k}: policy '${policy}' has no parameter '${k}'; expected ${
          Object.keys(rules).join(", ")
        }`,
      );
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ConfigError(`${where}.${k}: must be a finite number, got ${JSON.stringify(v)}`);
    }
    const r = rules?.[k];
    if (r && (v < r.min || v > r.max)) {
      throw new ConfigError(`${where}.${k}: must be in [${r.min}, ${r.max}], got ${v}`);
    }
  }
  const filled: PricingSpec = { policy };
  for (const [k, r] of Object.entries(rules ?? {})) filled[k] = r.default;
  return Object.assign(filled, params as Record<string, number>);
}

const num = (spec: PricingSpec, k: string) => spec[k] as number;

/**
 * The policy of a resolved spec ({@linkcode resolvePricing}).
 *
 * @param spec A resolved pricing spec.
 * @returns The policy.
 * @throws {ConfigError} For an unknown policy.
 */
export function createPricingPolicy(spec: PricingSpec): PricingPolicy {
  const s = resolvePricing(spec, "pricing");
  switch (s.policy) {
    case "fixed": {
      const markup = num(s, "markup");
      return { name: "fixed", dynamic: false, setCost: () => markup };
    }
    case "phase": {
      const byPhase = Object.fromEntries(PHASE_SLOTS.map((p) => [p, num(s, p)]));
      return { name: "phase", dynamic: true, setCost: (_t, info) => byPhase[info.phase] };
    }
    case "surge": {
      const step = num(s, "step"), cap = num(s, "cap");
      return {
        name: "surge",
        dynamic: true,
        setCost: (_t, info) => Math.min(cap, 1 + step * info.streak),
      };
    }
    case "undercut": {
      const step = num(s, "step"), floor = num(s, "floor");
      return {
        name: "undercut",
        dynamic: true,
        setCost: (_t, info) => Math.max(floor, 1 - step * info.passes),
      };
    }
  }
  const fn = REGISTERED[s.policy];
  const { policy: _, ...params } = s;
  const frozen = Object.freeze({ ...params }) as Readonly<Record<string, number>>;
  return { name: s.policy, dynamic: true, setCost: (t, info) => fn(t, info, frozen) };
}

/** `true` when a provider's `pricing` (absent: fixed at list price) is dynamic. */
export function isDynamicPricing(spec: PricingSpec | undefined): boolean {
  return spec !== undefined && spec.policy !== "fixed";
}

/** The fixed markup of a provider (1 without `pricing`; 1 for a dynamic policy's tables). */
export function fixedMarkup(spec: PricingSpec | undefined): number {
  return spec?.policy === "fixed" ? num(spec, "markup") : 1;
}

/**
 * The one-line description of a provider's pricing (the report's configuration part).
 *
 * @example
 * ```ts
 * import { describePricing } from "./pricing.ts";
 * console.log(describePricing({ policy: "surge", step: 0.01, cap: 2 }));
 * // surge (step 0.01, cap 2): list price x min(cap, 1 + step x its delegations in a row before this one)
 * ```
 */
export function describePricing(spec: PricingSpec | undefined): string {
  if (!spec) return "fixed (markup 1): the list price (SPEC section 3)";
  const { policy, ...params } = spec;
  const args = Object.entries(params).map(([k, v]) => `${k} ${v}`).join(", ");
  const rule = PRICING_RULES[policy] ?? "a registered policy (user code)";
  return `${policy}${args ? ` (${args})` : ""}: ${rule}`;
}
