/**
 * The prompt budget of the LLM miner: a realistic decision request at round 30 of the
 * default game with *full* memory (5 working rounds with thoughts, 2 episodic summaries, the
 * latest reflection) and 2 rivals, counted with the real tokenizer (`o200k_base`), in any
 * prompt style: the seed's (the default) or the compact one (`COMPACT_PROMPT`), whose target
 * was at most 1000 input tokens per decision in both languages.
 *
 * The sample texts have typical lengths: in English, thoughts of about 150 characters and a
 * reflection of about 100 words; in Chinese, their translations (thoughts of about 55
 * characters, a reflection of about 120 characters, the length the Chinese reflection
 * prompt asks for). The rounds themselves are played by the real engine.
 *
 * @example
 * ```ts
 * import { measurePromptBudget } from "./prompt_budget.ts";
 * import { COMPACT_PROMPT } from "./config.ts";
 * const seed = measurePromptBudget("en");
 * const compact = measurePromptBudget("en", COMPACT_PROMPT);
 * console.log(seed.total, compact.total, compact.total <= 1000);
 * ```
 * @module
 */
import type { ChatRequest } from "../../llm/chat_model.ts";
import { countRequestTokens, countTokens } from "../../llm/tokens.ts";
import {
  type BlockchainConfig,
  type MinerPromptSwitches,
  parseBlockchainConfig,
} from "./config.ts";
import { BlockchainEngine } from "./engine.ts";
import { minerPrompts, roundRecord } from "./llm_miner.ts";
import { MinerMemory } from "./memory.ts";
import type { Lang } from "./translator.ts";

/** Token counts of one decision request. */
export interface PromptBudget {
  /** Tokens of the system prompt. */
  system: number;
  /** Tokens of the user message. */
  user: number;
  /** Input tokens of the whole request, chat-format overhead included. */
  total: number;
}

/** The round-30 scenario: the request and what it was built from. */
export interface BudgetScenario {
  /** The decision request miner_a would send at round 30. */
  request: ChatRequest;
  system: string;
  user: string;
  config: BlockchainConfig;
  /** The engine after 29 rounds (for checking the prompt against the state). */
  engine: BlockchainEngine;
  memory: MinerMemory;
}

/** Typical thoughts and a reflection, in both languages (see the module doc). */
const SAMPLES: Record<Lang, { thoughts: string[]; reflection: string }> = {
  en: {
    thoughts: [
      "Honest group η still low; miner_b is an attacker, miner_c an honest builder. d costs 2d² and cuts η̄, so keep d low; p still pays, c is safe.",
      "η̄ is still low, so p yields less. miner_b attacks, miner_c builds and will not retaliate. Shift a bit from p to c and keep d small to deter.",
      "miner_b eased its attacks; the honest group sits near the floor. A parasitic equilibrium would pay little now, so c is my best source; small p.",
      "Rivals: b parasitic free-rider, c honest builder. My d only lowers η̄ and my own p income. Hold c high, p moderate, d near zero; watch b.",
      "Reward steady near 3. Honest η recovers from the floor; attacks would undo it. Keep building, keep some p as η̄ rises; no retaliation.",
    ],
    reflection:
      "Early attacks by miner_b and my own small d pushed the honest group's efficiency to the floor by round 9, which killed most parasitic income: p now yields little while c pays a steady R·α. My best rounds came from high p while efficiencies were high; my worst from d, whose quadratic cost never paid off. miner_b shifted from attacker to parasitic free-rider; miner_c stays an honest builder. A parasitic equilibrium is not worth much at these efficiencies. Plan: keep c around .6, p near .35, d at zero, and punish only sustained attacks with a short, small d.",
  },
  zh: {
    thoughts: [
      "诚实群体η仍然很低；miner_b是攻击者，miner_c是诚实建设者。d成本2d²且压低η̄，故d保持低位；p仍有收益，c最稳。",
      "η̄仍然很低，p收益变少。miner_b在攻击，miner_c建设且不会报复。把部分p转到c，保留少量d作威慑。",
      "miner_b攻击减弱；诚实群体接近下限。此时寄生均衡收益有限，c是我最好的收入来源；保留少量p。",
      "对手：b为寄生搭便车者，c为诚实建设者。我的d只会压低η̄和我自己的p收益。保持高c、适度p、d近零；盯住b。",
      "收益稳定在3左右。诚实群体η正从下限回升，攻击会前功尽弃。继续建设，随η̄回升保留一些p；不报复。",
    ],
    reflection:
      "早期miner_b的攻击和我的少量d使诚实群体效率在第9轮触底，寄生收益几乎消失，c则稳定带来R·α。最佳轮次来自效率高时的高p，最差来自d，其二次成本从未回本。b已从攻击者转为寄生搭便车者，c始终是诚实建设者。计划：c约.6，p约.35，d为零，只对持续攻击小幅回应。",
  },
};

/**
 * The sample reflection of the scenario (about 100 words in English, 120 characters in
 * Chinese), for benchmarks that need a typical one.
 *
 * @param lang The language.
 * @returns The text.
 */
export function sampleReflection(lang: Lang): string {
  return SAMPLES[lang].reflection;
}

/** miner_a's (scripted) path through the 29 rounds: some attacks early, then building. */
function minerAAction(round: number): number[] {
  if (round <= 6) return [0.5, 0.3, 0.2];
  if (round <= 15) return [0.55, 0.35, 0.1];
  return round % 2 === 0 ? [0.6, 0.35, 0.05] : [0.65, 0.35, 0];
}

/** miner_b attacks early and turns parasitic; miner_c builds throughout. */
function rivalActions(round: number): { miner_b: number[]; miner_c: number[] } {
  return {
    miner_b: round <= 10 ? [0.3, 0.3, 0.4] : round <= 18 ? [0.3, 0.45, 0.25] : [0.3, 0.6, 0.1],
    miner_c: round % 3 === 0 ? [0.7, 0.2, 0.1] : [0.8, 0.2, 0],
  };
}

/**
 * Builds the round-30 decision request of `miner_a` in the default game, with full memory.
 *
 * @param lang The prompt language.
 * @param prompt The prompt switches (the config's `prompt` section). @default {the seed's}
 * @returns The request, its parts, and the state it was built from.
 */
export function budgetScenario(
  lang: Lang,
  prompt: Partial<MinerPromptSwitches> = {},
): BudgetScenario {
  const sample = SAMPLES[lang];
  if (sample === undefined) {
    throw new RangeError(
      `Cannot build the budget scenario: 'lang' must be "zh" or "en", got ${lang}`,
    );
  }
  const config = parseBlockchainConfig(Object.keys(prompt).length ? { prompt: { ...prompt } } : {});
  const engine = new BlockchainEngine(config);
  const memory = new MinerMemory();
  let view = engine.reset({ seed: 0 });
  for (let round = 1; round < config.rounds; round++) {
    const step = engine.step({ miner_a: minerAAction(round), ...rivalActions(round) });
    const thought = sample.thoughts[round % sample.thoughts.length];
    memory.record(roundRecord({
      round,
      action: minerAAction(round),
      reward: step.rewards.miner_a,
      observation: step.observations.miner_a,
      info: step.infos.miner_a,
      events: step.events,
    }, { thought, parseOk: true }));
    if (round % 7 === 0) memory.setReflection(round, sample.reflection);
    view = step;
  }
  const { system, user } = minerPrompts({
    name: "miner_a",
    index: 0,
    config,
    lang,
    memory,
    round: config.rounds,
    observation: view.observations.miner_a,
    info: view.infos.miner_a,
  });
  const request: ChatRequest = { system, messages: [{ role: "user", content: user }] };
  return { request, system, user, config, engine, memory };
}

/**
 * Measures the round-30 decision request of {@linkcode budgetScenario} with the real
 * tokenizer.
 *
 * @param lang The prompt language.
 * @param prompt The prompt switches. @default {the seed's}
 * @returns Tokens of the system prompt, of the user message, and of the whole request.
 */
export function measurePromptBudget(
  lang: Lang,
  prompt: Partial<MinerPromptSwitches> = {},
): PromptBudget {
  const { request, system, user } = budgetScenario(lang, prompt);
  return {
    system: countTokens(system),
    user: countTokens(user),
    total: countRequestTokens(request),
  };
}
