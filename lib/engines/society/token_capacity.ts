/**
 * How many citizens a token budget carries for how many days: the seed's "200,000 tokens
 * support about 158 AIs", made a measurement. Two costs per citizen-day are measured:
 *
 * - **real LLM tokens**: the input tokens of one decision request of the prompt style in use
 *   (`prompt_budget.ts`: the real tokenizer on a realistic day of this config's rules and
 *   switches) plus the output tokens of a typical reply (the `--estimate` stand-in's);
 * - **game tokens**: what the game's own rule charges (`base_decision_cost` + AP spent x
 *   `tokens_per_action_point`), averaged over an offline play of the config by the scripted
 *   policies (a citizen that spends more AP costs more).
 *
 * For a budget `B` and a cost `c` per citizen-day:
 *
 *     citizens for D days = floor(B / (c * D))
 *     days for N citizens = floor(B / (c * N))
 *
 * @example
 * ```ts
 * import { tokenCapacity } from "./token_capacity.ts";
 * console.log(tokenCapacity(200_000, 1262, { citizens: 6, days: 10 }));
 * // { citizens: 15, days: 26 }
 * ```
 * @module
 */
import { countTokens } from "../../llm/tokens.ts";
import { citizenSwitches, type SocietyConfig } from "./config.ts";
import { playOffline } from "./offline.ts";
import { societySampleReply } from "./profile.ts";
import { measurePromptBudget } from "./prompt_budget.ts";
import type { Lang } from "./prompts.ts";

/** What a budget carries. */
export interface Capacity {
  /** Citizens the budget carries for the given days. */
  citizens: number;
  /** Days the budget carries the given citizens. */
  days: number;
}

/**
 * Citizens for `days` days and days for `citizens` citizens that `budget` tokens pay for,
 * at `perCitizenDay` tokens per citizen-day.
 *
 * @param budget Tokens.
 * @param perCitizenDay Tokens one citizen costs per day (> 0).
 * @param at The configured citizens and days.
 * @returns The capacity.
 * @throws {RangeError} When `perCitizenDay` is not positive.
 */
export function tokenCapacity(
  budget: number,
  perCitizenDay: number,
  at: { citizens: number; days: number },
): Capacity {
  if (!(perCitizenDay > 0)) {
    throw new RangeError(
      `Cannot compute the capacity: 'perCitizenDay' must be > 0, got ${perCitizenDay}`,
    );
  }
  return {
    citizens: Math.floor(budget / (perCitizenDay * at.days)),
    days: Math.floor(budget / (perCitizenDay * at.citizens)),
  };
}

/** The measured costs of one citizen-day of a config. */
export interface CitizenDayCost {
  /** Input tokens of one decision request (the prompt style in use). */
  input: number;
  /** Output tokens of a typical reply. */
  output: number;
  /** Game tokens per citizen-day in an offline play of the config. */
  game: number;
  /** The prompt style measured. */
  style: string;
}

/**
 * Measures a config's costs per citizen-day (see the module doc).
 *
 * @param config A parsed config.
 * @param lang The prompt language.
 * @param seed The offline play's seed. @default {0}
 * @returns The costs.
 */
export function citizenDayCost(config: SocietyConfig, lang: Lang, seed = 0): CitizenDayCost {
  const budget = measurePromptBudget({
    citizens: config.citizens.length,
    lang,
    config: config as unknown as Record<string, unknown>,
  });
  const output = countTokens(societySampleReply({ messages: [] }));
  const { summary } = playOffline(config, seed);
  const citizenDays = Object.values(summary.per_citizen).reduce((a, c) => a + c.days_acted, 0);
  return {
    input: budget.total,
    output,
    game: citizenDays > 0 ? summary.game_tokens.consumed / citizenDays : config.base_decision_cost,
    style: citizenSwitches(config).style,
  };
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * The `--estimate` lines of a society config: its measured costs per citizen-day and what its
 * game-token budget (and `--max-tokens`, when given) carries.
 *
 * @param config A parsed config (the horizon applied).
 * @param options The prompt language and the run's real-token cap, if any.
 * @returns The lines.
 */
export function capacityLines(
  config: SocietyConfig,
  options: { lang: Lang; maxTokens?: number | null },
): string[] {
  const { lang, maxTokens } = options;
  const cost = citizenDayCost(config, lang);
  const real = cost.input + cost.output;
  const at = { citizens: config.citizens.length, days: config.days };
  const say = (c: Capacity) =>
    `${int(c.citizens)} citizens for ${at.days} days, or ${at.citizens} citizens for ${
      int(c.days)
    } days`;
  const lines = [
    `society tokens per citizen-day (${cost.style} prompt, ${lang}): ${int(cost.input)} input + ${
      int(cost.output)
    } output (a minimal reply; longer statements cost more) = ${
      int(real)
    } real LLM tokens (o200k_base); ${int(cost.game)} game tokens (offline play of this config)`,
    `  token_budget ${int(config.token_budget)} at ${int(real)} real tokens per citizen-day: ${
      say(tokenCapacity(config.token_budget, real, at))
    }`,
    cost.game > 0
      ? `  token_budget ${int(config.token_budget)} by the game's rule (${
        int(cost.game)
      } per citizen-day): ${say(tokenCapacity(config.token_budget, cost.game, at))}`
      : `  token_budget ${
        int(config.token_budget)
      } by the game's rule: unlimited (decisions cost no game tokens in this config)`,
  ];
  if (maxTokens) {
    lines.push(
      `  --max-tokens ${int(maxTokens)} at ${int(real)} real tokens per citizen-day: ${
        say(tokenCapacity(maxTokens, real, at))
      }`,
    );
  }
  return lines;
}
