/**
 * The pricing table: US dollars per one million tokens, by model name. Plain data: extend it
 * with {@linkcode registerPrice} or by passing your own table to {@linkcode costUsd}.
 *
 * Figures are list prices as the SPEC gives them (section 3) plus common current models;
 * check your provider's page before trusting a cost estimate for a paper.
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
  /** Price of cached input tokens; defaults to `input`. */
  cachedInput?: number;
}

/** The default table. Keys are model names; a dated name matches its undated prefix. */
export const PRICES: Record<string, Price> = {
  "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
  "o1-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
  "o1": { input: 15, output: 60, cachedInput: 7.5 },
  "o3-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
  "gpt-35-turbo": { input: 0.5, output: 1.5 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "qwen-max": { input: 1.6, output: 6.4 },
  "deepseek-v3": { input: 0.07, output: 1.10 },
  "deepseek-chat": { input: 0.07, output: 1.10 },
  "deepseek-r1": { input: 0.14, output: 2.19 },
  "deepseek-reasoner": { input: 0.14, output: 2.19 },
  "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
  "claude-sonnet-4-5": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cachedInput: 0.08 },
  "claude-opus-4-1": { input: 15, output: 75, cachedInput: 1.5 },
};

/** Adds or replaces a model's price in the default table. */
export function registerPrice(model: string, price: Price): void {
  for (const [k, v] of Object.entries(price)) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`Cannot register price for ${model}: '${k}' must be >= 0, got ${v}`);
    }
  }
  PRICES[model] = price;
}

/**
 * The price of `model`: an exact key, else the longest key that prefixes it
 * (`gpt-4o-2024-08-06` -> `gpt-4o`), else `undefined`.
 */
export function priceOf(model: string, table: Record<string, Price> = PRICES): Price | undefined {
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(key) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

/** Dollar cost of a call; 0 for models missing from the table (policies, scripted models). */
export function costUsd(
  model: string,
  usage: TokenUsage,
  table: Record<string, Price> = PRICES,
): number {
  const p = priceOf(model, table);
  if (!p) return 0;
  const cached = Math.min(usage.cached, usage.input);
  const fresh = usage.input - cached;
  return (fresh * p.input + cached * (p.cachedInput ?? p.input) + usage.output * p.output) / 1e6;
}
