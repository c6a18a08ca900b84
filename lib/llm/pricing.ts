/**
 * The pricing table: US dollars per one million tokens, by model name. Plain data: extend it
 * with {@linkcode registerPrice} (an agents file's `"price"` does) or pass your own table to
 * {@linkcode costUsd}.
 *
 * Figures are list prices (standard tier, no batch discount, short prompts) as of each
 * source's date, given next to each group; check the provider's page before trusting a cost
 * estimate for a paper. Long-context surcharges (e.g. Sonnet 4/4.5 prompts over 200K tokens)
 * and 1-hour cache writes are not modelled.
 *
 * @example
 * ```ts
 * import { costUsd } from "./pricing.ts";
 * console.log(costUsd("gpt-4o", { input: 1_000_000, output: 0, cached: 0 })); // 2.5
 * ```
 * @module
 */
import type { TokenUsage } from "./chat_model.ts";

/** Price of one model, $ per 1M tokens. */
export interface Price {
  /** Dollars per 1M input tokens. */
  input: number;
  /** Dollars per 1M output tokens. */
  output: number;
  /** Dollars per 1M input tokens read from the prompt cache. @default {input} */
  cachedInput?: number;
  /**
   * Dollars per 1M input tokens written to the prompt cache: Anthropic bills 1.25x the input
   * rate (5-minute TTL); OpenAI-style providers bill no surcharge. @default {input}
   */
  cacheWriteInput?: number;
}

/**
 * The default table. Keys are model names; a name that is a key plus a version or date
 * suffix (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`) takes that key's price, and
 * a provider path (`openai/gpt-4o`) is dropped (see {@linkcode priceOf}).
 */
export const PRICES: Record<string, Price> = {
  // The SPEC's table (section 3; the delegation engine bills with it): input and output of
  // gpt-4o, gpt-4, gpt-4o-mini, o1, o1-mini, o3-mini, gpt-35-turbo, qwen-max, deepseek-v3 and
  // deepseek-r1 (deepseek-chat, deepseek-reasoner and gpt-3.5-turbo are their API names).
  // Cached-input rates of the OpenAI rows match simonw/llm-prices data/openai.json.
  "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
  "o1": { input: 15, output: 60, cachedInput: 7.5 },
  "o1-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
  "o3-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
  "gpt-35-turbo": { input: 0.5, output: 1.5 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "qwen-max": { input: 1.6, output: 6.4 },
  "deepseek-v3": { input: 0.07, output: 1.10 },
  "deepseek-chat": { input: 0.07, output: 1.10 },
  "deepseek-r1": { input: 0.14, output: 2.19 },
  "deepseek-reasoner": { input: 0.14, output: 2.19 },
  // OpenAI list prices. The gpt-4.1 family and gpt-4o-2024-05-13 (the first gpt-4o snapshot,
  // dearer than gpt-4o): platform.openai.com/docs/pricing as of 2025-06-03, as quoted by the
  // openai_responses 0.4.1 package (hex.pm). gpt-5, gpt-5-mini, gpt-5-nano, gpt-5.1, gpt-5.2,
  // o4-mini: simonw/llm-prices data/openai.json (commit 0838d1a, 2026). o3 after its June 2025
  // cut: OpenAI's pricing page as of March 2026 (deploybase.ai/articles/openai-pricing),
  // cached input from simonw/llm-prices.
  "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cachedInput: 0.025 },
  "gpt-4o-2024-05-13": { input: 5, output: 15 },
  "gpt-5": { input: 1.25, output: 10, cachedInput: 0.125 },
  "gpt-5-mini": { input: 0.25, output: 2, cachedInput: 0.025 },
  "gpt-5-nano": { input: 0.05, output: 0.4, cachedInput: 0.005 },
  "gpt-5.1": { input: 1.25, output: 10, cachedInput: 0.125 },
  "gpt-5.2": { input: 1.75, output: 14, cachedInput: 0.175 },
  "o3": { input: 2, output: 8, cachedInput: 0.5 },
  "o4-mini": { input: 1.1, output: 4.4, cachedInput: 0.275 },
  // Anthropic list prices: base input, output, "Cache hits" and "5m cache writes" (0.1x and
  // 1.25x input from Haiku 3.5 on), from platform.claude.com/docs/en/about-claude/pricing
  // (stored copy of 2026: Opus 4.5 to 4.7, Opus 4.1, Opus 4) and its 2025 copy at
  // docs.anthropic.com (Sonnet 4, Sonnet 3.7, Haiku 3.5, Haiku 3); Sonnet 4.5 and Haiku 4.5
  // from simonw/llm-prices data/anthropic.json (commit 265965d), cache rates at the same
  // multipliers. `-4-0` are Anthropic's aliases of the 4 models.
  "claude-opus-4-7": { input: 5, output: 25, cachedInput: 0.5, cacheWriteInput: 6.25 },
  "claude-opus-4-6": { input: 5, output: 25, cachedInput: 0.5, cacheWriteInput: 6.25 },
  "claude-opus-4-5": { input: 5, output: 25, cachedInput: 0.5, cacheWriteInput: 6.25 },
  "claude-opus-4-1": { input: 15, output: 75, cachedInput: 1.5, cacheWriteInput: 18.75 },
  "claude-opus-4": { input: 15, output: 75, cachedInput: 1.5, cacheWriteInput: 18.75 },
  "claude-opus-4-0": { input: 15, output: 75, cachedInput: 1.5, cacheWriteInput: 18.75 },
  "claude-sonnet-4-5": { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
  "claude-sonnet-4": { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
  "claude-sonnet-4-0": { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
  "claude-3-7-sonnet": { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
  "claude-haiku-4-5": { input: 1, output: 5, cachedInput: 0.1, cacheWriteInput: 1.25 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cachedInput: 0.08, cacheWriteInput: 1 },
  "claude-3-haiku": { input: 0.25, output: 1.25, cachedInput: 0.03, cacheWriteInput: 0.3 },
};

/**
 * What may follow a table key in a name that still takes the key's price: a snapshot date
 * (`-2024-08-06`, `-20250929`, Vertex's `@20250929`), an OpenAI `-0613` snapshot, or
 * `-latest`. Anything else (`-mini`, `-nano`, `-1`, `-preview`) names another model.
 */
const VERSION_SUFFIX = /^(?:-\d{4}-\d{2}-\d{2}|[-@]\d{8}|-\d{4}|-latest)$/;

/** The price of exactly `name` or of a key it extends by a version suffix. */
function lookup(name: string, table: Record<string, Price>): Price | undefined {
  if (Object.hasOwn(table, name)) return table[name];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (
      name.startsWith(key) && VERSION_SUFFIX.test(name.slice(key.length)) &&
      (best === undefined || key.length > best.length)
    ) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * The price of `model`, by the first of these that has one:
 *
 * 1. the name as given: an exact key, else a key plus a version or date suffix
 *    (`gpt-4o-2024-08-06` -> `gpt-4o`; never `gpt-4.1-nano` -> `gpt-4.1`);
 * 2. the name without a provider path (`openai/gpt-4o` -> `gpt-4o`), likewise;
 * 3. for Claude names, dots as dashes (OpenRouter's `claude-sonnet-4.5` -> `claude-sonnet-4-5`).
 *
 * @param model The model name, as the agents file gives it.
 * @param table The pricing table. @default {PRICES}
 * @returns The price, or `undefined` when the model is not priced.
 * @example
 * ```ts
 * import { priceOf } from "./pricing.ts";
 * console.log(priceOf("claude-sonnet-4-5-20250929")?.input); // 3
 * console.log(priceOf("gpt-4.1-nano")?.input); // 0.1
 * console.log(priceOf("gpt-4o-mini-audio")); // undefined
 * ```
 */
export function priceOf(model: string, table: Record<string, Price> = PRICES): Price | undefined {
  const base = model.slice(model.lastIndexOf("/") + 1);
  const names = [model];
  if (base !== model && base) names.push(base);
  if (base.startsWith("claude-") && base.includes(".")) names.push(base.replaceAll(".", "-"));
  for (const name of names) {
    const p = lookup(name, table);
    if (p) return p;
  }
  return undefined;
}

/**
 * Adds or replaces a model's price in the default table.
 *
 * @param model The model name, matched as {@linkcode priceOf} says.
 * @param price Dollars per 1M tokens.
 * @throws {RangeError} When a rate is negative or not finite.
 */
export function registerPrice(model: string, price: Price): void {
  for (const [k, v] of Object.entries(price)) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`Cannot register price for ${model}: '${k}' must be >= 0, got ${v}`);
    }
  }
  // defined, not assigned: a model named `__proto__` must not replace the table's prototype
  Object.defineProperty(PRICES, model, {
    value: price,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Dollar cost of a call: fresh input, cache reads, cache writes and output, each at its
 * rate; 0 for models missing from the table (policies, scripted models).
 *
 * @param model The model name.
 * @param usage The call's tokens (`cached` and `cacheWrite` are parts of `input`).
 * @param table The pricing table. @default {PRICES}
 * @returns US dollars.
 * @example
 * ```ts
 * import { costUsd } from "./pricing.ts";
 * // 1M input on Sonnet 4.5: 0.6M read from the cache, 0.3M written to it, 0.1M fresh
 * costUsd("claude-sonnet-4-5", { input: 1e6, cached: 6e5, cacheWrite: 3e5, output: 0 });
 * // 0.6 * 0.3 + 0.3 * 3.75 + 0.1 * 3 = 1.605
 * ```
 */
export function costUsd(
  model: string,
  usage: TokenUsage,
  table: Record<string, Price> = PRICES,
): number {
  const p = priceOf(model, table);
  if (!p) return 0;
  const input = Math.max(0, usage.input);
  const cached = Math.min(Math.max(0, usage.cached), input);
  const written = Math.min(Math.max(0, usage.cacheWrite ?? 0), input - cached);
  const fresh = input - cached - written;
  return (fresh * p.input + cached * (p.cachedInput ?? p.input) +
    written * (p.cacheWriteInput ?? p.input) + usage.output * p.output) / 1e6;
}
