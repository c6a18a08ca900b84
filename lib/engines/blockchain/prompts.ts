/**
 * The LLM miner's prompts, in Chinese and English:
 *
 * - {@linkcode systemPrompt}: identity, hash power, rules and payoff formula with the
 *   config's numbers, the multi-party setting, labelling and parasitic-equilibrium
 *   instructions (the latter unless `config.prompt.parasitic_clause` is `false`), the
 *   chain-of-thought steps and the answer format. It holds no round number, so it is
 *   byte-identical every round and providers can cache it;
 * - {@linkcode decisionPrompt}: the compact per-round user message (round, narrative,
 *   episodic summaries, latest reflection, last rounds one line each);
 * - {@linkcode reflectionPrompt}: the strategy review asked for every few rounds.
 *
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * import { systemPrompt } from "./prompts.ts";
 * const config = parseBlockchainConfig({});
 * const system = systemPrompt({
 *   name: "miner_a",
 *   alpha: 0.25,
 *   config,
 *   rivals: [{ name: "miner_b", alpha: 0.2 }, { name: "miner_c", alpha: 0.15 }],
 *   lang: "en",
 * });
 * console.log(system.includes("R=10, β=1.5, λ=2")); // true
 * ```
 * @module
 */
import { type BlockchainConfig, minerSwitches } from "./config.ts";
import { LABELS } from "./labels.ts";
import type { EpisodeSummary, MemoryView, Reflection, RoundRecord } from "./memory.ts";
import { cpd, type Lang, num } from "./translator.ts";

/**
 * Characters of a past thought shown in a prompt (its end is kept: the decision). Chinese
 * says in 40 characters about what English says in 100-120.
 */
export const THOUGHT_CHARS: Readonly<Record<Lang, number>> = Object.freeze({ en: 200, zh: 40 });

/**
 * Characters of the latest reflection shown in a prompt (it is asked for at most 120 words,
 * or 120 characters in Chinese; a longer one keeps its end, the plan).
 */
export const REFLECTION_CHARS: Readonly<Record<Lang, number>> = Object.freeze({ en: 800, zh: 160 });

const LABEL_KEYS = Object.keys(LABELS) as (keyof typeof LABELS)[];

/**
 * The id of the miner's prompt templates (system, decision and review messages), part of
 * every run's `prompt_variant` hash with the ablation switches. Change it whenever the
 * wording of a template changes, so that runs with different texts never share a variant.
 */
export const MINER_PROMPT_TEMPLATE = "blockchain.miner/1";

/** A config number without float noise: `0.1`, `2`, `1.5`. */
function show(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * `text` on one line, at most `max` characters. A longer text keeps its *end* (where a
 * chain of thought states its decision), starting after a sentence break when one falls in
 * the first third of the kept part, and is marked with a leading `…`.
 *
 * @param text The text.
 * @param max The most characters (code points) to keep, `…` included.
 * @returns The shortened text.
 *
 * @example
 * ```ts
 * import { clipEnd } from "./prompts.ts";
 * console.log(clipEnd("First idea. Then more. Decision: build.", 30)); // …Then more. Decision: build.
 * ```
 */
export function clipEnd(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  if (chars.length <= max) return flat;
  let kept = chars.slice(chars.length - (max - 1)).join("");
  const brk = /[.;!?,]\s+|[。；！？，、]/u.exec(kept);
  if (brk && brk.index + brk[0].length < kept.length / 3) {
    kept = kept.slice(brk.index + brk[0].length);
  }
  return `…${kept.replace(/^[\s.,;:!?。，、；：！？]+/u, "")}`;
}

function checkLang(lang: Lang, what: string): void {
  if (lang !== "zh" && lang !== "en") {
    throw new RangeError(`Cannot build the ${what}: 'lang' must be "zh" or "en", got ${lang}`);
  }
}

/** Options of {@linkcode systemPrompt}. */
export interface SystemPromptOptions {
  /** The miner's name. */
  name: string;
  /** The miner's hash power. */
  alpha: number;
  /** The game's config (its numbers go into the rules). */
  config: BlockchainConfig;
  /** The other miners and their hash power. */
  rivals: readonly { name: string; alpha: number }[];
  lang: Lang;
}

/**
 * The static system prompt of an LLM miner. The line asking it to weigh the "parasitic
 * equilibrium" is left out when the config's `prompt.parasitic_clause` is `false`.
 *
 * @param options Identity, config, rivals and language.
 * @returns The prompt; the same text for every round of a game.
 */
export function systemPrompt(options: SystemPromptOptions): string {
  const { name, alpha, config: k, rivals, lang } = options;
  checkLang(lang, "system prompt");
  const L = (key: keyof typeof LABELS) => LABELS[key][lang];
  const n = rivals.length + 1;
  const a = show(alpha);
  const h = show(k.honest_power);
  const uNums = `R=${show(k.R)}, β=${show(k.beta)}, λ=${show(k.lambda)}`;
  const etaNums = `κ=${show(k.kappa)}, γ=${show(k.gamma)}, η_min=${show(k.eta_min)}`;
  const U = "U = R·α·c + R·p·η̄^β − λ·d²";
  const ETA = "η ← clamp(η − κ·Σd + γ, η_min, 1)";
  const json = `{"thought": "...", "action": [c, p, d]}`;
  const labels = LABEL_KEYS.map(L).join(lang === "zh" ? "、" : ", ");
  const clause = minerSwitches(k).prompt.parasitic_clause;
  if (lang === "zh") {
    const others = rivals.map((r) => `${r.name}（α=${show(r.alpha)}）`).join("、");
    return [
      `你是 ${name}（算力 α=${a}），${n} 名矿工之一；对手 ${others}；诚实群体（α=${h}）恒出 [1,0,0]。多轮，同时行动。`,
      `动作 [c,p,d]（和为 1）：c 建设，p 寄生，d 破坏。`,
      `收益 ${U}（${uNums}）；η̄ = 本轮初其他所有人（含诚实群体）的平均效率。`,
      `${ETA}，Σd = 他人 d 之和（${etaNums}）。`,
      `给每个对手贴标签：${labels}。`,
      ...(clause ? [`权衡"寄生均衡"：互不破坏，共同以 p 剥削诚实群体。`] : []),
      `记忆行：a=你的[c,p,d] r=收益 η=你 ηH=诚实群体 ηR=对手均值。`,
      `目标：累计收益最大。thought ≤60字：态势、对手标签、诚实群体趋势、成本收益、社会推理、决策。`,
      `只回答 JSON：${json}`,
    ].join("\n");
  }
  const others = rivals.map((r) => `${r.name} (α=${show(r.alpha)})`).join(", ");
  return [
    `You are ${name} (hash power α=${a}), one of ${n} miners; rivals ${others}; an honest group (α=${h}) always plays [1,0,0]. Repeated rounds, simultaneous moves.`,
    `Move [c,p,d] (normalised to sum 1): c build, p parasitise (free-ride), d attack.`,
    `Payoff ${U} (${uNums}); η̄ = others' mean efficiency (honest group included) at round start.`,
    `${ETA}, Σd = others' d (${etaNums}).`,
    `Label each rival: ${labels}.`,
    ...(clause
      ? [
        `Weigh the "parasitic equilibrium": no mutual attacks while jointly exploiting the honest group via p.`,
      ]
      : []),
    `Lines: a=your [c,p,d] r=reward η=yours ηH=honest ηR=rivals' mean.`,
    `Maximise your total. "thought" ≤50 words: situation, rival labels, honest trend, cost/benefit, social reasoning, decision.`,
    `Answer JSON only: ${json}`,
  ].join("\n");
}

const TEXT = {
  en: {
    round: (r: number, n: number) => `Round ${r}/${n}.`,
    episodes: "Episodes:",
    episode: (e: EpisodeSummary) =>
      `R${e.from}-${e.to}: mean r ${num(e.meanReward)}; ${trend(e)}; best R${e.best.round} ${
        num(e.best.reward)
      }, worst R${e.worst.round} ${num(e.worst.reward)}`,
    reflection: (r: Reflection, max: number) => `Reflection (R${r.round}): ${clipEnd(r.text, max)}`,
    lastRounds: "Last rounds:",
    fallback: "(no valid reply: played [1,0,0])",
    answer: "Answer with the JSON object only.",
    reviewHead: (r: number, n: number) =>
      `Strategy review after round ${r}/${n}. Reply in plain text (not JSON), ≤120 words.`,
    previous: "Previous reflection",
    yourRounds: "Your rounds:",
    review: (clause: boolean) =>
      `Review your own history: what paid off and what did not, each rival's label and behaviour, the honest group's trend, ${
        clause ? "whether a parasitic equilibrium is forming, " : ""
      }and what you will change next.`,
  },
  zh: {
    round: (r: number, n: number) => `第 ${r}/${n} 轮。`,
    episodes: "情节总结：",
    episode: (e: EpisodeSummary) =>
      `R${e.from}-${e.to}：平均收益 ${num(e.meanReward)}；${trend(e)}；最佳 R${e.best.round} ${
        num(e.best.reward)
      }，最差 R${e.worst.round} ${num(e.worst.reward)}。`,
    reflection: (r: Reflection, max: number) => `反思（R${r.round}）：${clipEnd(r.text, max)}`,
    lastRounds: "最近几轮：",
    fallback: "（回复无效，按默认 [1,0,0]）",
    answer: "只回答 JSON 对象。",
    reviewHead: (r: number, n: number) =>
      `第 ${r}/${n} 轮后的策略复盘。用纯文本回答（不要 JSON），不超过120字。`,
    previous: "上次反思",
    yourRounds: "你的各轮：",
    review: (clause: boolean) =>
      `回顾你自己的历史：哪些做法有收益、哪些没有，每个对手的标签与行为，诚实群体效率趋势，${
        clause ? "寄生均衡是否正在形成，" : ""
      }以及接下来要如何调整。`,
  },
} as const;

/** `c .50→.62 p .30→.25 d .20→.13`: first half vs second half of a block. */
function trend(e: EpisodeSummary): string {
  return ["c", "p", "d"].map((k, i) => `${k} ${num(e.firstHalf[i])}→${num(e.secondHalf[i])}`)
    .join(" ");
}

/**
 * One round of working memory on one line: action, reward, own, honest and mean rival
 * efficiency, then the thought clipped to {@linkcode THOUGHT_CHARS} (or a note that the
 * reply was unusable and the fallback was played).
 *
 * @param record The round.
 * @param lang The language (of the fallback note and the clipping).
 * @param withThought Append the thought. @default {true}
 * @returns The line.
 *
 * @example
 * ```ts
 * import { roundLine } from "./prompts.ts";
 * const line = roundLine({
 *   round: 12, action: [0.6, 0.3, 0.1], reward: 4.123, parseOk: true, thought: "Keep building.",
 *   efficiency: 0.95, honestEfficiency: 0.4, rivalEfficiency: 0.875, rivals: {},
 * }, "en");
 * console.log(line); // R12 a=[.60,.30,.10] r=4.12 η=.95 ηH=.40 ηR=.88 | Keep building.
 * ```
 */
export function roundLine(record: RoundRecord, lang: Lang, withThought = true): string {
  const head = `R${record.round} a=${cpd(record.action)} r=${num(record.reward)} η=${
    num(record.efficiency)
  } ηH=${num(record.honestEfficiency)} ηR=${num(record.rivalEfficiency)}`;
  if (!record.parseOk) return `${head} ${TEXT[lang].fallback}`;
  if (!withThought || !record.thought) return head;
  return `${head} | ${clipEnd(record.thought, THOUGHT_CHARS[lang])}`;
}

/**
 * One episodic summary on one line, e.g.
 * `R1-10: mean r 4.21; c .50→.62 p .30→.25 d .20→.13; best R4 6.10, worst R9 1.02`
 * (mean `c`, `p`, `d` of the block's first half → second half).
 *
 * @param summary The summary.
 * @param lang The language.
 * @returns The line.
 */
export function episodeLine(summary: EpisodeSummary, lang: Lang): string {
  return TEXT[lang].episode(summary);
}

/** Options of {@linkcode decisionPrompt}. */
export interface DecisionPromptOptions {
  /** The round about to be played, 1-based. */
  round: number;
  rounds: number;
  /** The translator's narrative of the current state. */
  narrative: string;
  memory: MemoryView;
  lang: Lang;
}

/**
 * The per-round user message: round, narrative, episodic summaries, latest reflection, the
 * last rounds one line each, and the answer instruction.
 *
 * @param options Round, narrative, memory and language.
 * @returns The message.
 */
export function decisionPrompt(options: DecisionPromptOptions): string {
  const { round, rounds, narrative, memory, lang } = options;
  checkLang(lang, "decision prompt");
  const t = TEXT[lang];
  const lines = [t.round(round, rounds), narrative];
  if (memory.episodes.length > 0) {
    lines.push(t.episodes, ...memory.episodes.map((e) => t.episode(e)));
  }
  if (memory.reflection) lines.push(t.reflection(memory.reflection, REFLECTION_CHARS[lang]));
  if (memory.working.length > 0) {
    lines.push(t.lastRounds, ...memory.working.map((r) => roundLine(r, lang)));
  }
  lines.push(t.answer);
  return lines.join("\n");
}

/** Options of {@linkcode reflectionPrompt}. */
export interface ReflectionPromptOptions {
  /** The round just played. */
  round: number;
  rounds: number;
  /** The translator's narrative of the state after `round`. */
  narrative: string;
  /** The rounds to review (typically those since the last reflection), oldest first. */
  records: readonly RoundRecord[];
  episodes: readonly EpisodeSummary[];
  /** The previous reflection, or `null`. */
  reflection: Reflection | null;
  lang: Lang;
  /**
   * Ask whether a parasitic equilibrium is forming (the config's
   * `prompt.parasitic_clause`). @default {true}
   */
  parasiticClause?: boolean;
}

/**
 * The user message asking for a short strategy review of the miner's own history (plain
 * text, at most 120 words, or 120 characters in Chinese); it asks whether a parasitic
 * equilibrium is forming unless `parasiticClause` is `false`.
 *
 * @param options Round, narrative, the rounds to review, summaries, previous reflection.
 * @returns The message.
 */
export function reflectionPrompt(options: ReflectionPromptOptions): string {
  const { round, rounds, narrative, records, episodes, reflection, lang, parasiticClause = true } =
    options;
  checkLang(lang, "reflection prompt");
  const t = TEXT[lang];
  const lines: string[] = [t.reviewHead(round, rounds), narrative];
  if (episodes.length > 0) lines.push(t.episodes, ...episodes.map((e) => t.episode(e)));
  if (reflection) {
    const sep = lang === "zh" ? "：" : ": ";
    lines.push(
      `${t.previous} (R${reflection.round})${sep}${
        clipEnd(reflection.text, REFLECTION_CHARS[lang])
      }`,
    );
  }
  if (records.length > 0) {
    lines.push(
      t.yourRounds,
      ...records.map((r) => roundLine(r, lang, false)),
    );
  }
  lines.push(t.review(parasiticClause));
  return lines.join("\n");
}
