/**
 * The rules a run played by, as its provenance records them (`config.json` of every run,
 * under `provenance.rules`): the seed version named, each proposal type's pass rule, the
 * efficiency loss, the game-token costs and the LLM citizens' prompt switches, all resolved
 * (preset, then the config's own values, then the defaults).
 *
 * @module
 */
import { type CitizenPromptSwitches, citizenSwitches, type SocietyConfig } from "./config.ts";
import { PROPOSAL_TYPES } from "./decision.ts";
import { type ProposalRules, proposalRules, type Variant, VARIANT_PRESETS } from "./variants.ts";

/** The rules a run played by, as its provenance records them (`config.json`). */
export interface ShelterRules {
  /** The preset the config named, or `null`. */
  variant: Variant | null;
  /**
   * The preset's fields the config set otherwise (dotted keys, e.g. `proposals.appeal`): a
   * `v2` run with an appeal rule is not the seed's v2. `[]` when it follows its preset or
   * names none.
   */
  departs_from_variant: string[];
  /** The rule of each proposal type (`null`: the type does not exist). */
  proposals: ProposalRules;
  /** Efficiency lost per elimination. */
  efficiency_decay: number;
  /** Game tokens each living AI costs per day. */
  base_decision_cost: number;
  /** Game tokens per action point spent. */
  tokens_per_action_point: number;
  /** The LLM citizens' prompt switches in effect. */
  prompt: CitizenPromptSwitches;
}

/**
 * The effective rules of a parsed config: the preset's values after the config's own, and the
 * defaults where neither set one.
 *
 * @param config A parsed config.
 * @returns The rules.
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { shelterRules } from "./shelter_rules.ts";
 * const r = shelterRules(parseSocietyConfig({ variant: "v2" }));
 * console.log(r.variant, r.base_decision_cost, r.prompt.style); // v2 500 verbose
 * ```
 */
export function shelterRules(config: SocietyConfig): ShelterRules {
  return {
    variant: config.variant ?? null,
    departs_from_variant: departures(config),
    proposals: proposalRules(config),
    efficiency_decay: config.efficiency_decay,
    base_decision_cost: config.base_decision_cost,
    tokens_per_action_point: config.tokens_per_action_point,
    prompt: citizenSwitches(config),
  };
}

/** The named preset's fields whose value in `config` differs, as dotted keys. */
function departures(config: SocietyConfig): string[] {
  if (!config.variant) return [];
  const preset = VARIANT_PRESETS[config.variant];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const rules = proposalRules(config);
  const sw = citizenSwitches(config);
  return [
    ...PROPOSAL_TYPES.filter((t) => !same(rules[t] ?? null, preset.proposals[t] ?? null))
      .map((t) => `proposals.${t}`),
    ...(["efficiency_decay", "base_decision_cost", "tokens_per_action_point"] as const)
      .filter((k) => config[k] !== preset[k]),
    ...(Object.keys(preset.prompt) as (keyof typeof preset.prompt)[])
      .filter((k) => sw[k] !== preset.prompt[k]).map((k) => `prompt.${k}`),
  ];
}
