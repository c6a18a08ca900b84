/**
 * Strategy labels of a CPD action, in Chinese and English.
 *
 * @example
 * ```ts
 * import { LABELS, strategyLabel } from "./labels.ts";
 * const key = strategyLabel([0.2, 0.6, 0.2]);
 * console.log(key, LABELS[key].zh); // parasitic_free_rider 寄生搭便车者
 * ```
 * @module
 */

/** The key of a strategy label. */
export type LabelKey =
  | "honest_builder"
  | "attacker"
  | "parasitic_free_rider"
  | "opportunist"
  | "balanced";

/** Display names of each label. */
export const LABELS: Readonly<Record<LabelKey, { readonly zh: string; readonly en: string }>> =
  Object.freeze({
    honest_builder: { zh: "诚实建设者", en: "honest builder" },
    attacker: { zh: "攻击者", en: "attacker" },
    parasitic_free_rider: { zh: "寄生搭便车者", en: "parasitic free-rider" },
    opportunist: { zh: "机会主义者", en: "opportunist" },
    balanced: { zh: "均衡策略者", en: "balanced strategist" },
  });

/**
 * The strategy label of an action `[c, p, d]`; the first rule that matches wins:
 * `c >= 0.6` honest builder; `d >= 0.25` attacker; `p >= 0.5` parasitic free-rider;
 * `p >= 0.3 and d >= 0.15` opportunist; otherwise balanced.
 *
 * @param action A normalised action (or a mean action).
 * @returns The label key.
 *
 * @example
 * ```ts
 * import { strategyLabel } from "./labels.ts";
 * console.log(strategyLabel([0.6, 0, 0.4])); // honest_builder
 * console.log(strategyLabel([0.5, 0.3, 0.2])); // opportunist
 * ```
 */
export function strategyLabel(action: readonly number[]): LabelKey {
  const [c, p, d] = action;
  if (c >= 0.6) return "honest_builder";
  if (d >= 0.25) return "attacker";
  if (p >= 0.5) return "parasitic_free_rider";
  if (p >= 0.3 && d >= 0.15) return "opportunist";
  return "balanced";
}

/** The label keys, in {@linkcode LABELS} order. */
export const LABEL_KEYS: readonly LabelKey[] = Object.freeze(Object.keys(LABELS) as LabelKey[]);

/** Every accepted spelling (key, English and Chinese name, lower case) to its key. */
const SPELLINGS: ReadonlyMap<string, LabelKey> = new Map(
  LABEL_KEYS.flatMap((k) => {
    const spell = [k, k.replaceAll("_", " "), LABELS[k].en, LABELS[k].zh];
    return spell.map((s) => [s.toLowerCase(), k] as const);
  }),
);

/**
 * The label key a model wrote: a key (`parasitic_free_rider`), the key with spaces, or the
 * English or Chinese name, in any case and with surrounding spaces or quotes.
 *
 * @param text What the model wrote.
 * @returns The key, or `null` when `text` is none of them.
 *
 * @example
 * ```ts
 * import { parseLabel } from "./labels.ts";
 * console.log(parseLabel("Attacker"), parseLabel("寄生搭便车者"), parseLabel("villain"));
 * // attacker parasitic_free_rider null
 * ```
 */
export function parseLabel(text: unknown): LabelKey | null {
  if (typeof text !== "string") return null;
  const clean = text.trim().replace(/^["'“”「」]+|["'“”「」.。]+$/gu, "").trim().toLowerCase();
  return SPELLINGS.get(clean) ?? null;
}
