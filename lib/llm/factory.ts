/**
 * Builds the chat model of an agents-file entry with the standard wrapper stack:
 * `budget( draws( cache( retry( limits( client ) ) ) ) )`. `draws` gives each request its
 * identity (run seed, seat, sample), which the cache keys on; cache hits skip limits and
 * retries; the budget counts every reply so a cached rerun stops where the original did.
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import { redactUrl } from "../core/redact.ts";
import type { AgentSpec } from "./agents_file.ts";
import { resolveApiKey } from "./agents_file.ts";
import { type Budget, withBudget } from "./budget.ts";
import { withCache } from "./cache.ts";
import { DrawLedger, withDraws } from "./draws.ts";
import type { ChatModel } from "./chat_model.ts";
import { type LimiterSource, RateLimiter, withLimits } from "./limits.ts";
import { withRetry } from "./retry.ts";
import { sdkChatModel } from "./sdk_client.ts";
import { priceOf } from "./pricing.ts";
import { checkProxyUrl } from "./proxy.ts";
import { structuredByDefault } from "./structured.ts";

/** Run-wide options of {@linkcode createChatModel}. */
export interface ModelFactoryOptions {
  /** Record/replay cache folder. */
  cacheDir?: string;
  /** Fail on a cache miss instead of calling out. */
  offline?: boolean;
  /** The run's budget: every call is checked against it and counted in it. */
  budget?: Budget;
  /** Reads an environment variable (the API keys). @default {Deno.env.get} */
  env?: (name: string) => string | undefined;
  /**
   * Rate limiters shared by every seat that uses the same provider, endpoint and key (200
   * seats on one key get one quota); pass the same map to every model of a run. A sweep's
   * workers pass a `RemoteLimits` (limit_broker.ts): their quotas live in the main thread.
   */
  limits?: SharedLimits;
  /**
   * The run's draw ledger (see `draws.ts`): shared by every seat of a run, it numbers the
   * draws of each request and carries the replies of an abandoned step on resume.
   * @default {a ledger of this model's own}
   */
  draws?: DrawLedger;
  /** The run's seed, part of every draw's identity (so of the cache key). */
  seed?: number;
  /** The run's design (a hash of experiment, config and seats), part of every draw's identity. */
  run?: string;
}

/**
 * Limiters by quota key (provider, endpoint, key hash; see {@linkcode quotaKey}): a map of
 * this thread's own limiters, or a source of stand-ins for limiters held elsewhere (a sweep
 * worker's `RemoteLimits`, which leases from the sweep's main thread: every worker of a sweep
 * draws on one quota). Either way the first seat to name a quota sets its limits.
 */
export type SharedLimits = Map<string, RateLimiter> | LimiterSource;

/** The quota an agent draws on: its provider, endpoint and a hash of its key. */
export function quotaKey(spec: AgentSpec, apiKey: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < apiKey.length; i++) h = Math.imul(h ^ apiKey.charCodeAt(i), 0x01000193);
  // the URL's own secrets (a key in its query) go into the hash, not the key's text
  const url = spec.base_url ?? "default";
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 0x01000193);
  return `${spec.provider}|${redactUrl(url)}|${(h >>> 0).toString(16)}`;
}

/**
 * Gives every LLM seat the limits of its quota: the limits the first seat on the same
 * provider, endpoint and key names, whether or not the seat names any itself. Without this, a
 * seat that names no limit would call around the quota its neighbours on the key keep.
 *
 * @param agents The run's seats, in agents-file order.
 * @param env Reads an environment variable (the API keys).
 * @returns The seat with its quota's limits (the seat itself when its quota has none).
 */
export function quotaLimits(
  agents: readonly AgentSpec[],
  env?: (name: string) => string | undefined,
): (spec: AgentSpec) => AgentSpec {
  const keyOf = (spec: AgentSpec): string | undefined => {
    if (spec.provider === "policy") return undefined;
    try {
      return quotaKey(spec, resolveApiKey(spec, env) ?? "");
    } catch {
      return undefined; // a key that cannot be resolved fails later, naming the seat
    }
  };
  const first = new Map<string, AgentSpec>();
  for (const a of agents) {
    const k = keyOf(a);
    if (k && !first.has(k) && (a.concurrency || a.requests_per_minute || a.tokens_per_minute)) {
      first.set(k, a);
    }
  }
  return (spec) => {
    const k = keyOf(spec);
    const q = k ? first.get(k) : undefined;
    if (!q) return spec;
    return {
      ...spec,
      concurrency: q.concurrency,
      requests_per_minute: q.requests_per_minute,
      tokens_per_minute: q.tokens_per_minute,
    };
  };
}

/**
 * The wrapped chat model of an LLM agent; its requests go through the agent's `proxy` when
 * it names one.
 */
export function createChatModel(spec: AgentSpec, options: ModelFactoryOptions = {}): ChatModel {
  const { cacheDir, offline = false, budget, env } = options;
  if (spec.provider === "policy") {
    throw new ConfigError(`agents '${spec.name}': a policy agent has no chat model`);
  }
  let key = resolveApiKey(spec, env);
  if (!key) {
    // Cache-only runs need no key, nor a local server named without api_key_env.
    if (offline || (spec.base_url && !spec.api_key_env)) {
      key = "not-needed";
    } else {
      const v = spec.api_key_env ??
        (spec.provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
      throw new ConfigError(`agents '${spec.name}': no API key: set ${v} or api_key_env`);
    }
  }
  if (budget?.limits.maxUsd !== undefined && !priceOf(spec.model!)) {
    throw new ConfigError(
      `agents '${spec.name}': --max-usd needs a price for model '${spec.model}': add "price": {"input": ..., "output": ...} (dollars per 1M tokens) to its entry in the agents file, or use --max-tokens`,
    );
  }
  if (spec.proxy !== undefined) {
    // a saved config's proxy lost its credentials; any other problem was refused on loading
    const problem = checkProxyUrl(spec.proxy);
    if (problem) throw new ConfigError(`agents '${spec.name}': proxy: ${problem}`);
  }
  const clientOptions = {
    model: spec.model!,
    apiKey: key,
    baseURL: spec.base_url,
    timeoutMs: spec.timeout_ms,
    structured: spec.structured ?? structuredByDefault(spec.provider, spec.model, spec.base_url),
    proxy: spec.proxy,
  };
  // the SDK loads at the first request
  let model = sdkChatModel(spec.provider === "anthropic" ? "anthropic" : "openai", clientOptions);
  if (spec.concurrency || spec.requests_per_minute || spec.tokens_per_minute) {
    // The first seat to name a quota sets its limits; later seats on it share them, even
    // when they name other limits.
    const quota = {
      concurrency: spec.concurrency,
      requestsPerMinute: spec.requests_per_minute,
      tokensPerMinute: spec.tokens_per_minute,
    };
    const k = quotaKey(spec, key);
    const shared = options.limits;
    if (shared instanceof Map) {
      if (!shared.has(k)) shared.set(k, new RateLimiter(quota));
      model = withLimits(model, shared.get(k)!);
    } else {
      model = withLimits(model, shared ? shared.limiter(k, quota) : quota);
    }
  }
  model = withRetry(model, { maxAttempts: spec.max_attempts ?? 5 });
  // The endpoint, without a key its URL may carry: a new key does not empty the cache.
  const namespace = spec.base_url === undefined ? undefined : redactUrl(spec.base_url);
  if (cacheDir) model = withCache(model, { dir: cacheDir, offline, namespace });
  else if (offline) {
    throw new ConfigError(`--offline needs --cache DIR (agent '${spec.name}' is an LLM agent)`);
  }
  model = withDraws(model, {
    ledger: options.draws ?? new DrawLedger(),
    seed: options.seed ?? null,
    run: options.run ?? null,
    seat: spec.name,
  });
  if (budget) model = withBudget(model, budget);
  return model;
}
