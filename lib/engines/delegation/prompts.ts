/**
 * The prompts of an LLM provider: a static system prompt (its models and their unit prices,
 * its cost factor `eta`, the price it bills, and what the `ours` strategy is told of the
 * mechanism; the same at every call, so providers can cache it) and a compact user message
 * per delegation (phase, time, its own figures, `planned` and the second-best utility once
 * known, its last delegations).
 *
 * The provider is told the rules and the numbers, not what to do: whether it learns to
 * substitute a cheaper model is what the experiment measures.
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { providerSystemPrompt } from "./prompts.ts";
 * const config = parseDelegationConfig({});
 * console.log(providerSystemPrompt(config, 0).split("\n")[0]);
 * // You are provider_1, an LLM service provider. A user delegates 1000 tasks, ...
 * ```
 * @module
 */
import { bestModelIndex, unitPrices } from "./accounting.ts";
import type { DelegationConfig } from "./config.ts";
import type { DelegationObs, DelegationRecord } from "./engine.ts";
import { explorationBlock, mechanismM } from "./parameters.ts";

/** Dollars per 1M tokens, without float noise. */
const perMillion = (x: number) => String(Number((x * 1_000_000).toFixed(4)));
/** A figure with at most 4 decimals. */
const num = (x: number) => String(Number(x.toFixed(4)));

/**
 * The static system prompt of provider `index` (0-based) of `config`.
 *
 * @param config The run's config.
 * @param index The provider's position.
 * @returns The prompt; it names the reply format `{"thought", "model"}`.
 */
export function providerSystemPrompt(config: DelegationConfig, index: number): string {
  const p = config.providers[index];
  if (!p) {
    throw new RangeError(`Cannot write prompt: no provider at index ${index}`);
  }
  const K = config.providers.length;
  const B = explorationBlock(config.T, config.epsilon);
  const M = mechanismM(config.T, K, config.epsilon);
  const prices = p.models.map((m) => unitPrices(m));
  const best = p.models[bestModelIndex(prices)];
  const models = p.models.map((m, i) =>
    `- ${m}: $${perMillion(prices[i].input)} per 1M input tokens, $${
      perMillion(prices[i].output)
    } per 1M output tokens`
  );
  const none = config.mechanism === "none";
  return [
    `You are ${p.name}, an LLM service provider. A user delegates ${config.T} tasks, one per time step, to ${K} providers ${
      none ? "by a simple rule" : "through a mechanism"
    }; you are one of them.`,
    `When a task is delegated to you, you choose which of your models serves it. Your models:`,
    ...models,
    `You always bill the user the tokens used priced at your best model, ${best}, whatever model you serve; the user sees the bill and the answer's quality (reward = score x ${
      num(config.reward_scale)
    }, score in [0, 1]), never the model. Serving costs you ${
      num(p.eta)
    } x the tokens priced at the model you serve. Your profit over the run is ${
      num(p.eta)
    } x (total billed) - (total cost): serving ${best} earns nothing; a cheaper model earns the difference, but usually answers worse.`,
    ...(none ? noMechanismRules(B) : [
      `The user's utility of a delegation is reward - price. The mechanism (B = ${B}, M = ${
        num(M)
      }):`,
      `1. Exploration: each provider in turn serves ${B} tasks. The user then computes each provider's mean reward and mean utility over these. The provider with the highest mean utility is "best"; the second-best utility is the highest mean utility among the others.`,
      `2. Exploitation: the best provider gets "planned" more tasks. From its ${B}th exploitation task on, the user stops early when its mean utility over its last ${B} tasks falls below (second-best utility - ${
        num(M)
      }). If it never stops early, the best provider gets ${B} bonus tasks.`,
      `3. Incentive: every other provider serves ${B} tasks.`,
      `4. Utility-based: each provider whose exploration mean reward exceeds ${
        num(M)
      } gets more tasks, in blocks of ${B}, the more the higher its exploration mean reward.`,
    ]),
    `Answer only with JSON: {"thought": "<one sentence>", "model": "<one of ${
      p.models.join(", ")
    }>"}.`,
  ].join("\n");
}

/** The rules of the no-mechanism user (`mechanism: "none"`), as the providers are told. */
function noMechanismRules(B: number): string[] {
  return [
    `The user's utility of a delegation is reward - price. The user's rule (B = ${B}):`,
    `1. Exploration: each provider in turn serves ${B} tasks. The user then computes each provider's mean utility over these. The provider with the highest mean utility is "best".`,
    `2. Exploitation: the best provider serves every remaining task ("planned"). The user never checks its utility again, never stops early, and delegates nothing more to the other providers.`,
  ];
}

const PHASE_TEXT = ["", "exploration", "exploitation", "incentive", "utility-based"];

/** What an LLM provider remembers of its own delegations. */
export interface ProviderMemory {
  /** Its profit so far (sum of `eta * price - cost`). */
  profit: number;
  /** Its last delegations (at most {@linkcode MEMORY_LENGTH}). */
  recent: Pick<DelegationRecord, "time" | "model" | "reward" | "price" | "provider_utility">[];
}

/** How many recent delegations the user message shows. */
export const MEMORY_LENGTH = 5;

/**
 * The user message of one delegation.
 *
 * @param obs The provider's observation before serving.
 * @param memory Its memory.
 * @returns A few short lines.
 *
 * @example
 * ```ts
 * import { providerUserMessage } from "./prompts.ts";
 * const obs = { t: 3, T: 100, phase: 1 as const, bonus: false, planned: 0, secondBestUtility: 0,
 *   cumulativeReward: 14, delegations: 3, isBest: false };
 * console.log(providerUserMessage(obs, { profit: 0, recent: [] }).split("\n")[0]);
 * // Time step 3 of 100. Phase: exploration.
 * ```
 */
export function providerUserMessage(obs: DelegationObs, memory: ProviderMemory): string {
  const phase = obs.bonus ? "exploitation bonus" : PHASE_TEXT[obs.phase];
  const lines = [`Time step ${obs.t} of ${obs.T}. Phase: ${phase}.`];
  if (obs.phase > 1 || obs.planned > 0) {
    lines.push(
      `You are ${
        obs.isBest ? "" : "not "
      }the best provider. Planned exploitation: ${obs.planned} tasks. Second-best utility: ${
        num(obs.secondBestUtility)
      }.`,
    );
  }
  lines.push(
    `You have served ${obs.delegations} tasks; your cumulative reward is ${
      num(obs.cumulativeReward)
    }; your profit is ${num(memory.profit)}.`,
  );
  if (memory.recent.length) {
    lines.push("Your last delegations:");
    for (const r of memory.recent) {
      lines.push(
        `t=${r.time}: ${r.model}, reward ${num(r.reward)}, billed ${num(r.price)}, profit ${
          num(r.provider_utility)
        }`,
      );
    }
  }
  lines.push("Which model serves this task?");
  return lines.join("\n");
}
