/**
 * Per-(provider, model, position in the task order) lookup tables of reward, price, cost
 * and tokens, built once from the task records so that a step is a few array reads. A
 * provider's `fixed` pricing markup is in its prices; a dynamic policy's tables hold the list
 * price (the engine applies the step's markup).
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { syntheticRecords } from "./records.ts";
 * import { buildTables } from "./tables.ts";
 * const config = parseDelegationConfig({});
 * const models = config.providers.flatMap((p) => p.models);
 * const tables = buildTables(config, syntheticRecords(models, 1, 50));
 * console.log(tables.providers[0].bestModel, tables.providers[0].cheapestModel); // 0 2
 * ```
 * @module
 */
import {
  bestModelIndex,
  billedPrice,
  cheapestModelIndex,
  servedCost,
  unitPrices,
} from "./accounting.ts";
import type { DelegationConfig } from "./config.ts";
import { fixedMarkup } from "./pricing.ts";
import type { TaskRecords } from "./records.ts";
import type { DelegationTables, ProviderTables } from "./types.ts";

export type { DelegationTables, ProviderTables } from "./types.ts";

/**
 * Builds the tables of every provider of `config` from `records`.
 *
 * @throws {RangeError} When a provider's model has no records.
 */
export function buildTables(config: DelegationConfig, records: TaskRecords): DelegationTables {
  const L = records.taskIds.length;
  const providers = config.providers.map((p): ProviderTables => {
    const prices = p.models.map((m) => unitPrices(m));
    const bestModel = bestModelIndex(prices);
    const best = prices[bestModel];
    const markup = fixedMarkup(p.pricing);
    const size = p.models.length * L;
    const t: ProviderTables = {
      name: p.name,
      models: p.models,
      eta: p.eta,
      prices,
      bestModel,
      cheapestModel: cheapestModelIndex(prices),
      reward: new Float64Array(size),
      price: new Float64Array(size),
      cost: new Float64Array(size),
      utility: new Float64Array(size),
      providerUtility: new Float64Array(size),
      input: new Float64Array(size),
      output: new Float64Array(size),
    };
    p.models.forEach((m, j) => {
      const rec = records.models[m];
      if (!rec) {
        throw new RangeError(`Cannot build tables: no records for model '${m}' of '${p.name}'`);
      }
      for (let pos = 0; pos < L; pos++) {
        const task = records.taskIds[pos];
        const k = j * L + pos;
        const inp = rec.input[task];
        const out = rec.output[task];
        const reward = rec.score[task] * config.reward_scale;
        const list = billedPrice(inp, out, best);
        const price = markup === 1 ? list : list * markup;
        const cost = servedCost(inp, out, prices[j], p.eta);
        t.reward[k] = reward;
        t.price[k] = price;
        t.cost[k] = cost;
        t.utility[k] = reward - price;
        t.providerUtility[k] = p.eta * price - cost;
        t.input[k] = inp;
        t.output[k] = out;
      }
    });
    return t;
  });
  return { length: L, providers };
}
