/**
 * One palette for every chart of a report: agents get colours by name (the same agent has the
 * same colour in every chart of the report), from a categorical scheme that holds none of the
 * colours reserved for meanings (effort kinds, verdicts, phases), and legends share titles.
 *
 * @example
 * ```ts
 * import { agentScale } from "./palette.ts";
 * const scale = agentScale(["miner_b", "miner_a"]);
 * console.log(scale.domain); // ["miner_a", "miner_b"]
 * console.log(scale.range.length); // 2
 * ```
 * @module
 */

/**
 * Colours for agents: Tableau-like hues without the reds, oranges and greens that carry a
 * meaning elsewhere (destroy, parasitise, construct, valid/invalid).
 */
export const AGENT_COLORS: readonly string[] = Object.freeze([
  "#4e79a7", // blue
  "#b07aa1", // purple
  "#76b7b2", // teal
  "#9c755f", // brown
  "#edc948", // yellow
  "#ff9da7", // pink
  "#bab0ac", // grey
  "#1f3b73", // navy
  "#6b4c9a", // violet
  "#2f8f8a", // dark teal
  "#7f6a3d", // olive brown
  "#c9a227", // ochre
]);

/** Colours with a fixed meaning, shared by every engine's charts. */
export const MEANING_COLORS: Readonly<
  Record<
    "construct" | "parasitic" | "destroy" | "valid" | "invalid" | "neutral" | "reference",
    string
  >
> = Object.freeze({
  construct: "#59a14f",
  parasitic: "#f28e2b",
  destroy: "#e15759",
  valid: "#59a14f",
  invalid: "#b00020",
  neutral: "#8c8c8c",
  reference: "#555555",
});

/** Legend titles used by every chart, so the same thing is named the same way everywhere. */
export const LEGEND_TITLES: Readonly<
  Record<"agent" | "effort" | "phase" | "provider" | "outcome", string>
> = Object.freeze({
  agent: "agent",
  effort: "effort",
  phase: "phase",
  provider: "provider",
  outcome: "outcome",
});

/** A Vega-Lite colour scale: `domain` and `range` of the same length. */
export interface ColorScale {
  /** The agent names, sorted. */
  domain: string[];
  /** One colour per name of `domain`, in the same order. */
  range: string[];
}

/**
 * The colour scale of a report's agents: names sorted, colours in order, cycling after
 * {@linkcode AGENT_COLORS} runs out. Pass the same list to every chart of a report.
 *
 * @param names Every agent of the report (order does not matter; duplicates are dropped).
 */
export function agentScale(names: readonly string[]): ColorScale {
  const domain = [...new Set(names)].sort();
  return { domain, range: domain.map((_, i) => AGENT_COLORS[i % AGENT_COLORS.length]) };
}
