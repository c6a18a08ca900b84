/**
 * Builds the chat model of an agents-file entry with the standard wrapper stack:
 * `budget( cache( retry( limits( client ) ) ) )`. Cache hits skip limits and retries; the
 * budget counts every reply so a cached rerun stops where the original did.
 *
 * @module
 */
import { ConfigError } from "../core/config.ts";
import type { AgentSpec } from "./agents_file.ts";
import { resolveApiKey } from "./agents_file.ts";
import { AnthropicChatModel } from "./anthropic.ts";
import { type Budget, withBudget } from "./budget.ts";
import { withCache } from "./cache.ts";
import type { ChatModel } from "./chat_model.ts";
import { withLimits } from "./limits.ts";
import { OpenAIChatModel } from "./openai.ts";
import { withRetry } from "./retry.ts";

/** Run-wide options of {@linkcode createChatModel}. */
export interface ModelFactoryOptions {
  /** Record/replay cache folder. */
  cacheDir?: string;
  /** Fail on a cache miss instead of calling out. */
  offline?: boolean;
  budget?: Budget;
  env?: (name: string) => string | undefined;
}

/** The wrapped chat model of an LLM agent. */
export function createChatModel(spec: AgentSpec, options: ModelFactoryOptions = {}): ChatModel {
  const { cacheDir, offline = false, budget, env } = options;
  if (spec.provider === "policy") {
    throw new ConfigError(`agents '${spec.name}': a policy agent has no chat model`);
  }
  let key = resolveApiKey(spec, env);
  if (!key) {
    if (offline || spec.base_url) {
      key = "not-needed"; // local servers and cache-only runs need no key
    } else {
      const v = spec.api_key_env ??
        (spec.provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
      throw new ConfigError(`agents '${spec.name}': no API key: set ${v} or api_key_env`);
    }
  }
  const clientOptions = {
    model: spec.model!,
    apiKey: key,
    baseURL: spec.base_url,
    timeoutMs: spec.timeout_ms,
  };
  let model: ChatModel = spec.provider === "anthropic"
    ? new AnthropicChatModel(clientOptions)
    : new OpenAIChatModel(clientOptions);
  if (spec.concurrency || spec.requests_per_minute || spec.tokens_per_minute) {
    model = withLimits(model, {
      concurrency: spec.concurrency,
      requestsPerMinute: spec.requests_per_minute,
      tokensPerMinute: spec.tokens_per_minute,
    });
  }
  model = withRetry(model, { maxAttempts: spec.max_attempts ?? 5 });
  if (cacheDir) model = withCache(model, { dir: cacheDir, offline });
  else if (offline) {
    throw new ConfigError(`--offline needs --cache DIR (agent '${spec.name}' is an LLM agent)`);
  }
  if (budget) model = withBudget(model, budget);
  return model;
}
