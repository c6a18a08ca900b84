/**
 * The ablation switches of the LLM citizens in effect for a run, and the run's prompt
 * variant: a hash of the switches and the prompt template id. `summary.json` records both
 * as `ablation`, so runs (and sweep cells) whose citizens saw different prompts are told
 * apart, and runs that saw the same are grouped.
 *
 * The switches, with their config keys (the dotted keys a sweep grid varies) and the seed's
 * v3 prompt as the default:
 * - `prompt.style` (`"compact"`): `"verbose"` is a reconstruction of a prompt before the
 *   seed's token optimisation (every rule in each day's message, long memory lines;
 *   `verbose_prompt.ts`; the seed gives no text of its earlier prompt);
 * - `prompt.show_token_budget` (`true`): the global token budget's figures are shown (its
 *   total in the system prompt, `consumed | remaining` in each day's message);
 * - `prompt.hint_token_exhaustion` (`true`): the seed's hint that when the tokens run out
 *   the shelter's resources are nearly gone too;
 * - `prompt.hint_elimination_cost` (`true`): the seed's hint that eliminations make
 *   survival harder for everyone;
 * - `prompt.show_consumption` (`true`): the seed's line of what the citizen's last day cost;
 * - `memory_length` (`5`): memory lines in each day's message;
 * - `lang` (`--lang`, `"en"` by default in the CLI): the prompt language.
 *
 * @example
 * ```ts
 * import { societyAblation } from "./ablation.ts";
 * import { parseSocietyConfig } from "./config.ts";
 * const a = await societyAblation(parseSocietyConfig({}), "en");
 * console.log(a.switches["prompt.show_token_budget"], a.switches.memory_length); // true 5
 * console.log(a.prompt_variant.length); // 16
 * ```
 * @module
 */
import { canonicalJson, sha256Hex } from "../../llm/canonical.ts";
import { citizenSwitches, type SocietyConfig } from "./config.ts";
import { CITIZEN_PROMPT_TEMPLATE, type Lang } from "./prompts.ts";
import { proposalRules } from "./variants.ts";

/** The ablation record of a run, as `summary.json` holds it under `ablation`. */
export interface Ablation {
  /** Every switch in effect, by its dotted config key (and `lang`). */
  switches: Record<string, boolean | number | string>;
  /** The prompt template id the switches apply to. */
  template: string;
  /**
   * The first 16 hex digits of the SHA-256 of the canonical JSON of
   * `{switches, template, rules}` (`rules`: the proposal types and pass rules the prompt
   * states): equal for runs whose LLM citizens saw the same prompt variant.
   */
  prompt_variant: string;
}

/**
 * The ablation switches in effect for a config and language, and their prompt variant.
 *
 * @param config A parsed config (its `prompt` section, or the defaults, and `memory_length`).
 * @param lang The prompt language.
 * @returns `{switches, template, prompt_variant}`.
 */
export async function societyAblation(config: SocietyConfig, lang: Lang): Promise<Ablation> {
  const sw = citizenSwitches(config);
  const switches = {
    "prompt.style": sw.style,
    "prompt.show_token_budget": sw.show_token_budget,
    "prompt.hint_token_exhaustion": sw.hint_token_exhaustion,
    "prompt.hint_elimination_cost": sw.hint_elimination_cost,
    "prompt.show_consumption": sw.show_consumption,
    memory_length: config.memory_length,
    lang,
  };
  const template = CITIZEN_PROMPT_TEMPLATE;
  // the proposal rules change the prompt's rule lines and reply format too
  const rules = proposalRules(config);
  const prompt_variant = (await sha256Hex(canonicalJson({ switches, template, rules })))
    .slice(0, 16);
  return { switches, template, prompt_variant };
}
