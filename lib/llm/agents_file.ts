/**
 * The agents file (`--agents agents.json`): which agent plays which seat, and with what.
 *
 * ```json
 * { "agents": [
 *   { "name": "miner_a", "provider": "openai", "model": "gpt-4o-mini", "api_key_env": "OPENAI_API_KEY" },
 *   { "name": "miner_b", "provider": "anthropic", "model": "claude-sonnet-4-5", "temperature": 0.7 },
 *   { "name": "miner_c", "provider": "openai", "model": "qwen2.5:7b", "base_url": "http://localhost:11434/v1" },
 *   { "name": "miner_d", "provider": "policy", "policy": "greedy" }
 * ] }
 * ```
 *
 * A literal `api_key` is accepted but never written anywhere: {@linkcode redactAgents}
 * replaces it by `<redacted>` before a config is saved, and so the values of secret-named
 * query parameters of `base_url` (`?api_key=...`) and the credentials of `proxy`.
 *
 * `proxy` sends an agent's API calls through an HTTP(S) proxy (`"proxy":
 * "http://user:pass@proxy.lan:3128"`; see `proxy.ts`); agents without one follow
 * `HTTPS_PROXY`/`NO_PROXY`. `hash_power` is the agent's hash power in the blockchain game
 * (it replaces the seat's `config.alpha` entry); it is an engine field
 * ({@linkcode ENGINE_AGENT_FIELDS}): an experiment that has no use for it refuses it.
 *
 * A model the pricing table lacks (or prices differently) takes its price from the entry:
 * `"price": {"input": 0.1, "output": 0.4, "cached_input": 0.025}`, dollars per 1M tokens;
 * {@linkcode loadAgentsFile} registers it for cost accounting and `--max-usd`.
 *
 * @example
 * ```ts
 * import { parseAgentsFile } from "./agents_file.ts";
 * const file = parseAgentsFile({ agents: [{ name: "a", provider: "policy", policy: "honest" }] }, "agents.json");
 * console.log(file.agents[0].policy); // "honest"
 * ```
 * @module
 */
import { z } from "zod";
import { ConfigError, parseWith, readJsonFile } from "../core/config.ts";
import type { Schema } from "../core/records.ts";
import { redactUrl } from "../core/redact.ts";
import { type Price, registerPrice } from "./pricing.ts";
import { checkProxyUrl, redactProxyUrl } from "./proxy.ts";

/** The text that replaces secrets in every file a run writes. */
export const REDACTED = "<redacted>";

/**
 * Names an agent cannot take: the properties of `Object.prototype` (`constructor`,
 * `__proto__`, `toString`, ...), which break the per-agent records of a run.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Object.prototype),
);

/** The largest `timeout_ms`: timers clamp longer delays to 1 ms. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The schema of an agent name: 1 to 64 characters, not one of {@linkcode RESERVED_NAMES}.
 *
 * @param what What the name is called in the error message. @default {"name"}
 * @returns A zod schema of a string.
 */
export function agentName(what = "name"): Schema<string> {
  return z.string().min(1, "must not be empty").max(64).refine(
    (v) => !RESERVED_NAMES.has(v),
    {
      error: (iss) =>
        `'${iss.input}' is reserved (a property of every JavaScript object); choose another ${what}`,
    },
  );
}

/**
 * An `http:` or `https:` URL without credentials (a key goes in `api_key_env`: credentials
 * in a URL become a `Basic` header that replaces the SDK's key).
 */
const baseUrl = z.string().superRefine((v, ctx) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an http: or https: URL" });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({
      code: "custom",
      message: `must be an http: or https: URL, got ${url.protocol}`,
    });
  } else if (url.username || url.password) {
    ctx.addIssue({
      code: "custom",
      message: "must not contain credentials (user:password@); put the key in api_key_env",
    });
  }
});

/** An `http:` or `https:` proxy URL, credentials allowed; messages never quote it. */
const proxyUrl = z.string({ error: "expected a proxy URL (text), e.g. http://host:3128" })
  .superRefine((v, ctx) => {
    const problem = checkProxyUrl(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A share of the total hash power: finite, above 0, at most 1. */
const hashPower = z.number({
  error: (iss) =>
    typeof iss.input === "number"
      ? `must be a finite number, got ${iss.input}`
      : `expected a number (a share of the hash power, e.g. 0.25), got ${
        JSON.stringify(iss.input)
      }`,
}).refine((v) => v > 0 && v <= 1, {
  error: (iss) => `must be > 0 and <= 1 (a share of the total hash power), got ${iss.input}`,
});

/** Dollars per 1M tokens: a finite number, 0 or more. */
const dollarsPerMillion = z.number({
  error: (iss) =>
    iss.input === undefined
      ? "required (dollars per 1M tokens)"
      : typeof iss.input === "number"
      ? `must be a finite number of dollars per 1M tokens, got ${iss.input}`
      : `expected a number of dollars per 1M tokens, got ${JSON.stringify(iss.input)}`,
}).refine((v) => v >= 0, {
  error: (iss) => `must be >= 0 (dollars per 1M tokens), got ${iss.input}`,
});

/** An entry's `price`: dollars per 1M tokens. */
export type AgentPrice = {
  /** Dollars per 1M input tokens. */
  input: number;
  /** Dollars per 1M output tokens. */
  output: number;
  /**
   * Dollars per 1M input tokens read from the prompt cache. @default {input} (0.1 x input
   * for Anthropic)
   */
  cached_input?: number;
  /**
   * Dollars per 1M input tokens written to the prompt cache. @default {input} (1.25 x input
   * for Anthropic)
   */
  cache_write_input?: number;
};

const agentPriceObject = z.object({
  input: dollarsPerMillion,
  output: dollarsPerMillion,
  cached_input: dollarsPerMillion.optional(),
  cache_write_input: dollarsPerMillion.optional(),
}).strict();

const positiveInteger = z.number().refine(
  (v) => Number.isInteger(v),
  { error: (iss) => `expected an integer, got ${iss.input}` },
).refine((v) => v > 0, { error: (iss) => `must be positive, got ${iss.input}` });

/** One entry of the agents file: who plays a seat, with which model or policy. */
export type AgentSpec = {
  /** The agent's name (the seat it plays); 1 to 64 characters, unique in the file. */
  name: string;
  /** Who decides: an OpenAI-compatible API, Anthropic's API, or a scripted policy. */
  provider: "openai" | "anthropic" | "policy";
  /** The model, e.g. `gpt-4o-mini`; required unless `provider` is `policy`. */
  model?: string;
  /** The engine's policy name, e.g. `greedy`; required when `provider` is `policy`. */
  policy?: string;
  /** An `http:` or `https:` base URL of an OpenAI-compatible server, without credentials. */
  base_url?: string;
  /**
   * The environment variable holding the API key. @default {"OPENAI_API_KEY"} (or
   * `ANTHROPIC_API_KEY` for Anthropic)
   */
  api_key_env?: string;
  /** A literal API key (accepted, never written: saved configs show `<redacted>`). */
  api_key?: string;
  /** Sampling temperature, 0 to 2. */
  temperature?: number;
  /** The most tokens of a reply. */
  max_tokens?: number;
  /** Per-request timeout in milliseconds (at most {@linkcode MAX_TIMEOUT_MS}). */
  timeout_ms?: number;
  /** Request quota per minute, shared by the seats on the same server and key. */
  requests_per_minute?: number;
  /** Token quota per minute, shared by the seats on the same server and key. */
  tokens_per_minute?: number;
  /** The most requests in flight at once, shared like the quotas. */
  concurrency?: number;
  /** HTTP attempts per call, 1 to 20. @default {5} */
  max_attempts?: number;
  /**
   * Ask for structured output (OpenAI `response_format` json_schema, Anthropic a forced
   * tool) built from the engine's reply schema. Default: on for OpenAI models known to
   * support it on api.openai.com, off elsewhere.
   */
  structured?: boolean;
  /**
   * The model's price, dollars per 1M tokens, for a model the pricing table lacks or prices
   * otherwise; every entry naming the model must agree. @default {the pricing table's}
   */
  price?: AgentPrice;
  /**
   * An `http:` or `https:` proxy for the agent's API calls, e.g.
   * `http://user:pass@proxy.lan:3128` (credentials are sent to the proxy, never written).
   * @default {none: `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` as usual}
   */
  proxy?: string;
  /**
   * The agent's hash power in the blockchain game, a share in (0, 1]: replaces the seat's
   * `config.alpha` entry (the hash powers and `honest_power` must still sum to 1). Only the
   * experiments that name it in {@linkcode ENGINE_AGENT_FIELDS} accept it.
   */
  hash_power?: number;
};

const agentSpecObject = z.object({
  name: agentName(),
  provider: z.enum(["openai", "anthropic", "policy"]),
  model: z.string().min(1).optional(),
  policy: z.string().min(1).optional(),
  base_url: baseUrl.optional(),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
    .max(64, "must be an environment variable name, not a key")
    .refine(
      (v) => !/^(sk|key|pk)[-_]/i.test(v),
      "must name an environment variable, not hold the key",
    )
    .optional(),
  api_key: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  timeout_ms: positiveInteger.refine(
    (v) => v <= MAX_TIMEOUT_MS,
    { error: (iss) => `must be at most ${MAX_TIMEOUT_MS} (about 24.8 days), got ${iss.input}` },
  ).optional(),
  requests_per_minute: positiveInteger.optional(),
  tokens_per_minute: positiveInteger.optional(),
  concurrency: positiveInteger.optional(),
  max_attempts: z.number().int().min(1).max(20).optional(),
  /**
   * Ask for structured output (OpenAI `response_format` json_schema, Anthropic a forced
   * tool) built from the engine's reply schema. Default: on for OpenAI models known to
   * support it on api.openai.com, off elsewhere.
   */
  structured: z.boolean().optional(),
  price: agentPriceObject.optional(),
  proxy: proxyUrl.optional(),
  hash_power: hashPower.optional(),
}).strict().superRefine((a, ctx) => {
  if (a.provider === "policy" && !a.policy) {
    ctx.addIssue({
      code: "custom",
      path: ["policy"],
      message: "required when provider is 'policy'",
    });
  }
  if (a.provider !== "policy" && !a.model) {
    ctx.addIssue({
      code: "custom",
      path: ["model"],
      message: `required when provider is '${a.provider}'`,
    });
  }
  if (a.provider === "policy" && a.proxy !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy"],
      message: "only for LLM agents (a policy makes no calls)",
    });
  }
  if (a.provider === "policy" && a.price) {
    ctx.addIssue({
      code: "custom",
      path: ["price"],
      message: "only for LLM agents (a policy makes no calls)",
    });
  }
});

/** The schema of one entry of the agents file (unknown keys rejected). */
export const AgentSpecSchema: Schema<AgentSpec> = agentSpecObject;

/** A whole agents file. */
export type AgentsFile = {
  /** The agents, at least one, names unique. */
  agents: AgentSpec[];
};

const agentsFileObject = z.object({
  agents: z.array(agentSpecObject).min(1, "must list at least one agent"),
}).strict().superRefine((f, ctx) => {
  const seen = new Set<string>();
  f.agents.forEach((a, i) => {
    if (seen.has(a.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["agents", i, "name"],
        message: `duplicate agent name '${a.name}'`,
      });
    }
    seen.add(a.name);
  });
  // One model name, one price: the pricing table is keyed by model name.
  const priced = new Map<string, { index: number; price: string }>();
  f.agents.forEach((a, i) => {
    const price = agentPrice(a);
    if (!price) return;
    const text = JSON.stringify(price);
    const first = priced.get(a.model!);
    if (first && first.price !== text) {
      ctx.addIssue({
        code: "custom",
        path: ["agents", i, "price"],
        message: `differs from agents[${first.index}].price for model '${a.model}'; ` +
          "a model name has one price",
      });
    } else if (!first) priced.set(a.model!, { index: i, price: text });
  });
});

/** The schema of a whole agents file (unknown keys rejected, names unique). */
export const AgentsFileSchema: Schema<AgentsFile> = agentsFileObject;

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The types agree with their schemas (a compile error otherwise).
const _agree: [
  Agree<AgentSpec, z.output<typeof agentSpecObject>>,
  Agree<AgentsFile, z.output<typeof agentsFileObject>>,
] = [true, true];

/** Validates an agents file's content; errors name the source and field. */
export function parseAgentsFile(input: unknown, source: string): AgentsFile {
  return parseWith(AgentsFileSchema, input, source);
}

/**
 * Reads and validates an agents file, and registers the `price` of its entries in the
 * pricing table (see {@linkcode registerAgentPrices}).
 */
export async function loadAgentsFile(path: string): Promise<AgentsFile> {
  const file = parseAgentsFile(await readJsonFile(path), path);
  registerAgentPrices(file.agents);
  return file;
}

/**
 * The pricing-table price of an entry's `price`, or `undefined` when it has none. Cache
 * rates it leaves out default to the input rate, or for Anthropic to its multipliers:
 * reads 0.1 x input, writes 1.25 x input (5-minute TTL).
 *
 * @param spec An entry of the agents file.
 * @returns The price, dollars per 1M tokens.
 * @example
 * ```ts
 * import { agentPrice } from "./agents_file.ts";
 * const price = { input: 2, output: 8 };
 * console.log(agentPrice({ name: "a", provider: "anthropic", model: "m", price }));
 * // { input: 2, output: 8, cachedInput: 0.2, cacheWriteInput: 2.5 }
 * ```
 */
export function agentPrice(spec: AgentSpec): Price | undefined {
  const p = spec.price;
  if (!p) return undefined;
  const anthropic = spec.provider === "anthropic";
  const cachedInput = p.cached_input ?? (anthropic ? p.input * 0.1 : undefined);
  const cacheWriteInput = p.cache_write_input ?? (anthropic ? p.input * 1.25 : undefined);
  return {
    input: p.input,
    output: p.output,
    ...(cachedInput === undefined ? {} : { cachedInput }),
    ...(cacheWriteInput === undefined ? {} : { cacheWriteInput }),
  };
}

/**
 * Registers the `price` of each entry in the pricing table under its model name (replacing
 * the table's own), so that the seat's calls are costed, logged and budgeted at it.
 *
 * @param agents The entries of a validated agents file.
 * @throws {ConfigError} When two entries give different prices for one model name.
 */
export function registerAgentPrices(agents: readonly AgentSpec[]): void {
  const seen = new Map<string, string>();
  for (const a of agents) {
    const price = agentPrice(a);
    if (!price) continue;
    const text = JSON.stringify(price);
    const before = seen.get(a.model!);
    if (before !== undefined && before !== text) {
      throw new ConfigError(
        `agents '${a.name}': price: differs from another entry's for model '${a.model}'; a model name has one price`,
      );
    }
    seen.set(a.model!, text);
    registerPrice(a.model!, price);
  }
}

/**
 * A copy of the specs safe to write: literal keys replaced by {@linkcode REDACTED}, and
 * the secrets of `base_url` too (credentials, values of secret-named query parameters).
 */
export function redactAgents(agents: readonly AgentSpec[]): AgentSpec[] {
  return agents.map((a) => ({
    ...a,
    ...(a.api_key === undefined ? {} : { api_key: REDACTED }),
    ...(a.base_url === undefined ? {} : { base_url: redactUrl(a.base_url) }),
    ...(a.proxy === undefined ? {} : { proxy: redactProxyUrl(a.proxy) }),
  }));
}

/**
 * Agents-file fields that only some experiments read, and what each is: an experiment that
 * does not list a field in its `agentFields` refuses an agents file that sets it (see
 * {@linkcode checkAgentFields}), rather than ignoring it silently.
 */
export const ENGINE_AGENT_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  hash_power: "a miner's hash power in the blockchain game",
});

/**
 * Refuses the engine fields ({@linkcode ENGINE_AGENT_FIELDS}) an experiment does not read.
 *
 * @param agents The agents file's entries.
 * @param experiment The experiment's name, for the message.
 * @param accepted The engine fields the experiment reads. @default {[]}
 * @throws {ConfigError} Naming the first entry and field it does not read, e.g.
 * `agents[0].hash_power: the ipd experiment does not use it (a miner's hash power in the
 * blockchain game); remove it`.
 * @example
 * ```ts
 * import { checkAgentFields } from "./agents_file.ts";
 * const agents = [{ name: "a", provider: "policy" as const, policy: "honest", hash_power: 0.6 }];
 * checkAgentFields(agents, "blockchain", ["hash_power"]); // accepted
 * try {
 *   checkAgentFields(agents, "ipd");
 * } catch (e) {
 *   console.log((e as Error).message); // agents[0].hash_power: the ipd experiment does not use it ...
 * }
 * ```
 */
export function checkAgentFields(
  agents: readonly AgentSpec[],
  experiment: string,
  accepted: readonly string[] = [],
): void {
  agents.forEach((a, i) => {
    for (const field of Object.keys(ENGINE_AGENT_FIELDS)) {
      if ((a as Record<string, unknown>)[field] === undefined || accepted.includes(field)) continue;
      throw new ConfigError(
        `agents[${i}].${field}: the ${experiment} experiment does not use it (${
          ENGINE_AGENT_FIELDS[field]
        }); remove it`,
      );
    }
  });
}

/**
 * The API key of an LLM agent: the literal key, else the named variable, else the provider's.
 *
 * @throws {ConfigError} When the spec comes from a saved config that lost its secrets (a
 * literal `api_key`, a key in `base_url`): the agents file must be passed again.
 */
export function resolveApiKey(
  spec: AgentSpec,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string | undefined {
  if (spec.api_key !== undefined && spec.api_key !== REDACTED) return spec.api_key;
  if (spec.api_key === REDACTED) {
    throw new ConfigError(
      `agents '${spec.name}': the literal api_key was not saved; pass --agents again or use api_key_env`,
    );
  }
  if (spec.base_url?.includes(REDACTED)) {
    throw new ConfigError(
      `agents '${spec.name}': the secret in base_url was not saved; pass --agents again`,
    );
  }
  const name = spec.api_key_env ??
    (spec.provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
  return env(name);
}
