/**
 * The delegation game's configuration: a zod schema with the SPEC defaults (the paper's
 * simulator scenario) and a parser whose errors are one line naming the field.
 *
 * Unit prices come from the one pricing table `lib/llm/pricing.ts`: a model missing from it
 * is a config error naming the provider and the model.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * const config = parseDelegationConfig({ T: 500 });
 * console.log(config.providers.map((p) => p.models[0])); // ["o1", "o3-mini", "gpt-4"]
 * ```
 * @module
 */
import { z } from "zod";
import type { Schema } from "../../core/records.ts";
import { ConfigError, parseWith } from "../../core/config.ts";
import { priceOf } from "../../llm/pricing.ts";
import { STRATEGIES } from "./strategies.ts";
import { type PricingSpec, resolvePricing } from "./pricing.ts";

/** The users a run can play: the paper's mechanism or the no-mechanism user. */
export const MECHANISMS = ["paper", "none"] as const;

/** The largest horizon accepted: the engine's counters stay exact far beyond it. */
export const MAX_T = 1_000_000_000;

/**
 * The built-in provider strategies (`ours` is an alias of `strategic`); custom ones are
 * added with `registerStrategy` (strategies.ts).
 */
export const STRATEGY_NAMES = ["honest", "worst", "random", "strategic", "ours"] as const;

/** The paper's three providers (SPEC section 3). */
export const DEFAULT_PROVIDERS: readonly {
  name: string;
  models: string[];
  eta: number;
  strategy: string;
}[] = [
  { name: "provider_1", models: ["o1", "o1-mini", "gpt-4o-mini"], eta: 0.2, strategy: "honest" },
  {
    name: "provider_2",
    models: ["o3-mini", "deepseek-r1", "deepseek-v3"],
    eta: 0.6,
    strategy: "ours",
  },
  { name: "provider_3", models: ["gpt-4", "gpt-4o", "gpt-35-turbo"], eta: 0.4, strategy: "worst" },
];

const finite = (what: string) =>
  z.number({ error: `must be a number` }).refine(Number.isFinite, {
    error: (iss) => `${what} must be finite, got ${iss.input}`,
  });

/** One provider: its models (any order; best and cheapest are found by price), eta, strategy. */
const providerObject = z.strictObject({
  /** The agent name of the provider; defaults to `provider_<id>`. */
  name: z.string().min(1, { error: "must be a non-empty string" }).optional(),
  /** The models it can serve; the first among equally priced ones wins ties. */
  models: z.array(z.string().min(1, { error: "model names must be non-empty" }))
    .min(1, { error: "a provider needs at least one model" }),
  /** The provider's eta: cost = eta * tokens priced at the served model. */
  eta: finite("eta").pipe(z.number().min(0, { error: (i) => `must be >= 0, got ${i.input}` })),
  /** Its scripted strategy for offline runs. @default "honest" */
  strategy: z.string().default("honest"),
  /**
   * Its pricing policy (`pricing.ts`): `{"policy": "fixed"|"phase"|"surge"|"undercut"|<registered>,
   * ...params}`; checked and completed by `parseDelegationConfig`. Absent: the list price.
   */
  pricing: z.custom<PricingSpec>(
    (v) => v !== null && typeof v === "object" && !Array.isArray(v),
    { error: 'must be an object {"policy": ..., ...params}' },
  ).optional(),
});

/** One provider as a config file gives it, defaults filled in (`name` may be absent). */
export interface ProviderSpec {
  /** The agent name of the provider; absent: `provider_<id>`. */
  name?: string;
  /** The models it can serve; the first among equally priced ones wins ties. */
  models: string[];
  /** The provider's eta: cost = eta * tokens priced at the served model. */
  eta: number;
  /** Its scripted strategy for offline runs. @default {"honest"} */
  strategy: string;
  /**
   * Its pricing policy: the markup on the list price of each delegation (`pricing.ts`).
   * Absent: the list price at every step (the SPEC's and the paper's fixed price).
   */
  pricing?: PricingSpec;
}

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The hand-written types agree with their schemas (a compile error otherwise).
const _agreeProvider: Agree<ProviderSpec, z.output<typeof providerObject>> = true;

/** The schema of one provider of a delegation config (unknown keys rejected). */
export const ProviderSchema: Schema<ProviderSpec> = providerObject;

/** Where task records come from. */
const recordsObject = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("recorded"),
    /** A directory holding `<model>_test_result.jsonl` files. */
    dir: z.string().min(1),
    /** Use `task_ids_shuffled.json` from `dir` when present. @default true */
    shuffled: z.boolean().default(true),
  }),
  z.strictObject({
    mode: z.literal("synthetic"),
    /** Records per model, drawn from the model profiles with the run's seed. @default 1000 */
    tasks: z.number().int().min(1).max(10_000_000).default(1000),
  }),
  z.strictObject({
    mode: z.literal("live"),
    /** The task suite: generated tasks with an exact evaluator. @default "maxflow" */
    suite: z.literal("maxflow").default("maxflow"),
    /**
     * How served models are called: each served model `m` is an LLM entry
     * `{provider, model: models[m] ?? m, base_url, api_key_env, temperature, max_tokens}`
     * through the LLM layer (cache, budget, retry, limits). Keys come from `api_key_env`
     * only: a config file is saved with the run.
     */
    endpoint: z.strictObject({
      provider: z.enum(["openai", "anthropic"]).default("openai"),
      base_url: z.url().optional(),
      api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: "must be an environment variable name",
      }).optional(),
      temperature: z.number().min(0).max(2).optional(),
      /** @default 1024 */
      max_tokens: z.number().int().positive().default(1024),
      timeout_ms: z.number().int().positive().optional(),
      max_attempts: z.number().int().min(1).max(20).optional(),
    }).default({ provider: "openai", max_tokens: 1024 }),
    /** API model names by served model name, e.g. `{"o1": "o1-2024-12-17"}`. @default {} */
    models: z.record(z.string(), z.string().min(1)).default({}),
    /** Task sizes of the max-flow generator. @default {} */
    tasks: z.strictObject({
      min_nodes: z.number().int().min(2).optional(),
      max_nodes: z.number().int().min(2).optional(),
      edge_probability: z.number().min(0).max(1).optional(),
      max_capacity: z.number().int().min(1).optional(),
    }).default({}),
  }),
]);

/**
 * Where task records come from: `recorded` files, a `synthetic` generator, or `live` calls
 * of the served models on generated tasks.
 */
export type RecordsSpec =
  | {
    /** Records read from files. */
    mode: "recorded";
    /** A directory holding `<model>_test_result.jsonl` files. */
    dir: string;
    /** Use `task_ids_shuffled.json` from `dir` when present. @default {true} */
    shuffled: boolean;
  }
  | {
    /** Records drawn from the model profiles with the run's seed. */
    mode: "synthetic";
    /** Records per model. @default {1000} */
    tasks: number;
  }
  | {
    /** Served models called on generated tasks. */
    mode: "live";
    /** The task suite. @default {"maxflow"} */
    suite: "maxflow";
    /** How served models are called (keys come from `api_key_env` only). */
    endpoint: {
      /** The API's protocol. @default {"openai"} */
      provider: "openai" | "anthropic";
      /** The API's base URL. */
      base_url?: string;
      /** The environment variable holding the API key. */
      api_key_env?: string;
      /** Sampling temperature, in [0, 2]. */
      temperature?: number;
      /** Completion tokens at most. @default {1024} */
      max_tokens: number;
      /** Time limit of a call, in milliseconds. */
      timeout_ms?: number;
      /** HTTP attempts at most, in [1, 20]. */
      max_attempts?: number;
    };
    /** API model names by served model name, e.g. `{"o1": "o1-2024-12-17"}`. @default {{}} */
    models: Record<string, string>;
    /** Task sizes of the max-flow generator. @default {{}} */
    tasks: {
      /** Fewest nodes of a task's graph (at least 2). */
      min_nodes?: number;
      /** Most nodes of a task's graph (at least 2). */
      max_nodes?: number;
      /** Probability of each edge, in [0, 1]. */
      edge_probability?: number;
      /** Largest edge capacity (at least 1). */
      max_capacity?: number;
    };
  };

const _agreeRecords: Agree<RecordsSpec, z.output<typeof recordsObject>> = true;

/** The schema of a delegation config's `records` (which source, by `mode`). */
export const RecordsSchema: Schema<RecordsSpec> = recordsObject;

/** The schema of a delegation config; unknown keys are rejected. */
const delegationConfigObject = z.strictObject({
  /** Time steps (tasks the user delegates at most). @default 1000 */
  T: z.number().int({ error: (i) => `must be an integer, got ${i.input}` })
    .min(1, { error: (i) => `must be >= 1, got ${i.input}` })
    .max(MAX_T, { error: (i) => `must be <= ${MAX_T}, got ${i.input}` })
    .default(1000),
  /** The mechanism's exploration exponent. @default 0.2 */
  epsilon: finite("epsilon").pipe(
    z.number().min(0, { error: (i) => `must be >= 0, got ${i.input}` })
      .max(1, { error: (i) => `must be <= 1, got ${i.input}` }),
  ).default(0.2),
  /** Reward = score * reward_scale. @default 7 */
  reward_scale: finite("reward_scale").pipe(
    z.number().min(0, { error: (i) => `must be >= 0, got ${i.input}` })
      .max(1e12, { error: (i) => `must be <= 1e12, got ${i.input}` }),
  ).default(7),
  /** The providers, in id order (id = position + 1). @default the paper's three */
  providers: z.array(providerObject).min(1, { error: "at least one provider is required" })
    .default(() => DEFAULT_PROVIDERS.map((p) => ({ ...p, models: [...p.models] }))),
  /** Task records. @default {"mode": "synthetic", "tasks": 1000} */
  records: recordsObject.default({ mode: "synthetic", tasks: 1000 }),
  /** The run's random stream. @default "toolkit" */
  rng: z.enum(["toolkit", "python"]).default("toolkit"),
  /**
   * The user: `paper` plays the paper's mechanism; `none` the no-mechanism user
   * (`counterfactual.ts`): the same exploration, then every remaining task to the best
   * provider found, with no audit, early stop, bonus, incentive or utility-based phase.
   * Absent means `paper` (left out of the parsed config, so paper runs are unchanged).
   * @default "paper"
   */
  mechanism: z.enum(MECHANISMS).optional(),
}).transform((c) => ({
  ...c,
  providers: c.providers.map((p, i) => ({ ...p, name: p.name ?? `provider_${i + 1}` })),
}));

/** A provider of a parsed config (named). */
export interface ProviderConfig extends ProviderSpec {
  /** The agent name of the provider (`provider_<id>` unless the config names it). */
  name: string;
}

/** A parsed delegation config (defaults filled, every provider named). */
export interface DelegationConfig {
  /** Time steps (tasks the user delegates at most), at most {@linkcode MAX_T}. @default {1000} */
  T: number;
  /** The mechanism's exploration exponent, in [0, 1]. @default {0.2} */
  epsilon: number;
  /** Reward = score * reward_scale. @default {7} */
  reward_scale: number;
  /** The providers, in id order (id = position + 1). @default {DEFAULT_PROVIDERS} */
  providers: ProviderConfig[];
  /** Task records. @default {{ mode: "synthetic", tasks: 1000 }} */
  records: RecordsSpec;
  /** The run's random stream. @default {"toolkit"} */
  rng: "toolkit" | "python";
  /** The user: absent means `paper` (see {@linkcode MECHANISMS}). */
  mechanism?: (typeof MECHANISMS)[number];
}

const _agreeConfig: Agree<DelegationConfig, z.output<typeof delegationConfigObject>> = true;

/** The schema of a delegation config: unknown keys rejected, defaults filled in, every provider named. */
export const DelegationConfigSchema: Schema<DelegationConfig> = delegationConfigObject;

/**
 * What a config file may hold before defaults are applied: {@linkcode DelegationConfig}
 * with every defaulted field optional, at every level.
 */
export type DelegationConfigInput = {
  /** Time steps. */
  T?: number;
  /** The mechanism's exploration exponent. */
  epsilon?: number;
  /** Reward = score * reward_scale. */
  reward_scale?: number;
  /** The providers, in id order; `strategy` may be left out. */
  providers?: (Omit<ProviderSpec, "strategy"> & { strategy?: string })[];
  /** Task records: a `mode` and that mode's fields, defaulted ones optional. */
  records?:
    | { mode: "recorded"; dir: string; shuffled?: boolean }
    | { mode: "synthetic"; tasks?: number }
    | {
      mode: "live";
      suite?: "maxflow";
      endpoint?: {
        provider?: "openai" | "anthropic";
        base_url?: string;
        api_key_env?: string;
        temperature?: number;
        max_tokens?: number;
        timeout_ms?: number;
        max_attempts?: number;
      };
      models?: Record<string, string>;
      tasks?: {
        min_nodes?: number;
        max_nodes?: number;
        edge_probability?: number;
        max_capacity?: number;
      };
    };
  /** The run's random stream. */
  rng?: "toolkit" | "python";
  /** The user. */
  mechanism?: (typeof MECHANISMS)[number];
};

const _agreeInput: Agree<DelegationConfigInput, z.input<typeof delegationConfigObject>> = true;

/**
 * Parses and checks a delegation config: field types and ranges, unique provider names,
 * known strategies, models with a price, and pricing policies (their defaults filled in, so
 * the run's `config.json` records every parameter).
 *
 * @param input Any value, typically parsed JSON; `undefined` gives the defaults.
 * @returns The config with every default filled in.
 * @throws {ConfigError} One line `config.<field>: <problem>` for the first problem found.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * try {
 *   parseDelegationConfig({ providers: [{ models: ["gpt-9"], eta: 0.5 }] });
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // config.providers[0].models[0]: provider 'provider_1': model 'gpt-9' has no price in lib/llm/pricing.ts
 * }
 * ```
 */
export function parseDelegationConfig(input: unknown): DelegationConfig {
  const c = parseWith(delegationConfigObject, input ?? {}, "config");
  const seen = new Set<string>();
  c.providers.forEach((p, i) => {
    if (seen.has(p.name)) {
      throw new ConfigError(`config.providers[${i}].name: duplicate provider name '${p.name}'`);
    }
    seen.add(p.name);
    if (!Object.hasOwn(STRATEGIES, p.strategy)) {
      throw new ConfigError(
        `config.providers[${i}].strategy: unknown strategy '${p.strategy}'; expected one of ${
          Object.keys(STRATEGIES).join(", ")
        }`,
      );
    }
    if (p.pricing !== undefined) {
      p.pricing = resolvePricing(p.pricing, `config.providers[${i}].pricing`);
    }
    p.models.forEach((m, j) => {
      if (!priceOf(m)) {
        throw new ConfigError(
          `config.providers[${i}].models[${j}]: provider '${p.name}': model '${m}' has no price in lib/llm/pricing.ts`,
        );
      }
      if (p.models.indexOf(m) !== j) {
        throw new ConfigError(
          `config.providers[${i}].models[${j}]: provider '${p.name}' lists model '${m}' twice`,
        );
      }
    });
  });
  // Utilities must stay finite: ln(K T) and the priced tokens are bounded by the caps above,
  // so only a product overflow could break them.
  const K = c.providers.length;
  if (!Number.isFinite(Math.log(K * c.T))) {
    throw new ConfigError(`config.T: T * K overflows, got T=${c.T}, K=${K}`);
  }
  return c;
}
