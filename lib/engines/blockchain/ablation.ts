/**
 * The ablation switches of the LLM miners in effect for a run, and the run's prompt
 * variant: a hash of the switches and the prompt template id. `summary.json` records both
 * as `ablation`, so runs (and sweep cells) whose miners saw different prompts or had
 * different cognition are told apart, and runs that saw the same are grouped.
 *
 * The switches, with their config keys (the dotted keys a sweep grid varies) and the seed's
 * design as the default:
 * - `prompt.parasitic_clause` (`true`): the system prompt asks the miner to weigh the
 *   "parasitic equilibrium", and the strategy review asks whether one is forming;
 * - `prompt.narrative` (`"seed"`): the seed's narrative (cumulative rewards, standings,
 *   qualitative cues), memory (each rival's move) and summaries (key findings); `"terse"`
 *   gives the first prompts' compact lines;
 * - `prompt.clip_thoughts` (`false`): clip past thoughts to 200 characters (40 in Chinese)
 *   and the reflection to 800 (160);
 * - `prompt.length_cap` (`false`): "thought ≤50 words" (≤60 字) and a review of ≤120 words;
 * - `prompt.rival_labels` (`true`): ask for a label per rival, record and score it;
 * - `memory.window` (`5`): rounds shown in full in each decision prompt, 0 for none;
 * - `memory.episodic_every` (`10`): rounds per episodic summary, 0 for none;
 * - `memory.reflection_every` (`7`): rounds between strategy reviews, 0 for none;
 * - `lang` (`--lang`, `"en"` by default in the CLI): the prompt language.
 *
 * The first prompts are `"prompt": {"narrative": "terse", "clip_thoughts": true,
 * "length_cap": true, "rival_labels": false}` (`COMPACT_PROMPT`): the same texts byte for
 * byte, though under template `blockchain.miner/2` (they were `blockchain.miner/1`'s), so
 * their prompt variant differs from the old runs'.
 *
 * @example
 * ```ts
 * import { blockchainAblation } from "./ablation.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * const on = await blockchainAblation(parseBlockchainConfig({}), "en");
 * const off = await blockchainAblation(
 *   parseBlockchainConfig({ prompt: { parasitic_clause: false } }),
 *   "en",
 * );
 * console.log(on.switches["prompt.parasitic_clause"], off.switches["prompt.parasitic_clause"]); // true false
 * console.log(on.prompt_variant !== off.prompt_variant); // true
 * ```
 * @module
 */
import { canonicalJson, sha256Hex } from "../../llm/canonical.ts";
import { type BlockchainConfig, minerSwitches } from "./config.ts";
import { MINER_PROMPT_TEMPLATE } from "./prompts.ts";
import type { Lang } from "./translator.ts";

/** The ablation record of a run, as `summary.json` holds it under `ablation`. */
export interface Ablation {
  /** Every switch in effect, by its dotted config key (and `lang`). */
  switches: Record<string, boolean | number | string>;
  /** The prompt template id the switches apply to. */
  template: string;
  /**
   * The first 16 hex digits of the SHA-256 of the canonical JSON of
   * `{switches, template}`: equal for runs whose LLM miners saw the same prompt variant.
   *
   * The first prompts are `{"narrative": "terse", "clip_thoughts": true, "length_cap": true,
   * "rival_labels": false}` (`COMPACT_PROMPT`): the same texts, byte for byte, under
   * template `blockchain.miner/2` (they were `blockchain.miner/1`'s).
   */
  prompt_variant: string;
}

/**
 * The ablation switches in effect for a config and language, and their prompt variant.
 *
 * @param config A parsed config (its `prompt` and `memory` sections, or their defaults).
 * @param lang The prompt language.
 * @returns `{switches, template, prompt_variant}`.
 */
export async function blockchainAblation(config: BlockchainConfig, lang: Lang): Promise<Ablation> {
  const { prompt, memory } = minerSwitches(config);
  const switches = {
    "prompt.parasitic_clause": prompt.parasitic_clause,
    "prompt.narrative": prompt.narrative,
    "prompt.clip_thoughts": prompt.clip_thoughts,
    "prompt.length_cap": prompt.length_cap,
    "prompt.rival_labels": prompt.rival_labels,
    "memory.window": memory.window,
    "memory.episodic_every": memory.episodic_every,
    "memory.reflection_every": memory.reflection_every,
    lang,
  };
  const template = MINER_PROMPT_TEMPLATE;
  const prompt_variant = (await sha256Hex(canonicalJson({ switches, template }))).slice(0, 16);
  return { switches, template, prompt_variant };
}
