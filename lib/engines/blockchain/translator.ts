/**
 * The translator of the LLM miner: turns a miner's numeric observation and social info into
 * a short narrative (a few lines) in Chinese or English: the network state, the honest
 * group's efficiency and trend, each rival's strategy label and efficiency change, and the
 * miner's own efficiency change.
 *
 * Numbers are written compactly with two decimals and no leading zero (`.40`, `-.05`).
 *
 * @example
 * ```ts
 * import { num, signed } from "./translator.ts";
 * console.log(num(0.4), signed(-0.05)); // .40 -.05
 * ```
 * @module
 */
import type { BlockchainConfig } from "./config.ts";
import type { BlockchainInfo, BlockchainObs } from "./engine.ts";
import { LABELS } from "./labels.ts";

/** A prompt language. */
export type Lang = "zh" | "en";

/** The languages {@linkcode narrate} and the prompts support. */
export const LANGS: readonly Lang[] = Object.freeze(["zh", "en"]);

/** Efficiencies at one moment, used to describe changes. */
export interface EfficiencySnapshot {
  /** The miner's own efficiency. */
  own: number;
  /** The honest group's efficiency. */
  honest: number;
  /** Each rival's efficiency, by name. */
  rivals: Record<string, number>;
}

/** What {@linkcode narrate} needs. */
export interface NarrativeInput {
  /** The miner's observation now. */
  observation: BlockchainObs;
  /** The miner's social info now. */
  info: BlockchainInfo;
  /**
   * Efficiencies one round earlier, for the rivals' changes and the honest group's trend;
   * omit before the first round (nothing has changed yet).
   */
  previous?: EfficiencySnapshot;
  /** `eta_min`, the efficiency floor (for "at floor"). */
  config: Pick<BlockchainConfig, "eta_min">;
  lang: Lang;
}

/**
 * A number with `digits` decimals and no leading zero: `0.4` gives `.40`, `-0.05` gives
 * `-.05`, `12.345` gives `12.35`.
 *
 * @param x The number.
 * @param digits Decimals. @default {2}
 * @returns The compact text.
 *
 * @example
 * ```ts
 * import { num } from "./translator.ts";
 * console.log(num(0.4), num(-0.05), num(4.123)); // .40 -.05 4.12
 * ```
 */
export function num(x: number, digits = 2): string {
  const s = (Object.is(x, -0) ? 0 : x).toFixed(digits);
  return s.replace(/^(-?)0\./, "$1.").replace(/^-(\.0+)$/, "$1");
}

/**
 * A change with its sign: `+.05`, `-.10`, or `±0` when it rounds to zero.
 *
 * @param x The change.
 * @returns The compact text.
 *
 * @example
 * ```ts
 * import { signed } from "./translator.ts";
 * console.log(signed(0.05), signed(-0.1), signed(1e-12)); // +.05 -.10 ±0
 * ```
 */
export function signed(x: number): string {
  if (Math.abs(x) < 0.005) return "±0";
  return x > 0 ? `+${num(x)}` : num(x);
}

/**
 * An action `[c, p, d]` as `[.60,.30,.10]` (exact 0 and 1 as `0` and `1`).
 *
 * @param action The action.
 * @returns The compact text.
 *
 * @example
 * ```ts
 * import { cpd } from "./translator.ts";
 * console.log(cpd([0.6, 0.3, 0.1]), cpd([1, 0, 0])); // [.60,.30,.10] [1,0,0]
 * ```
 */
export function cpd(action: readonly number[]): string {
  return `[${action.map(share).join(",")}]`;
}

/** A share of effort: `0` and `1` exactly, else {@linkcode num}. */
function share(x: number): string {
  return x === 0 || x === 1 ? String(x) : num(x);
}

/**
 * The efficiencies described by `info`, as a snapshot.
 *
 * @param info A miner's social info.
 * @returns Own, honest and per-rival efficiencies.
 */
export function snapshotOf(info: BlockchainInfo): EfficiencySnapshot {
  return {
    own: info.efficiency,
    honest: info.honest_group.efficiency,
    rivals: Object.fromEntries(info.rivals.map((r) => [r.name, r.efficiency])),
  };
}

/**
 * The snapshot before the first round: everyone at `etaInit`.
 *
 * @param info Any info of the game (for the rivals' names).
 * @param etaInit The initial efficiency.
 * @returns The snapshot.
 */
export function initialSnapshot(info: BlockchainInfo, etaInit: number): EfficiencySnapshot {
  return {
    own: etaInit,
    honest: etaInit,
    rivals: Object.fromEntries(info.rivals.map((r) => [r.name, etaInit])),
  };
}

const TEXT = {
  en: {
    network: (eta: string) => `Network: others' mean η ${eta}`,
    totalD: (d: string) => `; total d last round ${d}`,
    honest: (eta: string) => `Honest group: η ${eta}`,
    trend: { rising: ", rising", falling: ", falling", floor: ", at floor", stable: ", stable" },
    rival: (name: string, label: string, d: string, eta: string) =>
      `${name}: ${label}${d}, η ${eta}.`,
    d: (d: string) => ` (d ${d})`,
    noMove: "no move yet",
    you: (eta: string) => `You: η ${eta}.`,
    end: ".",
  },
  zh: {
    network: (eta: string) => `全网：对手平均 η ${eta}`,
    totalD: (d: string) => `；上轮总 d ${d}`,
    honest: (eta: string) => `诚实群体：η ${eta}`,
    trend: { rising: "，上升", falling: "，下降", floor: "，已触底", stable: "，持平" },
    rival: (name: string, label: string, d: string, eta: string) =>
      `${name}：${label}${d}，η ${eta}。`,
    d: (d: string) => `（d ${d}）`,
    noMove: "尚未行动",
    you: (eta: string) => `你：η ${eta}。`,
    end: "。",
  },
} as const;

/** `.95 (-.05)`, or `.95` when there is nothing to compare with. */
function withChange(now: number, before: number | undefined): string {
  return before === undefined ? num(now) : `${num(now)} (${signed(now - before)})`;
}

/**
 * The narrative of a miner's situation, a few lines in `lang`.
 *
 * @param input The observation, info, the efficiencies a round earlier, config and language.
 * @returns Lines separated by `\n`: network, honest group, one per rival, yourself.
 *
 * @example
 * ```ts
 * import { BlockchainEngine } from "./engine.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * import { initialSnapshot, narrate } from "./translator.ts";
 * const config = parseBlockchainConfig({});
 * const engine = new BlockchainEngine(config);
 * engine.reset({ seed: 0 });
 * const view = engine.step({ miner_a: [1, 0, 0], miner_b: [0.4, 0.2, 0.4], miner_c: [1, 0, 0] });
 * const info = view.infos.miner_a;
 * console.log(narrate({
 *   observation: view.observations.miner_a,
 *   info,
 *   previous: initialSnapshot(info, config.eta_init),
 *   config,
 *   lang: "en",
 * }));
 * // Network: others' mean η .98; total d last round .40.
 * // Honest group: η .97 (-.03), falling.
 * // miner_b: attacker (d .40), η 1.00 (±0).
 * // miner_c: honest builder (d 0), η .97 (-.03).
 * // You: η .97 (-.03).
 * ```
 */
export function narrate(input: NarrativeInput): string {
  const { observation: obs, info, previous, config, lang } = input;
  const t = TEXT[lang];
  if (t === undefined) {
    throw new RangeError(`Cannot narrate: 'lang' must be "zh" or "en", got ${String(lang)}`);
  }
  const lines: string[] = [];
  const network = t.network(num(obs.mean_opponent_efficiency));
  if (info.last_action === null) {
    lines.push(`${network}${t.end}`);
  } else {
    const totalD = info.last_action[2] +
      info.rivals.reduce((s, r) => s + (r.last_action?.[2] ?? 0), 0);
    lines.push(`${network}${t.totalD(num(totalD))}${t.end}`);
  }
  const h = info.honest_group;
  let honest = t.honest(withChange(h.efficiency, previous?.honest));
  if (previous !== undefined) {
    const delta = h.efficiency - previous.honest;
    honest += h.efficiency <= config.eta_min + 1e-9
      ? t.trend.floor
      : delta > 1e-9
      ? t.trend.rising
      : delta < -1e-9
      ? t.trend.falling
      : t.trend.stable;
  }
  lines.push(`${honest}${t.end}`);
  for (const r of info.rivals) {
    const label = r.label === null ? t.noMove : LABELS[r.label][lang];
    const d = r.last_action === null ? "" : t.d(share(r.last_action[2]));
    lines.push(t.rival(r.name, label, d, withChange(r.efficiency, previous?.rivals[r.name])));
  }
  if (info.last_action !== null) {
    lines.push(t.you(withChange(info.efficiency, info.efficiency - obs.efficiency_change)));
  }
  return lines.join("\n");
}
