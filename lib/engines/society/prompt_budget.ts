/**
 * The prompt budget of the LLM citizen: the input tokens of one citizen-day decision
 * request (system + user message, chat-format overhead included), counted with the real
 * tokenizer (`o200k_base`), in a realistic state: the default policy mix plays the first
 * days, the citizen's memory is full of that game's events, and the open proposals of that
 * day are shown. The target is at most 700 tokens with the 6 default citizens and the
 * compact prompt; `config` measures another prompt (`{"prompt": {"style": "verbose"}}`, a
 * `variant`, other switches).
 *
 * @example
 * ```ts
 * import { measurePromptBudget } from "./prompt_budget.ts";
 * const { system, user, total } = measurePromptBudget({ citizens: 6, lang: "en" });
 * console.log(system, user, total, total <= 700);
 * ```
 * @module
 */
import { countRequestTokens, countTokens } from "../../llm/tokens.ts";
import { citizenPrompts } from "./citizen.ts";
import { citizenSwitches, parseSocietyConfig, type PromptStyle } from "./config.ts";
import { CitizenMemory } from "./memory.ts";
import { playOffline } from "./offline.ts";
import type { Lang } from "./prompts.ts";

/** Token counts of one decision request. */
export interface PromptBudget {
  /** Tokens of the system prompt. */
  system: number;
  /** Tokens of the user message. */
  user: number;
  /** Input tokens of the whole request, chat-format overhead included. */
  total: number;
  /** The day the request is for. */
  day: number;
  /** Open proposals shown. */
  proposals: number;
  /** Memory lines shown. */
  memory: number;
  /** The prompt style measured. */
  style: PromptStyle;
}

/**
 * The config of a game of `citizens` AIs over `days` days: the SPEC defaults for the six
 * default citizens and 10 days; otherwise the pool and the token budget scaled with the
 * citizen-days (500 resources and 30,000 game tokens per citizen per 10 days, as in the
 * defaults of 3000 and 200,000 for 6), so that a large game does not starve on day 2.
 *
 * @param citizens Citizens.
 * @param days Days.
 * @returns A config input for `parseSocietyConfig`.
 */
export function budgetConfig(citizens: number, days: number): Record<string, unknown> {
  if (citizens === 6 && days <= 10) return { days };
  const scale = (citizens / 6) * Math.max(1, days / 10);
  return {
    citizens,
    days,
    resources: Math.round(3000 * scale),
    token_budget: Math.round(200_000 * scale),
  };
}

/** Options of {@linkcode measurePromptBudget}. */
export interface PromptBudgetOptions {
  /** Citizens in the game (the default six names for 6, else `citizen_001`...). @default {6} */
  citizens?: number;
  /** The prompt language. */
  lang: Lang;
  /** Days played before the measured request. @default {4} */
  daysBefore?: number;
  /** The run seed. @default {0} */
  seed?: number;
  /**
   * Config fields of the prompt and rules to measure (`prompt`, `variant`, `proposals`,
   * `memory_length`, ...); `citizens`, `days`, `resources`, `token_budget` and `policies`
   * are ignored (the game is sized by `citizens` and `daysBefore`). @default {{}} (the
   * compact v3 prompt)
   */
  config?: Record<string, unknown>;
}

/** The fields of a config the measured game sets itself. */
const SIZED = new Set(["citizens", "days", "resources", "token_budget", "policies"]);

/**
 * Measures the decision request of the first living citizen in an offline default-mix game,
 * on the day (among days 2 to `daysBefore + 1`) with the most open proposals, with its
 * memory filled by the days before.
 *
 * @param options Citizens, language, days played and seed.
 * @returns The token counts.
 */
export function measurePromptBudget(options: PromptBudgetOptions): PromptBudget {
  const { citizens = 6, lang, daysBefore = 4, seed = 0, config: own = {} } = options;
  if (!Number.isInteger(citizens) || citizens < 1) {
    throw new RangeError(
      `Cannot measure the prompt budget: 'citizens' must be a positive integer, got ${citizens}`,
    );
  }
  const rules = Object.fromEntries(Object.entries(own).filter(([k]) => !SIZED.has(k)));
  const config = parseSocietyConfig({ ...rules, ...budgetConfig(citizens, daysBefore + 1) });
  const style = citizenSwitches(config).style;
  const { steps } = playOffline(config, seed, { keepSteps: true });
  // the day with the most open proposals among the first `daysBefore` (ties: the later)
  let at = 0;
  steps.slice(0, daysBefore).forEach((s, i) => {
    const n = Object.values(s.observations)[0].open_proposals.length;
    if (n >= Object.values(steps[at].observations)[0].open_proposals.length) at = i;
  });
  const last = steps[at];
  const name = config.citizens.find((n) => last.observations[n].alive) ?? config.citizens[0];
  const memory = new CitizenMemory({ name, lang, length: config.memory_length, style });
  for (const step of steps.slice(0, at + 1)) {
    const o = step.observations[name];
    memory.ingest(o.day, o.events);
  }
  const observation = last.observations[name];
  const { system, user } = citizenPrompts({
    name,
    config,
    lang,
    memory: memory.lines,
    observation,
  });
  return {
    system: system === undefined ? 0 : countTokens(system),
    user: countTokens(user),
    total: countRequestTokens({
      ...(system === undefined ? {} : { system }),
      messages: [{ role: "user", content: user }],
    }),
    day: observation.day + 1,
    proposals: observation.open_proposals.length,
    memory: memory.lines.length,
    style,
  };
}
