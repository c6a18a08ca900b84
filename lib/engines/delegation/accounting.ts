/**
 * Prices, costs and utilities of one delegation (SPEC section 3), and the model ranking
 * of a provider. Unit prices are $ per token, taken from `lib/llm/pricing.ts` ($ per 1M
 * tokens divided by 1,000,000, as the original does).
 *
 * @example
 * ```ts
 * import { billedPrice, servedCost, unitPrices } from "./accounting.ts";
 * const best = unitPrices("gpt-4"), served = unitPrices("gpt-4o");
 * console.log(billedPrice(1000, 100, best)); // 0.036   (1000 * 30e-6 + 100 * 60e-6)
 * console.log(servedCost(1000, 100, served, 0.5)); // 0.00175  ((1000 * 2.5e-6 + 100 * 10e-6) * 0.5)
 * ```
 * @module
 */
import { type Price, priceOf } from "../../llm/pricing.ts";

/** A model's unit prices in $ per token. */
export interface UnitPrices {
  /** $ per input token. */
  input: number;
  /** $ per output token. */
  output: number;
}

/**
 * The unit prices ($ per token) of `model` from the pricing table.
 *
 * @throws {RangeError} When the model has no price.
 */
export function unitPrices(model: string, table?: Record<string, Price>): UnitPrices {
  const p = priceOf(model, table);
  if (!p) throw new RangeError(`Cannot price model: '${model}' is not in the pricing table`);
  return { input: p.input / 1_000_000, output: p.output / 1_000_000 };
}

/** The ranking key of a model: the mean of its input and output unit prices. */
export function meanUnitPrice(p: UnitPrices): number {
  return (p.input + p.output) / 2;
}

/**
 * The index of a provider's best model: the highest mean unit price, the first on ties.
 *
 * @example
 * ```ts
 * import { bestModelIndex, unitPrices } from "./accounting.ts";
 * console.log(bestModelIndex(["gpt-4o", "gpt-4", "gpt-4o-mini"].map((m) => unitPrices(m)))); // 1
 * ```
 */
export function bestModelIndex(prices: readonly UnitPrices[]): number {
  let best = 0;
  for (let i = 1; i < prices.length; i++) {
    if (meanUnitPrice(prices[i]) > meanUnitPrice(prices[best])) best = i;
  }
  return best;
}

/**
 * The index of a provider's cheapest model: the lowest mean unit price, the first on ties.
 *
 * @example
 * ```ts
 * import { cheapestModelIndex, unitPrices } from "./accounting.ts";
 * console.log(cheapestModelIndex(["o1-mini", "o3-mini"].map((m) => unitPrices(m)))); // 0
 * ```
 */
export function cheapestModelIndex(prices: readonly UnitPrices[]): number {
  let best = 0;
  for (let i = 1; i < prices.length; i++) {
    if (meanUnitPrice(prices[i]) < meanUnitPrice(prices[best])) best = i;
  }
  return best;
}

/**
 * The price billed to the user (user-visible): the served model's tokens priced at the
 * provider's best model, `input * best.input + output * best.output`.
 */
export function billedPrice(input: number, output: number, best: UnitPrices): number {
  return input * best.input + output * best.output;
}

/** The provider's cost: the tokens priced at the served model, times the provider's eta. */
export function servedCost(
  input: number,
  output: number,
  served: UnitPrices,
  eta: number,
): number {
  return (input * served.input + output * served.output) * eta;
}

/**
 * The user's utility of one delegation: `reward - price`, with `reward = score * scale`.
 *
 * @example
 * ```ts
 * import { userUtility } from "./accounting.ts";
 * console.log(userUtility(0.5, 7, 1.5)); // 2
 * ```
 */
export function userUtility(score: number, scale: number, price: number): number {
  return score * scale - price;
}

/**
 * A provider's utility: `eta * total price - total cost` (0 for an honest provider).
 *
 * @example
 * ```ts
 * import { providerUtility } from "./accounting.ts";
 * console.log(providerUtility(0.5, 10, 3)); // 2
 * ```
 */
export function providerUtility(eta: number, price: number, cost: number): number {
  return eta * price - cost;
}
