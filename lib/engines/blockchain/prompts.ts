/**
 * The LLM miner's prompts, in Chinese and English:
 *
 * - {@linkcode systemPrompt}: identity, hash power, rules and payoff formula with the
 *   config's numbers, the multi-party setting, labelling and parasitic-equilibrium
 *   instructions (the latter unless `config.prompt.parasitic_clause` is `false`), the label
 *   rule and the request for `rival_labels` (unless `prompt.rival_labels` is `false`), the
 *   chain-of-thought steps and the answer format. It holds no round number, so it is
 *   byte-identical every round and providers can cache it;
 * - {@linkcode decisionPrompt}: the per-round user message (round, narrative, episodic
 *   summaries, latest reflection, the last rounds);
 * - {@linkcode reflectionPrompt}: the strategy review asked for every few rounds.
 *
 * The config's prompt switches (`config.ts`) choose the form: by default the seed's (the
 * last rounds in full with each rival's move, summaries with key findings, no length cap,
 * rival labels asked for); `narrative: "terse"`, `clip_thoughts`, `length_cap` and
 * `rival_labels: false` together give the first, compact prompts byte for byte
 * ({@linkcode COMPACT_PROMPT}).
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
import {
  type BlockchainConfig,
  COMPACT_PROMPT,
  MINER_SWITCH_DEFAULTS,
  type MinerPromptSwitches,
  minerSwitches,
} from "./config.ts";
import { LABEL_KEYS, LABELS, strategyLabel } from "./labels.ts";
import type { EpisodeSummary, MemoryView, Reflection, RoundRecord } from "./memory.ts";
import { fixed, move } from "./seed_narrative.ts";
import { cpd, type Lang, num } from "./translator.ts";

export { COMPACT_PROMPT };

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

/**
 * The id of the miner's prompt templates (system, decision and review messages), part of
 * every run's `prompt_variant` hash with the ablation switches. Change it whenever the
 * wording of a template changes, so that runs with different texts never share a variant.
 */
export const MINER_PROMPT_TEMPLATE = "blockchain.miner/2";

/** The prompt switches a prompt builder reads: the config's, or the defaults. */
type Style = Readonly<MinerPromptSwitches>;

/** The prompt switches in force when a builder is given none: the seed's defaults. */
const DEFAULT_STYLE: Style = MINER_SWITCH_DEFAULTS.prompt;

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
  const style = minerSwitches(k).prompt;
  const L = (key: keyof typeof LABELS) => LABELS[key][lang];
  const n = rivals.length + 1;
  const a = show(alpha);
  const h = show(k.honest_power);
  const uNums = `R=${show(k.R)}, β=${show(k.beta)}, λ=${show(k.lambda)}`;
  const etaNums = `κ=${show(k.kappa)}, γ=${show(k.gamma)}, η_min=${show(k.eta_min)}`;
  const U = "U = R·α·c + R·p·η̄^β − λ·d²";
  const ETA = "η ← clamp(η − κ·Σd + γ, η_min, 1)";
  const json = answerFormat(rivals.map((r) => r.name), style.rival_labels);
  const labels = LABEL_KEYS.map(L).join(lang === "zh" ? "、" : ", ");
  const t = SYSTEM[lang];
  const others = rivals.map((r) => t.rival(r.name, show(r.alpha))).join(t.join);
  return [
    t.identity(name, a, n, others, h),
    t.move,
    t.payoff(U, uNums),
    t.eta(ETA, etaNums),
    t.label(labels),
    ...(style.rival_labels
      ? [t.rule(L), t.predict(LABEL_KEYS.map((key) => t.key(key, L(key))))]
      : []),
    ...(style.parasitic_clause ? [t.clause] : []),
    ...(style.narrative === "terse" ? [t.legend] : []),
    style.length_cap ? t.goalCapped : t.goal,
    t.answer(json),
  ].join("\n");
}

/** The answer format line's JSON: `thought`, `rival_labels` (when asked for), `action`. */
function answerFormat(rivals: readonly string[], labels: boolean): string {
  if (!labels) return `{"thought": "...", "action": [c, p, d]}`;
  const each = rivals.map((r) => `${JSON.stringify(r)}: "..."`).join(", ");
  return `{"thought": "...", "rival_labels": {${each}}, "action": [c, p, d]}`;
}

/** The system prompt's lines in each language. */
const SYSTEM = {
  en: {
    rival: (name: string, alpha: string) => `${name} (α=${alpha})`,
    join: ", ",
    identity: (name: string, a: string, n: number, others: string, h: string) =>
      `You are ${name} (hash power α=${a}), one of ${n} miners; rivals ${others}; an honest group (α=${h}) always plays [1,0,0]. Repeated rounds, simultaneous moves.`,
    move: `Move [c,p,d] (normalised to sum 1): c build, p parasitise (free-ride), d attack.`,
    payoff: (U: string, nums: string) =>
      `Payoff ${U} (${nums}); η̄ = others' mean efficiency (honest group included) at round start.`,
    eta: (ETA: string, nums: string) => `${ETA}, Σd = others' d (${nums}).`,
    label: (labels: string) => `Label each rival: ${labels}.`,
    rule: (L: (k: keyof typeof LABELS) => string) =>
      `A move's label: c ≥ 0.6 ${L("honest_builder")}; else d ≥ 0.25 ${
        L("attacker")
      }; else p ≥ 0.5 ${L("parasitic_free_rider")}; else p ≥ 0.3 and d ≥ 0.15 ${
        L("opportunist")
      }; else ${L("balanced")}.`,
    key: (key: string, _name: string) => key,
    predict: (keys: string[]) =>
      `In "rival_labels" predict, for each rival, the label its move this round will get, by key: ${
        keys.join(", ")
      }.`,
    clause:
      `Weigh the "parasitic equilibrium": no mutual attacks while jointly exploiting the honest group via p.`,
    legend: `Lines: a=your [c,p,d] r=reward η=yours ηH=honest ηR=rivals' mean.`,
    goalCapped:
      `Maximise your total. "thought" ≤50 words: situation, rival labels, honest trend, cost/benefit, social reasoning, decision.`,
    goal:
      `Maximise your total. In "thought" reason step by step: situation, rival labels, honest trend, cost/benefit, social reasoning, decision.`,
    answer: (json: string) => `Answer JSON only: ${json}`,
  },
  zh: {
    rival: (name: string, alpha: string) => `${name}（α=${alpha}）`,
    join: "、",
    identity: (name: string, a: string, n: number, others: string, h: string) =>
      `你是 ${name}（算力 α=${a}），${n} 名矿工之一；对手 ${others}；诚实群体（α=${h}）恒出 [1,0,0]。多轮，同时行动。`,
    move: `动作 [c,p,d]（和为 1）：c 建设，p 寄生，d 破坏。`,
    payoff: (U: string, nums: string) =>
      `收益 ${U}（${nums}）；η̄ = 本轮初其他所有人（含诚实群体）的平均效率。`,
    eta: (ETA: string, nums: string) => `${ETA}，Σd = 他人 d 之和（${nums}）。`,
    label: (labels: string) => `给每个对手贴标签：${labels}。`,
    rule: (L: (k: keyof typeof LABELS) => string) =>
      `动作标签规则：c ≥ 0.6 ${L("honest_builder")}；否则 d ≥ 0.25 ${L("attacker")}；否则 p ≥ 0.5 ${
        L("parasitic_free_rider")
      }；否则 p ≥ 0.3 且 d ≥ 0.15 ${L("opportunist")}；否则${L("balanced")}。`,
    key: (key: string, name: string) => `${key}（${name}）`,
    predict: (keys: string[]) =>
      `在 "rival_labels" 中预测每个对手本轮动作将得到的标签，用键名：${keys.join("、")}。`,
    clause: `权衡"寄生均衡"：互不破坏，共同以 p 剥削诚实群体。`,
    legend: `记忆行：a=你的[c,p,d] r=收益 η=你 ηH=诚实群体 ηR=对手均值。`,
    goalCapped:
      `目标：累计收益最大。thought ≤60字：态势、对手标签、诚实群体趋势、成本收益、社会推理、决策。`,
    goal:
      `目标：累计收益最大。thought 中逐步推理：态势、对手标签、诚实群体趋势、成本收益、社会推理、决策。`,
    answer: (json: string) => `只回答 JSON：${json}`,
  },
} as const;

const TEXT = {
  en: {
    round: (r: number, n: number) => `Round ${r}/${n}.`,
    episodes: "Episodes:",
    episode: (e: EpisodeSummary) =>
      `R${e.from}-${e.to}: mean r ${num(e.meanReward)}; ${trend(e)}; best R${e.best.round} ${
        num(e.best.reward)
      }, worst R${e.worst.round} ${num(e.worst.reward)}`,
    reflection: (r: Reflection, text: string) => `Reflection (R${r.round}): ${text}`,
    lastRounds: "Last rounds:",
    fallback: "(no valid reply: played [1,0,0])",
    answer: "Answer with the JSON object only.",
    reviewHead: (r: number, n: number, cap: boolean) =>
      `Strategy review after round ${r}/${n}. Reply in plain text (not JSON)${
        cap ? ", ≤120 words" : ""
      }.`,
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
    reflection: (r: Reflection, text: string) => `反思（R${r.round}）：${text}`,
    lastRounds: "最近几轮：",
    fallback: "（回复无效，按默认 [1,0,0]）",
    answer: "只回答 JSON 对象。",
    reviewHead: (r: number, n: number, cap: boolean) =>
      `第 ${r}/${n} 轮后的策略复盘。用纯文本回答（不要 JSON）${cap ? "，不超过120字" : ""}。`,
    previous: "上次反思",
    yourRounds: "你的各轮：",
    review: (clause: boolean) =>
      `回顾你自己的历史：哪些做法有收益、哪些没有，每个对手的标签与行为，诚实群体效率趋势，${
        clause ? "寄生均衡是否正在形成，" : ""
      }以及接下来要如何调整。`,
  },
} as const;

/** The seed-style memory texts (`prompt.narrative: "seed"`). */
const SEED = {
  en: {
    episodes: "Episodic summaries:",
    reflection: (r: Reflection, text: string) =>
      `Latest reflection (after round ${r.round}): ${text}`,
    lastRounds: (n: number) => `Your last ${n === 1 ? "round" : `${n} rounds`}:`,
    yourRounds: "Your rounds:",
    round: (r: RoundRecord, rivals: string, moves: string) =>
      `Round ${r.round}: you played ${move(r.action)}, reward ${
        fixed(r.reward)
      }; efficiency after it: you ${fixed(r.efficiency)}, honest group ${
        fixed(r.honestEfficiency)
      }${rivals}${moves}.`,
    moves: (list: string) => `; rivals played ${list}`,
    fallback: " Your reply was invalid: [1,0,0] was played.",
    thought: (text: string) => ` Your reasoning: ${text}`,
    episode: (e: EpisodeSummary) =>
      `Rounds ${e.from}-${e.to}: mean reward ${fixed(e.meanReward)}; your mean move ${
        move(e.firstHalf)
      } in the first half, ${move(e.secondHalf)} in the second; best round ${e.best.round} (${
        fixed(e.best.reward)
      }${
        e.findings ? `, you played ${move(e.findings.bestAction)}` : ""
      }), worst round ${e.worst.round} (${fixed(e.worst.reward)}${
        e.findings ? `, you played ${move(e.findings.worstAction)}` : ""
      }).`,
    findings: (honest: string, rivals: string, halves: string) =>
      ` Key findings: the honest group's efficiency went ${honest}${rivals}; your mean reward went ${halves} from the first half to the second.`,
    rivalMean: (name: string, label: string, m: string) =>
      `${name} acted as ${article(label)} on average ${m}`,
  },
  zh: {
    episodes: "情节总结：",
    reflection: (r: Reflection, text: string) => `最新反思（第 ${r.round} 轮后）：${text}`,
    lastRounds: (n: number) => `你最近 ${n} 轮：`,
    yourRounds: "你的各轮：",
    round: (r: RoundRecord, rivals: string, moves: string) =>
      `第 ${r.round} 轮：你出 ${move(r.action)}，收益 ${fixed(r.reward)}；轮后效率：你 ${
        fixed(r.efficiency)
      }，诚实群体 ${fixed(r.honestEfficiency)}${rivals}${moves}。`,
    moves: (list: string) => `；对手出 ${list}`,
    fallback: "回复无效，按默认 [1,0,0]。",
    thought: (text: string) => `你的推理：${text}`,
    episode: (e: EpisodeSummary) =>
      `第 ${e.from}-${e.to} 轮：平均收益 ${fixed(e.meanReward)}；你的平均动作前半段 ${
        move(e.firstHalf)
      }，后半段 ${move(e.secondHalf)}；最佳第 ${e.best.round} 轮（${fixed(e.best.reward)}${
        e.findings ? `，你出 ${move(e.findings.bestAction)}` : ""
      }），最差第 ${e.worst.round} 轮（${fixed(e.worst.reward)}${
        e.findings ? `，你出 ${move(e.findings.worstAction)}` : ""
      }）。`,
    findings: (honest: string, rivals: string, halves: string) =>
      `关键发现：诚实群体效率 ${honest}${rivals}；你的平均收益从前半段到后半段 ${halves}。`,
    rivalMean: (name: string, label: string, m: string) => `${name} 平均表现为${label} ${m}`,
  },
} as const;

/** `an attacker`, `a balanced strategist`. */
function article(label: string): string {
  // "an honest builder": the h of "honest" is silent
  return `${/^([aeiou]|hon)/i.test(label) ? "an" : "a"} ${label}`;
}

/** `c .50→.62 p .30→.25 d .20→.13`: first half vs second half of a block. */
function trend(e: EpisodeSummary): string {
  return ["c", "p", "d"].map((k, i) => `${k} ${num(e.firstHalf[i])}→${num(e.secondHalf[i])}`)
    .join(" ");
}

/** A past thought or reflection as a prompt shows it: on one line, clipped when the style clips. */
function shown(text: string, lang: Lang, style: Style, max: Readonly<Record<Lang, number>>) {
  return style.clip_thoughts ? clipEnd(text, max[lang]) : text.replace(/\s+/g, " ").trim();
}

/**
 * One round of working memory on one line: action, reward, own, honest and mean rival
 * efficiency, then the thought clipped to {@linkcode THOUGHT_CHARS} (or a note that the
 * reply was unusable and the fallback was played). This is the terse form
 * (`prompt.narrative: "terse"`); {@linkcode seedRoundLine} is the seed's.
 *
 * @param record The round.
 * @param lang The language (of the fallback note and the clipping).
 * @param withThought Append the thought. @default {true}
 * @param clip Clip the thought to {@linkcode THOUGHT_CHARS} (`prompt.clip_thoughts`). @default {true}
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
export function roundLine(
  record: RoundRecord,
  lang: Lang,
  withThought = true,
  clip = true,
): string {
  const head = `R${record.round} a=${cpd(record.action)} r=${num(record.reward)} η=${
    num(record.efficiency)
  } ηH=${num(record.honestEfficiency)} ηR=${num(record.rivalEfficiency)}`;
  if (!record.parseOk) return `${head} ${TEXT[lang].fallback}`;
  if (!withThought || !record.thought) return head;
  const style = { ...DEFAULT_STYLE, clip_thoughts: clip };
  return `${head} | ${shown(record.thought, lang, style, THOUGHT_CHARS)}`;
}

/**
 * One round of working memory as the seed keeps it ("the full record of each round:
 * decision, reasoning, reward, opponents' efficiency"): your move and reward, every
 * participant's efficiency after the round, each rival's move and its label, and your
 * reasoning in full (clipped to {@linkcode THOUGHT_CHARS} when `clip` is set).
 *
 * @param record The round.
 * @param lang The language.
 * @param withThought Append the reasoning. @default {true}
 * @param clip Clip the reasoning (`prompt.clip_thoughts`). @default {false}
 * @returns The text, on one line.
 *
 * @example
 * ```ts
 * import { seedRoundLine } from "./prompts.ts";
 * console.log(seedRoundLine({
 *   round: 12, action: [0.6, 0.3, 0.1], reward: 4.123, parseOk: true, thought: "Keep building.",
 *   efficiency: 0.95, honestEfficiency: 0.4, rivalEfficiency: 0.875, rivals: { miner_b: 0.875 },
 *   rivalActions: { miner_b: [0.3, 0.3, 0.4] },
 * }, "en"));
 * // Round 12: you played [0.60, 0.30, 0.10], reward 4.12; efficiency after it: you 0.95, honest group 0.40, miner_b 0.88; rivals played miner_b [0.30, 0.30, 0.40] (attacker). Your reasoning: Keep building.
 * ```
 */
export function seedRoundLine(
  record: RoundRecord,
  lang: Lang,
  withThought = true,
  clip = false,
): string {
  const s = SEED[lang];
  const sep = lang === "zh" ? "，" : ", ";
  const rivals = Object.entries(record.rivals).map(([n, eta]) => `${sep}${n} ${fixed(eta)}`)
    .join("");
  const acted = Object.entries(record.rivalActions ?? {});
  const moves = acted.length === 0 ? "" : s.moves(
    acted.map(([n, a]) => {
      const label = LABELS[strategyLabel(a)][lang];
      return lang === "zh" ? `${n} ${move(a)}（${label}）` : `${n} ${move(a)} (${label})`;
    }).join(sep),
  );
  const head = s.round(record, rivals, moves);
  if (!record.parseOk) return `${head}${s.fallback}`;
  if (!withThought || !record.thought) return head;
  const style = { ...DEFAULT_STYLE, clip_thoughts: clip };
  return `${head}${s.thought(shown(record.thought, lang, style, THOUGHT_CHARS))}`;
}

/**
 * One episodic summary on one line. Terse (the default here), e.g.
 * `R1-10: mean r 4.21; c .50→.62 p .30→.25 d .20→.13; best R4 6.10, worst R9 1.02`
 * (mean `c`, `p`, `d` of the block's first half → second half); in the seed's style
 * (`"seed"`), the same in words with the moves of the best and worst rounds and the key
 * findings (the honest group's efficiency over the block, each rival's mean move and label,
 * the reward of each half).
 *
 * @param summary The summary.
 * @param lang The language.
 * @param narrative The style. @default {"terse"}
 * @returns The line.
 */
export function episodeLine(
  summary: EpisodeSummary,
  lang: Lang,
  narrative: Style["narrative"] = "terse",
): string {
  if (narrative === "terse") return TEXT[lang].episode(summary);
  const s = SEED[lang];
  const f = summary.findings;
  if (!f) return s.episode(summary);
  const arrow = (a: number, b: number) => `${fixed(a)} → ${fixed(b)}`;
  const sep = lang === "zh" ? "，" : ", ";
  const rivals = Object.entries(f.rivalLabels).map(([n, k]) =>
    s.rivalMean(n, LABELS[k][lang], move(f.rivalMeans[n]))
  );
  const rivalText = rivals.length === 0 ? "" : (lang === "zh" ? "；" : "; ") + rivals.join(sep);
  const findings = s.findings(
    arrow(f.honest[0], f.honest[1]),
    rivalText,
    arrow(f.rewardHalves[0], f.rewardHalves[1]),
  );
  return `${s.episode(summary)}${findings}`;
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
  /**
   * The prompt switches (`narrative`, `clip_thoughts`...): the config's
   * (`minerSwitches(config).prompt`). @default {the seed's defaults}
   */
  style?: Style;
}

/** The memory part of a decision prompt, in the seed's style. */
function seedMemoryLines(memory: MemoryView, lang: Lang, style: Style): string[] {
  const s = SEED[lang];
  const lines: string[] = [];
  if (memory.episodes.length > 0) {
    lines.push(s.episodes, ...memory.episodes.map((e) => episodeLine(e, lang, "seed")));
  }
  if (memory.reflection) {
    const text = shown(memory.reflection.text, lang, style, REFLECTION_CHARS);
    lines.push(s.reflection(memory.reflection, text));
  }
  if (memory.working.length > 0) {
    lines.push(
      s.lastRounds(memory.working.length),
      ...memory.working.map((r) => seedRoundLine(r, lang, true, style.clip_thoughts)),
    );
  }
  return lines;
}

/** The memory part of a decision prompt, in the terse style. */
function terseMemoryLines(memory: MemoryView, lang: Lang, style: Style): string[] {
  const t = TEXT[lang];
  const lines: string[] = [];
  if (memory.episodes.length > 0) {
    lines.push(t.episodes, ...memory.episodes.map((e) => t.episode(e)));
  }
  if (memory.reflection) {
    const text = shown(memory.reflection.text, lang, style, REFLECTION_CHARS);
    lines.push(t.reflection(memory.reflection, text));
  }
  if (memory.working.length > 0) {
    lines.push(
      t.lastRounds,
      ...memory.working.map((r) => roundLine(r, lang, true, style.clip_thoughts)),
    );
  }
  return lines;
}

/**
 * The per-round user message: round, narrative, episodic summaries, latest reflection, the
 * last rounds, and the answer instruction; in the style of `options.style`.
 *
 * @param options Round, narrative, memory, language and style.
 * @returns The message.
 */
export function decisionPrompt(options: DecisionPromptOptions): string {
  const { round, rounds, narrative, memory, lang, style = DEFAULT_STYLE } = options;
  checkLang(lang, "decision prompt");
  const t = TEXT[lang];
  const memoryLines = style.narrative === "terse"
    ? terseMemoryLines(memory, lang, style)
    : seedMemoryLines(memory, lang, style);
  return [t.round(round, rounds), narrative, ...memoryLines, t.answer].join("\n");
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
  /**
   * The prompt switches (`narrative`, `clip_thoughts`, `length_cap`); `parasiticClause`
   * wins over its `parasitic_clause`. @default {the seed's defaults}
   */
  style?: Style;
}

/**
 * The user message asking for a strategy review of the miner's own history (plain text; at
 * most 120 words, or 120 characters in Chinese, when `style.length_cap` is set); it asks
 * whether a parasitic equilibrium is forming unless `parasiticClause` is `false`.
 *
 * @param options Round, narrative, the rounds to review, summaries, previous reflection.
 * @returns The message.
 */
export function reflectionPrompt(options: ReflectionPromptOptions): string {
  const { round, rounds, narrative, records, episodes, reflection, lang, style = DEFAULT_STYLE } =
    options;
  const parasiticClause = options.parasiticClause ?? style.parasitic_clause;
  checkLang(lang, "reflection prompt");
  const t = TEXT[lang];
  const seed = style.narrative !== "terse";
  const lines: string[] = [t.reviewHead(round, rounds, style.length_cap), narrative];
  if (episodes.length > 0) {
    lines.push(
      seed ? SEED[lang].episodes : t.episodes,
      ...episodes.map((e) => episodeLine(e, lang, style.narrative)),
    );
  }
  if (reflection) {
    const sep = lang === "zh" ? "：" : ": ";
    const text = shown(reflection.text, lang, style, REFLECTION_CHARS);
    lines.push(`${t.previous} (R${reflection.round})${sep}${text}`);
  }
  if (records.length > 0) {
    lines.push(
      seed ? SEED[lang].yourRounds : t.yourRounds,
      ...records.map((r) => seed ? seedRoundLine(r, lang, false) : roundLine(r, lang, false)),
    );
  }
  lines.push(t.review(parasiticClause));
  return lines.join("\n");
}
