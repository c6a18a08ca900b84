/**
 * The emergent-society ("shelter") game's configuration: a zod schema with every SPEC
 * number as a default, and a parser whose errors are one line naming the field.
 *
 * `citizens` may be a count (`4` gives `citizen_001` ... `citizen_004`) or a list of names;
 * parsing always yields the list.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * const config = parseSocietyConfig({ days: 5 });
 * console.log(config.citizens); // ["chatgpt", "claude", "deepseek", "gemini", "qwen", "llama"]
 * console.log(parseSocietyConfig({ citizens: 2 }).citizens); // ["citizen_001", "citizen_002"]
 * ```
 * @module
 */
import { z } from "zod";
import type { Schema } from "../../core/records.ts";
import { parseWith } from "../../core/config.ts";
import { parseQuorum } from "./proposals.ts";
import { withScaledDefaults } from "./scaled_defaults.ts";
import { type ProposalRules, type Variant, VARIANTS, withVariant } from "./variants.ts";

/** The six default citizens of the SPEC. */
export const DEFAULT_CITIZENS: readonly string[] = Object.freeze([
  "chatgpt",
  "claude",
  "deepseek",
  "gemini",
  "qwen",
  "llama",
]);

/** The action types of the decision wire format, with their default AP cost. */
export const DEFAULT_ACTION_COSTS: Readonly<
  Record<"propose" | "vote" | "private_message" | "call_meeting" | "do_nothing", number>
> = Object.freeze({
  propose: 3,
  vote: 1,
  private_message: 1,
  call_meeting: 5,
  do_nothing: 0,
});

/** A citizen name: no spaces, commas or colons (they separate allocation content). */
const NAME = /^[^\s,:，：]+$/u;

function nonNegative(fallback: number) {
  return z.number().min(0, { error: (iss) => `must be >= 0, got ${iss.input}` }).default(
    fallback,
  );
}

function nonNegativeInt(fallback: number) {
  return z.number()
    .int({ error: (iss) => `must be an integer >= 0, got ${iss.input}` })
    .min(0, { error: (iss) => `must be an integer >= 0, got ${iss.input}` })
    .default(fallback);
}

function positiveInt(fallback: number) {
  return z.number()
    .int({ error: (iss) => `must be a positive integer, got ${iss.input}` })
    .min(1, { error: (iss) => `must be a positive integer, got ${iss.input}` })
    .default(fallback);
}

function flag(fallback: boolean) {
  return z.boolean({ error: (iss) => `must be true or false, got ${JSON.stringify(iss.input)}` })
    .default(fallback);
}

/** The prompt styles: the seed's compact v3 prompt and the verbose one it replaced. */
export const PROMPT_STYLES = ["compact", "verbose"] as const;

/** A prompt style (see `prompts.ts` and `verbose_prompt.ts`). */
export type PromptStyle = typeof PROMPT_STYLES[number];

/**
 * The prompt switches of the LLM citizens (ablations), with the seed's v3 prompt as the
 * default. Absent from a config, the defaults apply (the parsed config then has no `prompt`
 * field, so the hashes of configs without it do not change).
 */
const citizenPromptObject = z.strictObject({
  /**
   * `compact`: the static rules in the system message, a compact day message (the seed's v3).
   * `verbose`: no system message; every day's user message holds all the rules, memory lines
   * in long form and the open proposals field by field (a reconstruction of a prompt before
   * the seed's token optimisation, v2's style; the seed gives no text of it). @default "compact"
   */
  style: z.enum(PROMPT_STYLES, {
    error: (iss) => `must be "compact" or "verbose", got ${JSON.stringify(iss.input)}`,
  }).default("compact"),
  /**
   * Show the global game-token budget: its total in the system prompt and the day's
   * `Tokens: consumed N | remaining M` line. `false` keeps the token rule (shared, what a
   * day costs, the game ends when a day cannot be paid) without any figure of the budget.
   * @default true
   */
  show_token_budget: flag(true),
  /**
   * The seed's hint "when the game tokens run out, the shelter's resources are nearly gone
   * too (not exactly, but the trend is the same)", added to the token rule. @default true
   */
  hint_token_exhaustion: flag(true),
  /**
   * The seed's hint "eliminations make survival harder for everyone", added to the
   * efficiency rule. @default true
   */
  hint_elimination_cost: flag(true),
  /**
   * The seed's consumption line: what the citizen's last day cost in game tokens (from day
   * 2 on), before the global `consumed | remaining` line. @default true
   */
  show_consumption: flag(true),
});

/** The LLM citizens' prompt switches; see {@linkcode CITIZEN_SWITCH_DEFAULTS}. */
export interface CitizenPromptSwitches {
  /** `compact` (rules in the system message) or `verbose` (everything in each day's message). */
  style: PromptStyle;
  /** Show the global game-token budget (its total and the day's consumed/remaining line). */
  show_token_budget: boolean;
  /** Add the hint that resources run out about when the game tokens do. */
  hint_token_exhaustion: boolean;
  /** Add the hint that eliminations make survival harder for everyone. */
  hint_elimination_cost: boolean;
  /** Show what the citizen's last day cost in game tokens. */
  show_consumption: boolean;
}

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interface agrees with its schema (a compile error otherwise).
const _agreeSwitches: Agree<CitizenPromptSwitches, z.output<typeof citizenPromptObject>> = true;

/** The switches' defaults: the seed's v3 prompt (compact, budget shown, both hints, the consumption line). */
export const CITIZEN_SWITCH_DEFAULTS: Readonly<CitizenPromptSwitches> = Object.freeze({
  style: "compact",
  show_token_budget: true,
  hint_token_exhaustion: true,
  hint_elimination_cost: true,
  show_consumption: true,
});

/**
 * The LLM citizens' prompt switches in effect for a config: its `prompt` section, or the
 * defaults when absent.
 *
 * @param config A parsed config.
 * @returns The switches, every field set.
 *
 * @example
 * ```ts
 * import { citizenSwitches, parseSocietyConfig } from "./config.ts";
 * console.log(citizenSwitches(parseSocietyConfig({ prompt: { hint_elimination_cost: false } })));
 * // { style: "compact", show_token_budget: true, hint_token_exhaustion: true, hint_elimination_cost: false, show_consumption: true }
 * ```
 */
export function citizenSwitches(config: { prompt?: CitizenPromptSwitches }): CitizenPromptSwitches {
  return { ...CITIZEN_SWITCH_DEFAULTS, ...config.prompt };
}

/** `citizen_001`, `citizen_002`, ... for a count of citizens. */
export function numberedCitizens(n: number): string[] {
  const width = Math.max(3, String(n).length);
  return Array.from({ length: n }, (_, i) => `citizen_${String(i + 1).padStart(width, "0")}`);
}

/** A proposal type's pass rule (see `ProposalRule` in `proposals.ts`). */
function proposalRule(fallback: { against_factor: number; quorum: string }) {
  return z.strictObject({
    against_factor: nonNegative(fallback.against_factor),
    quorum: z.string({
      error: (iss) => `must be a fraction "n/d" in [0, 1], got ${JSON.stringify(iss.input)}`,
    })
      .refine((q) => parseQuorum(q) !== null, {
        error: (iss) => `must be a fraction "n/d" in [0, 1], got ${JSON.stringify(iss.input)}`,
      })
      .default(fallback.quorum),
  }, { error: (iss) => `must be a rule object or null, got ${JSON.stringify(iss.input)}` })
    .nullable();
}

/**
 * The proposal types and pass rules (`variants.ts` fills in every type before parsing, so
 * each key is present: a rule, or `null` for a type this shelter does not have).
 */
const proposalsObject = z.strictObject({
  resource_allocation: proposalRule({ against_factor: 1, quorum: "1/2" }),
  elimination_vote: proposalRule({ against_factor: 1, quorum: "2/3" }),
  appeal: proposalRule({ against_factor: 2, quorum: "2/3" }),
});

const citizenList = z.array(
  z.string().regex(NAME, {
    error: (iss) =>
      `names must be non-empty without spaces, commas or colons, got ${JSON.stringify(iss.input)}`,
  }),
).min(1, { error: "at least one citizen is required" });

/**
 * The schema of a society config. Every field has the SPEC default; unknown keys are
 * rejected; rule-breaking values (negative budgets, a floor above the start efficiency,
 * duplicate names, a token budget that cannot pay for day 1) are errors naming the field.
 */
const societyConfigObject = z.strictObject({
  /** A count of citizens (named `citizen_001`, ...) or their names. @default the six of the SPEC */
  citizens: z.union([
    z.number().int({ error: (iss) => `must be a positive integer or a list, got ${iss.input}` })
      .min(1, { error: (iss) => `must be a positive integer or a list, got ${iss.input}` })
      .max(100_000, { error: (iss) => `must be at most 100000, got ${iss.input}` })
      .transform(numberedCitizens),
    citizenList,
  ]).default(() => [...DEFAULT_CITIZENS]),
  /** The day limit. @default 10 */
  days: positiveInt(10),
  /**
   * The shelter's resource pool at the start. @default 3000 up to 6 citizens, 500 per
   * citizen above (`round(3000 * max(1, n / 6))`, see `scaled_defaults.ts`)
   */
  resources: nonNegative(3000),
  /** System efficiency at the start. @default 1.0 */
  initial_efficiency: z.number().gt(0, { error: (iss) => `must be in (0, 1], got ${iss.input}` })
    .max(1, { error: (iss) => `must be in (0, 1], got ${iss.input}` }).default(1),
  /** Efficiency lost per elimination (vote or starvation). @default 0.05 */
  efficiency_decay: nonNegative(0.05),
  /** The efficiency floor. @default 0.5 */
  min_efficiency: z.number().gt(0, { error: (iss) => `must be in (0, 1], got ${iss.input}` })
    .max(1, { error: (iss) => `must be in (0, 1], got ${iss.input}` }).default(0.5),
  /**
   * Game tokens for the whole simulation. @default 200000 up to 6 citizens, scaled with the
   * citizens above (`round(200000 * max(1, n / 6))`, see `scaled_defaults.ts`)
   */
  token_budget: nonNegativeInt(200_000),
  /** Game tokens each living AI costs per day. @default 1500 */
  base_decision_cost: nonNegativeInt(1500),
  /** Game tokens per action point spent. @default 100 */
  tokens_per_action_point: nonNegativeInt(100),
  /** AP cost of each action type. */
  action_costs: z.strictObject({
    propose: nonNegativeInt(DEFAULT_ACTION_COSTS.propose),
    vote: nonNegativeInt(DEFAULT_ACTION_COSTS.vote),
    private_message: nonNegativeInt(DEFAULT_ACTION_COSTS.private_message),
    call_meeting: nonNegativeInt(DEFAULT_ACTION_COSTS.call_meeting),
    do_nothing: nonNegativeInt(DEFAULT_ACTION_COSTS.do_nothing),
  }).default(() => ({ ...DEFAULT_ACTION_COSTS })),
  /** Every AI's AP on day 1. @default 3 */
  initial_action_points: nonNegativeInt(3),
  /** Resources each living AI consumes per day. @default 20 */
  consumption: nonNegativeInt(20),
  /** Resources above consumption per action point earned for tomorrow. @default 10 */
  resources_per_action_point: positiveInt(10),
  /** Health at the start, and its maximum. @default 100 */
  max_health: positiveInt(100),
  /** Health gained on a day fed at least `consumption`. @default 5 */
  health_gain: nonNegative(5),
  /** Health lost per unit short of `consumption`. @default 2 */
  starvation_factor: nonNegative(2),
  /** Health of a citizen revived by an appeal. @default 50 */
  revive_health: positiveInt(50),
  /** The request of the fallback decision. @default 20 */
  fallback_request: nonNegativeInt(20),
  /** Memory lines an LLM citizen sees (an ablation switch too). @default 5 */
  memory_length: nonNegativeInt(5),
  /** Characters of a statement, message or topic kept (longer ones are cut). @default 200 */
  text_max_chars: positiveInt(200),
  /** Policies of offline citizens, assigned in turn (see `policies.ts`). @default the default mix */
  policies: z.array(z.string().min(1, { error: "policy names must be non-empty" }))
    .min(1, { error: "at least one policy is required" }).optional(),
  /**
   * Prompt switches of the LLM citizens (ablations; a grid varies them as
   * `"prompt.show_token_budget"`, ...): `style` (`"compact"`), `show_token_budget` (true),
   * `hint_token_exhaustion` (true), `hint_elimination_cost` (true), `show_consumption`
   * (true); see {@linkcode CITIZEN_SWITCH_DEFAULTS}. @default absent (the seed's v3 prompt)
   */
  prompt: citizenPromptObject.optional(),
  /**
   * The seed's version of the shelter, a preset (`variants.ts`): `"v2"` or `"v3"` expands
   * into `proposals`, `efficiency_decay`, `base_decision_cost`, `tokens_per_action_point`
   * and `prompt` fields; the config's own values win. @default absent (the v3 rules)
   */
  variant: z.enum(VARIANTS, {
    error: (iss) => `must be "v2" or "v3", got ${JSON.stringify(iss.input)}`,
  }).optional(),
  /**
   * The proposal types and their pass rules, `{against_factor, quorum}` per type (`null`: the
   * type does not exist); a grid varies them as `"proposals.appeal.against_factor"`.
   * @default absent (the v3 rules of the SPEC)
   */
  proposals: proposalsObject.optional(),
}).superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.citizens.forEach((name, i) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: "custom",
        path: ["citizens", i],
        message: `names must be unique, '${name}' appears twice`,
      });
    }
    seen.add(name);
  });
  if (c.min_efficiency > c.initial_efficiency) {
    ctx.addIssue({
      code: "custom",
      path: ["min_efficiency"],
      message: `must be <= initial_efficiency (${c.initial_efficiency}), got ${c.min_efficiency}`,
    });
  }
  if (c.revive_health > c.max_health) {
    ctx.addIssue({
      code: "custom",
      path: ["revive_health"],
      message: `must be <= max_health (${c.max_health}), got ${c.revive_health}`,
    });
  }
  const dayOne = c.citizens.length * c.base_decision_cost;
  if (c.token_budget < dayOne) {
    ctx.addIssue({
      code: "custom",
      path: ["token_budget"],
      message:
        `must cover day 1 (${c.citizens.length} x ${c.base_decision_cost} = ${dayOne}), got ${c.token_budget}`,
    });
  }
});

/** The AP costs of the action types. */
export interface ActionCosts {
  /** Propose a resource allocation. @default {3} */
  propose: number;
  /** Vote on a proposal or an elimination. @default {1} */
  vote: number;
  /** Send a private message. @default {1} */
  private_message: number;
  /** Call a meeting. @default {5} */
  call_meeting: number;
  /** Do nothing. @default {0} */
  do_nothing: number;
}

/** A parsed society config (`citizens` is always a list of names). */
export interface SocietyConfig {
  /** The citizens' names (a count in the file gives `citizen_001`, ...). @default the six of the SPEC */
  citizens: string[];
  /** The day limit. @default {10} */
  days: number;
  /**
   * The shelter's resource pool at the start. @default {3000} up to 6 citizens; above,
   * `round(3000 * n / 6)` (500 per citizen; `scaled_defaults.ts`)
   */
  resources: number;
  /** System efficiency at the start, in (0, 1]. @default {1.0} */
  initial_efficiency: number;
  /** Efficiency lost per elimination (vote or starvation). @default {0.05} */
  efficiency_decay: number;
  /** The efficiency floor, in (0, 1]. @default {0.5} */
  min_efficiency: number;
  /**
   * Game tokens for the whole simulation. @default {200000} up to 6 citizens; above,
   * `round(200000 * n / 6)` (`scaled_defaults.ts`)
   */
  token_budget: number;
  /** Game tokens each living AI costs per day. @default {1500} */
  base_decision_cost: number;
  /** Game tokens per action point spent. @default {100} */
  tokens_per_action_point: number;
  /** AP cost of each action type. @default {DEFAULT_ACTION_COSTS} */
  action_costs: ActionCosts;
  /** Every AI's AP on day 1. @default {3} */
  initial_action_points: number;
  /** Resources each living AI consumes per day. @default {20} */
  consumption: number;
  /** Resources above consumption per action point earned for tomorrow. @default {10} */
  resources_per_action_point: number;
  /** Health at the start, and its maximum. @default {100} */
  max_health: number;
  /** Health gained on a day fed at least `consumption`. @default {5} */
  health_gain: number;
  /** Health lost per unit short of `consumption`. @default {2} */
  starvation_factor: number;
  /** Health of a citizen revived by an appeal. @default {50} */
  revive_health: number;
  /** The request of the fallback decision. @default {20} */
  fallback_request: number;
  /** Memory lines an LLM citizen sees (an ablation switch too). @default {5} */
  memory_length: number;
  /** Characters of a statement, message or topic kept (longer ones are cut). @default {200} */
  text_max_chars: number;
  /** Policies of offline citizens, assigned in turn (see `policies.ts`); absent: the default mix. */
  policies?: string[];
  /**
   * Prompt switches of the LLM citizens (ablations); absent, the defaults apply
   * ({@linkcode citizenSwitches} resolves them).
   */
  prompt?: CitizenPromptSwitches;
  /** The seed's version the config was expanded from (`variants.ts`); absent: none named. */
  variant?: Variant;
  /**
   * The proposal types and pass rules; absent, the v3 rules apply (`proposalRules` in
   * `variants.ts` resolves them).
   */
  proposals?: ProposalRules;
}

// The interface agrees with its schema (a compile error otherwise).
const _agreeConfig: Agree<SocietyConfig, z.output<typeof societyConfigObject>> = true;

/** The schema of a society config: unknown keys rejected, defaults filled in. */
export const SocietyConfigSchema: Schema<SocietyConfig> = societyConfigObject;

/**
 * Validates a society config and fills in the defaults. The pool and the token budget
 * default to values that scale with the citizen count above six (`scaled_defaults.ts`:
 * `round(3000 * max(1, n / 6))` and `round(200000 * max(1, n / 6))`), so any count gives a
 * viable society; an explicit value always wins, and up to six citizens the defaults are
 * the SPEC's. A `variant` (`"v2"`, `"v3"`) expands into its preset's fields first
 * (`variants.ts`), the config's own values winning.
 *
 * @param input A JSON object (or `undefined` for every default).
 * @returns The config.
 * @throws {ConfigError} Naming the field, e.g. `config.days: must be a positive integer, got 0`.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * try {
 *   parseSocietyConfig({ citizens: ["a", "a"] });
 * } catch (e) {
 *   console.log((e as Error).message); // config.citizens[1]: names must be unique, 'a' appears twice
 * }
 * ```
 */
export function parseSocietyConfig(input: unknown): SocietyConfig {
  return parseWith(societyConfigObject, withVariant(withScaledDefaults(input ?? {})), "config");
}
