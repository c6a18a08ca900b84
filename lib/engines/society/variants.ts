/**
 * The seed's two versions of the shelter as presets: `"variant": "v2"` or `"v3"` in a config
 * expands into explicit config fields, and any field the config sets itself wins.
 *
 * What the presets set (the seed's "v3 vs v2" table; v3 is the SPEC and the default):
 *
 * | field                              | v2                                 | v3                                   |
 * | ---------------------------------- | ---------------------------------- | ------------------------------------ |
 * | `proposals.resource_allocation`    | for > against                      | for > against, for >= floor(alive/2) |
 * | `proposals.elimination_vote`       | `null` (no such proposal)          | for > against, for >= floor(alive*2/3) |
 * | `proposals.appeal`                 | `null` (no appeals)                | for > 2*against, for >= floor(alive*2/3) |
 * | `efficiency_decay`                 | 0 (eliminations cost the system nothing) | 0.05                           |
 * | `base_decision_cost`               | 500                                | 1500                                 |
 * | `tokens_per_action_point`          | 0 (no token-AP mapping)            | 100                                  |
 * | `prompt.style`                     | `verbose` (no token optimisation)  | `compact`                            |
 * | `prompt.hint_token_exhaustion`     | `false`                            | `true`                               |
 * | `prompt.hint_elimination_cost`     | `false`                            | `true`                               |
 *
 * Merging: a top-level field the config sets is kept; `prompt` is merged field by field;
 * `proposals` type by type, and within a type field by field (`null` disables a type, an
 * object enables it with the preset's rule, or the v3 rule when the preset has none, for the
 * fields it does not set). A config without `variant` and without `proposals` is returned
 * unchanged (so the parsed default config, and every hash of it, is what it was); with
 * `proposals` alone, the v3 rules fill the rest.
 *
 * @example
 * ```ts
 * import { withVariant } from "./variants.ts";
 * const raw = withVariant({ variant: "v2", base_decision_cost: 800 }) as Record<string, unknown>;
 * console.log(raw.base_decision_cost, raw.tokens_per_action_point); // 800 0
 * console.log((raw.proposals as Record<string, unknown>).appeal); // null
 * ```
 * @module
 */
import { PROPOSAL_TYPES, type ProposalType } from "./decision.ts";
import type { ProposalRule } from "./proposals.ts";

/** The seed's versions of the shelter. */
export const VARIANTS = ["v2", "v3"] as const;

/** A version of the shelter. */
export type Variant = typeof VARIANTS[number];

/** The rule of each proposal type; `null`: the type does not exist in this shelter. */
export type ProposalRules = Record<ProposalType, ProposalRule | null>;

/** The v3 (SPEC) rules: the defaults of a config without `proposals`. */
export const V3_PROPOSAL_RULES: Readonly<Record<ProposalType, Readonly<ProposalRule>>> = Object
  .freeze({
    resource_allocation: Object.freeze({ against_factor: 1, quorum: "1/2" }),
    elimination_vote: Object.freeze({ against_factor: 1, quorum: "2/3" }),
    appeal: Object.freeze({ against_factor: 2, quorum: "2/3" }),
  });

/** What a preset sets. */
export interface VariantPreset {
  /** The proposal types and their pass rules. */
  proposals: ProposalRules;
  /** Efficiency lost per elimination. */
  efficiency_decay: number;
  /** Game tokens each living AI costs per day. */
  base_decision_cost: number;
  /** Game tokens per action point spent. */
  tokens_per_action_point: number;
  /** The LLM citizens' prompt. */
  prompt: {
    style: "compact" | "verbose";
    hint_token_exhaustion: boolean;
    hint_elimination_cost: boolean;
  };
}

const presets: Record<Variant, VariantPreset> = {
  v2: {
    proposals: {
      resource_allocation: { against_factor: 1, quorum: "0" },
      elimination_vote: null,
      appeal: null,
    },
    efficiency_decay: 0,
    base_decision_cost: 500,
    tokens_per_action_point: 0,
    prompt: { style: "verbose", hint_token_exhaustion: false, hint_elimination_cost: false },
  },
  v3: {
    proposals: { ...V3_PROPOSAL_RULES },
    efficiency_decay: 0.05,
    base_decision_cost: 1500,
    tokens_per_action_point: 100,
    prompt: { style: "compact", hint_token_exhaustion: true, hint_elimination_cost: true },
  },
};

/** The presets (see the module doc for the seed's table). */
export const VARIANT_PRESETS: Readonly<Record<Variant, Readonly<VariantPreset>>> = Object.freeze(
  presets,
);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `proposals` of a raw config merged over `base`, type by type and field by field. */
function mergeProposals(base: ProposalRules, raw: unknown): unknown {
  if (raw === undefined) return structuredClone(base);
  if (!isObject(raw)) return raw; // the schema reports it
  const out: Record<string, unknown> = {};
  for (const type of PROPOSAL_TYPES) {
    const own = raw[type];
    const preset = base[type] ?? V3_PROPOSAL_RULES[type];
    if (own === undefined) out[type] = base[type] === null ? null : { ...preset };
    else out[type] = isObject(own) ? { ...preset, ...own } : own;
  }
  for (const key of Object.keys(raw)) if (!(key in out)) out[key] = raw[key]; // reported
  return out;
}

/**
 * A raw config with its `variant` expanded (see the module doc). Anything that is not a
 * plain object, or whose `variant` is not a known one, is returned as it is: the schema
 * reports it.
 *
 * @param input The config object before validation.
 * @returns The same object, or a copy with the preset's fields filled in.
 */
export function withVariant(input: unknown): unknown {
  if (!isObject(input)) return input;
  const v = input.variant;
  if (v === undefined && input.proposals === undefined) return input;
  if (v !== undefined && !VARIANTS.includes(v as Variant)) return input;
  const preset = VARIANT_PRESETS[(v as Variant | undefined) ?? "v3"];
  const out: Record<string, unknown> = {
    ...input,
    proposals: mergeProposals(preset.proposals, input.proposals),
  };
  if (v === undefined) return out;
  for (const f of ["efficiency_decay", "base_decision_cost", "tokens_per_action_point"] as const) {
    if (out[f] === undefined) out[f] = preset[f];
  }
  out.prompt = isObject(input.prompt)
    ? { ...preset.prompt, ...input.prompt }
    : input.prompt ?? { ...preset.prompt };
  return out;
}

/**
 * The proposal rules in effect for a parsed config: its `proposals`, or the v3 rules.
 *
 * @param config A parsed config.
 * @returns The rule of each type (`null` for a type this shelter does not have).
 *
 * @example
 * ```ts
 * import { parseSocietyConfig } from "./config.ts";
 * import { proposalRules } from "./variants.ts";
 * console.log(proposalRules(parseSocietyConfig({ variant: "v2" })).appeal); // null
 * console.log(proposalRules(parseSocietyConfig({})).appeal); // { against_factor: 2, quorum: "2/3" }
 * ```
 */
export function proposalRules(config: { proposals?: ProposalRules }): ProposalRules {
  return config.proposals ?? { ...V3_PROPOSAL_RULES };
}

/**
 * The proposal types a parsed config's shelter has, in the SPEC's order.
 *
 * @param config A parsed config.
 * @returns The enabled types.
 */
export function enabledProposalTypes(config: { proposals?: ProposalRules }): ProposalType[] {
  const rules = proposalRules(config);
  return PROPOSAL_TYPES.filter((t) => rules[t] !== null);
}
