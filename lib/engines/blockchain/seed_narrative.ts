/**
 * The seed's narrative of a miner's situation (`prompt.narrative: "seed"`, the default): what
 * the seed's translator tells each agent, in Chinese or English. Beside the terse narrative's
 * efficiencies and labels it carries every participant's public state as the seed lists it
 * (each rival's last move, efficiency, cumulative reward, hash power and strategy label; the
 * honest group's hash power, efficiency and cumulative reward; the miner's own cumulative and
 * last reward), the standings by cumulative reward, and qualitative cues in the manner of the
 * seed's example ("诚实群体效率为 0.85（高效运转中）。矿工-B（策略标签：攻击者）效率 0.72，
 * 正在发动攻击，可能对你造成效率损失。").
 *
 * Numbers have two decimals with the leading zero (`0.85`), as in the seed's example.
 *
 * @example
 * ```ts
 * import { BlockchainEngine } from "./engine.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * import { narrateSeed } from "./seed_narrative.ts";
 * import { initialSnapshot } from "./translator.ts";
 * const config = parseBlockchainConfig({});
 * const engine = new BlockchainEngine(config);
 * engine.reset({ seed: 0 });
 * const view = engine.step({ miner_a: [1, 0, 0], miner_b: [0.4, 0.2, 0.4], miner_c: [1, 0, 0] });
 * const info = view.infos.miner_a;
 * console.log(narrateSeed({
 *   observation: view.observations.miner_a,
 *   info,
 *   previous: initialSnapshot(info, config.eta_init),
 *   config,
 *   lang: "en",
 * }).split("\n")[2]);
 * // miner_b (α 0.20; strategy label: attacker): last move [0.40, 0.20, 0.40], efficiency 1.00 (±0, stable), running efficiently; it is attacking and may cost you efficiency. Cumulative reward 2.48.
 * ```
 * @module
 */
import type { LabelKey } from "./labels.ts";
import { LABELS } from "./labels.ts";
import type { NarrativeInput } from "./translator.ts";

/** `0.85`, `-0.05` (two decimals, no `-0.00`). */
export function fixed(x: number): string {
  const s = x.toFixed(2);
  return s === "-0.00" ? "0.00" : s;
}

/** `+0.05`, `-0.10`, `±0` when it rounds to zero. */
function change(x: number): string {
  if (Math.abs(x) < 0.005) return "±0";
  return x > 0 ? `+${fixed(x)}` : fixed(x);
}

/**
 * A move `[c, p, d]` as `[0.60, 0.30, 0.10]` (exact 0 and 1 as `0` and `1`).
 *
 * @param action The move.
 * @returns The text.
 */
export function move(action: readonly number[]): string {
  return `[${action.map((x) => x === 0 || x === 1 ? String(x) : fixed(x)).join(", ")}]`;
}

/** The level of an efficiency: at the floor, high, weakened, badly degraded. */
type Level = "floor" | "high" | "weak" | "low";

function level(eta: number, etaMin: number): Level {
  if (eta <= etaMin + 1e-9) return "floor";
  return eta >= 0.8 ? "high" : eta >= 0.5 ? "weak" : "low";
}

const TEXT = {
  en: {
    sep: "; ",
    network: (n: number) => `The network has ${n} miners and the background honest group.`,
    opponents: (eta: string) => ` Your opponents' mean efficiency is ${eta}`,
    totalD: (d: string) => `; total attack effort d last round ${d}.`,
    firstRound: ". No round has been played yet.",
    level: {
      floor: "at the floor",
      high: "running efficiently",
      weak: "weakened",
      low: "badly degraded",
    } as Record<Level, string>,
    trend: { rising: "rising", falling: "falling", stable: "stable" },
    honest: (a: string, eta: string, lvl: string, cum: string) =>
      `Honest group (α ${a}, always [1,0,0]): efficiency ${eta}, ${lvl}; cumulative reward ${cum}.`,
    rival: (name: string, a: string, label: string, last: string, eta: string, lvl: string) =>
      `${name} (α ${a}; strategy label: ${label}): last move ${last}, efficiency ${eta}, ${lvl}`,
    rivalNone: (name: string, a: string, eta: string) =>
      `${name} (α ${a}): no move yet, efficiency ${eta}.`,
    cumulative: (cum: string) => ` Cumulative reward ${cum}.`,
    cue: {
      attacker: "it is attacking and may cost you efficiency",
      parasitic_free_rider: "it is free-riding on others' efficiency",
      honest_builder: "it is building honestly",
      opportunist: "it mixes free-riding with attacks",
      balanced: "it spreads its effort",
    } as Record<LabelKey, string>,
    you: (a: string, last: string, r: string, eta: string, lvl: string, cum: string) =>
      `You (α ${a}): last move ${last}, reward ${r}, efficiency ${eta}, ${lvl}; cumulative reward ${cum}.`,
    youNone: (a: string, eta: string) => `You (α ${a}): efficiency ${eta}; cumulative reward 0.00.`,
    standings: (list: string, rank: number, n: number) =>
      `Standings by cumulative reward: ${list} (you rank ${rank} of ${n}).`,
    youName: "you",
    honestName: "honest group",
  },
  zh: {
    sep: "；",
    network: (n: number) => `当前全网有 ${n} 个智能矿工 + 背景诚实算力群体。`,
    opponents: (eta: string) => `对手平均效率 ${eta}`,
    totalD: (d: string) => `；上轮总破坏 d ${d}。`,
    firstRound: "；尚未进行任何一轮。",
    level: { floor: "已触底", high: "高效运转中", weak: "效率受损", low: "严重受损" } as Record<
      Level,
      string
    >,
    trend: { rising: "上升", falling: "下降", stable: "持平" },
    honest: (a: string, eta: string, lvl: string, cum: string) =>
      `诚实群体（算力 ${a}，恒出 [1,0,0]）效率为 ${eta}，${lvl}；累计收益 ${cum}。`,
    rival: (name: string, a: string, label: string, last: string, eta: string, lvl: string) =>
      `${name}（算力 ${a}，策略标签：${label}）上轮 ${last}，效率 ${eta}，${lvl}`,
    rivalNone: (name: string, a: string, eta: string) =>
      `${name}（算力 ${a}）尚未行动，效率 ${eta}`,
    cumulative: (cum: string) => `；累计收益 ${cum}。`,
    cue: {
      attacker: "正在发动攻击，可能对你造成效率损失",
      parasitic_free_rider: "正在寄生搭便车，依赖他人效率获利",
      honest_builder: "正在诚实建设",
      opportunist: "在寄生与攻击之间投机",
      balanced: "策略较为均衡",
    } as Record<LabelKey, string>,
    you: (a: string, last: string, r: string, eta: string, lvl: string, cum: string) =>
      `你（算力 ${a}）上轮 ${last}，收益 ${r}，效率 ${eta}，${lvl}；累计收益 ${cum}。`,
    youNone: (a: string, eta: string) => `你（算力 ${a}）效率 ${eta}；累计收益 0.00。`,
    standings: (list: string, rank: number, n: number) =>
      `累计收益排名：${list}（你排第 ${rank}/${n}）。`,
    youName: "你",
    honestName: "诚实群体",
  },
} as const;

type Text = typeof TEXT[keyof typeof TEXT];

/** `0.85 (-0.05, falling)`, or `0.85` when there is nothing to compare with. */
function withTrend(t: Text, now: number, before: number | undefined): string {
  if (before === undefined) return fixed(now);
  const d = now - before;
  const trend = d > 1e-9 ? t.trend.rising : d < -1e-9 ? t.trend.falling : t.trend.stable;
  return t === TEXT.zh
    ? `${fixed(now)}（${change(d)}，${trend}）`
    : `${fixed(now)} (${change(d)}, ${trend})`;
}

/** The standings line: every participant by cumulative reward, highest first. */
function standings(t: Text, input: NarrativeInput): string {
  const { observation: obs, info } = input;
  const all = [
    { name: t.youName, cum: obs.cumulative_reward, you: true },
    ...info.rivals.map((r) => ({ name: r.name, cum: r.cumulative_reward, you: false })),
    { name: t.honestName, cum: info.honest_group.cumulative_reward, you: false },
  ].sort((a, b) => b.cum - a.cum);
  const rank = all.findIndex((x) => x.you) + 1;
  return t.standings(all.map((x) => `${x.name} ${fixed(x.cum)}`).join(" > "), rank, all.length);
}

/** One line per rival: hash power, label, last move, efficiency, cue, cumulative reward. */
function rivalLines(t: Text, input: NarrativeInput): string[] {
  const { info, previous, config, lang } = input;
  return info.rivals.map((r) => {
    const eta = withTrend(t, r.efficiency, previous?.rivals[r.name]);
    const cum = t.cumulative(fixed(r.cumulative_reward));
    if (r.last_action === null || r.label === null) {
      return `${t.rivalNone(r.name, fixed(r.hash_power), eta)}${cum}`;
    }
    const lvl = t.level[level(r.efficiency, config.eta_min)];
    const head = t.rival(
      r.name,
      fixed(r.hash_power),
      LABELS[r.label][lang],
      move(r.last_action),
      eta,
      lvl,
    );
    return `${head}${t.sep}${t.cue[r.label]}${lang === "en" ? "." : ""}${cum}`;
  });
}

/**
 * The seed's narrative of a miner's situation, a few lines in `lang`: the network, the honest
 * group, one line per rival, yourself, the standings (from the second round on).
 *
 * @param input The observation, info, the efficiencies a round earlier, config and language
 *   (as for the terse `narrate`).
 * @returns Lines separated by `\n`.
 * @throws {RangeError} For a language other than `"zh"` and `"en"`.
 */
export function narrateSeed(input: NarrativeInput): string {
  const { observation: obs, info, previous, config, lang } = input;
  const t = TEXT[lang];
  if (t === undefined) {
    throw new RangeError(`Cannot narrate: 'lang' must be "zh" or "en", got ${String(lang)}`);
  }
  const opponents = t.opponents(fixed(obs.mean_opponent_efficiency));
  const network = t.network(info.rivals.length + 1) + opponents +
    (info.last_action === null ? t.firstRound : t.totalD(fixed(
      info.last_action[2] + info.rivals.reduce((s, r) => s + (r.last_action?.[2] ?? 0), 0),
    )));
  const h = info.honest_group;
  const honest = t.honest(
    fixed(h.hash_power),
    withTrend(t, h.efficiency, previous?.honest),
    t.level[level(h.efficiency, config.eta_min)],
    fixed(h.cumulative_reward),
  );
  const ownEta = withTrend(t, info.efficiency, info.efficiency - obs.efficiency_change);
  const you = info.last_action === null
    ? t.youNone(fixed(obs.alpha), fixed(info.efficiency))
    : t.you(
      fixed(obs.alpha),
      move(info.last_action),
      fixed(obs.last_reward),
      ownEta,
      t.level[level(info.efficiency, config.eta_min)],
      fixed(obs.cumulative_reward),
    );
  const lines = [network, honest, ...rivalLines(t, input), you];
  // before the first round everyone has 0: no standings yet
  if (info.last_action !== null) lines.push(standings(t, input));
  return lines.join("\n");
}
