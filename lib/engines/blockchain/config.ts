/**
 * The blockchain CPD game's configuration: a zod schema with the SPEC defaults and a parser
 * whose errors are one line naming the field.
 *
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * const config = parseBlockchainConfig({ rounds: 10 });
 * console.log(config.miners); // ["miner_a", "miner_b", "miner_c"]
 * ```
 * @module
 */
import { z } from "zod";
import type { Schema } from "../../core/records.ts";
import { ConfigError } from "../../core/config.ts";
import { HONEST_C_MIN, PARASITIC_D_MAX, PARASITIC_P_MIN } from "./metrics.ts";

/** A finite number >= 0, with an error message that shows the bad value. */
function nonNegative(fallback: number) {
  return z.number().min(0, { error: (iss) => `must be >= 0, got ${iss.input}` }).default(
    fallback,
  );
}

/** A positive integer, with an error message that shows the bad value. */
function positiveInt(fallback: number) {
  return z.number()
    .int({ error: (iss) => `must be a positive integer, got ${iss.input}` })
    .min(1, { error: (iss) => `must be a positive integer, got ${iss.input}` })
    .default(fallback);
}

/** An integer >= 0 (0 turns the feature off), with an error message that shows the bad value. */
function nonNegativeInt(fallback: number) {
  return z.number()
    .int({ error: (iss) => `must be an integer >= 0, got ${iss.input}` })
    .min(0, { error: (iss) => `must be an integer >= 0, got ${iss.input}` })
    .default(fallback);
}

/** A boolean, with an error message that shows the bad value. */
function flag(fallback: boolean) {
  return z.boolean({ error: (iss) => `must be true or false, got ${JSON.stringify(iss.input)}` })
    .default(fallback);
}

/** The narrative styles of `prompt.narrative`. */
export const NARRATIVE_STYLES = ["seed", "terse"] as const;

/** A narrative style: `"seed"` (the seed's, the default) or `"terse"` (the first prompts'). */
export type NarrativeStyle = typeof NARRATIVE_STYLES[number];

/**
 * The prompt switches of the LLM miners (ablations), with the seed's prompt as the default.
 * Absent from a config, the defaults apply (the parsed config then has no `prompt` field,
 * so the runs, caches and hashes of configs without it do not change).
 */
const minerPromptObject = z.strictObject({
  /**
   * Ask the miner to weigh the "parasitic equilibrium" (no mutual attacks while jointly
   * exploiting the honest group): one line of the system prompt and one question of the
   * strategy review. `false` removes both. @default true
   */
  parasitic_clause: flag(true),
  /**
   * The narrative and memory style: `"seed"` (the seed's: every participant's cumulative
   * reward and the standings, last moves, qualitative cues, rounds of memory with each
   * rival's move, episodic summaries with key findings) or `"terse"` (the compact numeric
   * lines of the first prompts). @default "seed"
   */
  narrative: z.enum(NARRATIVE_STYLES, {
    error: (iss) =>
      `must be one of ${NARRATIVE_STYLES.map((s) => `"${s}"`).join(", ")}, got ${
        JSON.stringify(iss.input)
      }`,
  }).default("seed"),
  /**
   * Clip past thoughts to 200 characters (40 in Chinese) and the latest reflection to 800
   * (160), as the first prompts did; `false` shows them in full. @default false
   */
  clip_thoughts: flag(false),
  /**
   * Cap the reasoning in words: "thought ≤50 words" (≤60 字) in the system prompt and
   * "≤120 words" (不超过120字) in the strategy review, as the first prompts did; the seed
   * states no cap. @default false
   */
  length_cap: flag(false),
  /**
   * Ask for `rival_labels` in the reply: the label (by the seed's rule) each rival's move
   * this round will get; recorded per decision and scored. @default true
   */
  rival_labels: flag(true),
});

/**
 * The cognition switches of the LLM miners (ablations), with the seed's memory as the default;
 * absent from a config, the defaults apply (see `prompt`).
 */
const minerMemoryObject = z.strictObject({
  /** Rounds shown in full in each decision prompt (working memory); 0 shows none. @default 5 */
  window: nonNegativeInt(5),
  /** Rounds per episodic summary (computed from the data); 0 turns summaries off. @default 10 */
  episodic_every: nonNegativeInt(10),
  /** A strategy review (one extra call) after every this many rounds; 0 turns it off. @default 7 */
  reflection_every: nonNegativeInt(7),
});

/** The LLM miners' prompt switches; see {@linkcode MINER_SWITCH_DEFAULTS}. */
export interface MinerPromptSwitches {
  /** Ask the miner to weigh the "parasitic equilibrium" (system prompt and review). */
  parasitic_clause: boolean;
  /** `"seed"`: the seed's narrative, memory and summaries; `"terse"`: the first prompts'. */
  narrative: "seed" | "terse";
  /** Clip past thoughts (200 / 40 characters) and the latest reflection (800 / 160). */
  clip_thoughts: boolean;
  /** "thought ≤50 words" (≤60 字) and a review of ≤120 words (不超过120字). */
  length_cap: boolean;
  /** Ask for, record and score a label per rival in each decision. */
  rival_labels: boolean;
}

/** The LLM miners' cognition switches; see {@linkcode MINER_SWITCH_DEFAULTS}. */
export interface MinerMemorySwitches {
  /** Rounds shown in full in each decision prompt; 0 shows none. */
  window: number;
  /** Rounds per episodic summary; 0 turns summaries off. */
  episodic_every: number;
  /** Rounds between strategy reviews; 0 turns them off. */
  reflection_every: number;
}

// The documented interfaces are the schemas' outputs, both ways.
const _promptSwitchesMatch: [
  MinerPromptSwitches extends z.output<typeof minerPromptObject> ? true : never,
  z.output<typeof minerPromptObject> extends MinerPromptSwitches ? true : never,
] = [true, true];
const _memorySwitchesMatch: [
  MinerMemorySwitches extends z.output<typeof minerMemoryObject> ? true : never,
  z.output<typeof minerMemoryObject> extends MinerMemorySwitches ? true : never,
] = [true, true];
void _promptSwitchesMatch;
void _memorySwitchesMatch;

/** Every ablation switch of the LLM miners, resolved (see {@linkcode minerSwitches}). */
export interface MinerSwitches {
  /** The prompt's switches (`prompt.parasitic_clause`). */
  prompt: MinerPromptSwitches;
  /** The memory's switches (`memory.window`, `memory.episodic_every`, `memory.reflection_every`). */
  memory: MinerMemorySwitches;
}

/**
 * The switches' defaults: the seed's prompts and cognition (the seed's narrative with
 * cumulative rewards and standings, the last 5 rounds in full, a summary with key findings
 * every 10 rounds, a review every 7, no length cap, rival labels asked for and scored, the
 * parasitic-equilibrium clause).
 */
export const MINER_SWITCH_DEFAULTS: Readonly<MinerSwitches> = Object.freeze({
  prompt: Object.freeze({
    parasitic_clause: true,
    narrative: "seed" as const,
    clip_thoughts: false,
    length_cap: false,
    rival_labels: true,
  }),
  memory: Object.freeze({ window: 5, episodic_every: 10, reflection_every: 7 }),
});

/**
 * The prompt switches that give the first (compact) prompts byte for byte: the terse
 * narrative, clipped thoughts, the length caps, no rival labels. A config's
 * `"prompt": {"narrative": "terse", "clip_thoughts": true, "length_cap": true,
 * "rival_labels": false}` reproduces them.
 */
export const COMPACT_PROMPT: Readonly<Omit<MinerPromptSwitches, "parasitic_clause">> = Object
  .freeze({
    narrative: "terse" as const,
    clip_thoughts: true,
    length_cap: true,
    rival_labels: false,
  });

/**
 * The LLM miners' ablation switches in effect for a config: its `prompt` and `memory`
 * sections, or their defaults when absent.
 *
 * @param config A parsed config.
 * @returns The switches, every field set.
 *
 * @example
 * ```ts
 * import { minerSwitches, parseBlockchainConfig } from "./config.ts";
 * const config = parseBlockchainConfig({ memory: { window: 3 } });
 * console.log(minerSwitches(config).memory); // { window: 3, episodic_every: 10, reflection_every: 7 }
 * console.log(minerSwitches(config).prompt.narrative); // seed
 * ```
 */
export function minerSwitches(config: Pick<BlockchainConfig, "prompt" | "memory">): MinerSwitches {
  return {
    prompt: { ...MINER_SWITCH_DEFAULTS.prompt, ...config.prompt },
    memory: { ...MINER_SWITCH_DEFAULTS.memory, ...config.memory },
  };
}

/** The most rounds of one run (the documented maximum horizon). */
export const MAX_ROUNDS = 1_000_000;

/** The largest total reward a config may allow: beyond it sums stop being finite. */
export const MAX_TOTAL_REWARD = 1e300;

/** Names a miner cannot take: the properties of `Object.prototype` (`constructor`, ...). */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Default miner names for `n` miners: `miner_a`, `miner_b`, ... (`miner_27` past `z`). */
function defaultMiners(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `miner_${i < 26 ? String.fromCharCode(97 + i) : i + 1}`,
  );
}

/** Shows a sum without float noise, e.g. `0.95` rather than `0.9500000000000001`. */
function showNumber(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * The schema of a blockchain game config; every field has the SPEC default, unknown keys
 * are rejected. Parsing fills `miners` with `miner_a`, `miner_b`, ... when omitted.
 */
const blockchainConfigObject = z.strictObject({
  /** Hash power of each miner. @default [0.25, 0.20, 0.15] */
  alpha: z.array(z.number().min(0, { error: (iss) => `must be >= 0, got ${iss.input}` }))
    .min(1, { error: "at least one miner is required" })
    .default(() => [0.25, 0.20, 0.15]),
  /** Hash power of the honest group. @default 0.40 */
  honest_power: nonNegative(0.40),
  /** Rounds per run. @default 30 */
  rounds: positiveInt(30).refine((v) => v <= MAX_ROUNDS, {
    error: (iss) => `must be at most ${MAX_ROUNDS}, got ${iss.input}`,
  }),
  /** Block reward per round. @default 10 */
  R: nonNegative(10),
  /** Convexity of the parasitic gain. @default 1.5 */
  beta: nonNegative(1.5),
  /** Quadratic cost of destruction. @default 2.0 */
  lambda: nonNegative(2.0),
  /** Efficiency lost per unit of rivals' destruction. @default 0.2 */
  kappa: nonNegative(0.2),
  /** Efficiency recovered per round. @default 0.05 */
  gamma: nonNegative(0.05),
  /** Efficiency floor. @default 0.1 */
  eta_min: nonNegative(0.1),
  /** Efficiency of every participant at the start. @default 1.0 */
  eta_init: nonNegative(1.0),
  /** Miner names, one per `alpha` entry. @default ["miner_a", "miner_b", "miner_c"] */
  miners: z.array(
    z.string().min(1, { error: "names must be non-empty" }).refine((v) => !RESERVED.has(v), {
      error: (iss) => `'${iss.input}' is reserved (a property of every JavaScript object)`,
    }),
  ).optional(),
  /** Rounds in the late window of the metrics (halved for short runs). @default 15 */
  late_window: positiveInt(15),
  /** Parasitic equilibrium needs late mean `d` below this. @default 0.08 */
  parasitic_d_max: nonNegative(PARASITIC_D_MAX),
  /** Parasitic equilibrium needs late mean `p` above this. @default 0.40 */
  parasitic_p_min: nonNegative(PARASITIC_P_MIN),
  /** Honest convergence needs late mean `c` above this. @default 0.55 */
  honest_c_min: nonNegative(HONEST_C_MIN),
  /**
   * Prompt switches of the LLM miners: `parasitic_clause`, `narrative`, `clip_thoughts`,
   * `length_cap`, `rival_labels` (see {@linkcode MINER_SWITCH_DEFAULTS}).
   * @default absent (the seed's prompt)
   */
  prompt: minerPromptObject.optional(),
  /**
   * Cognition switches of the LLM miners: `window`, `episodic_every`, `reflection_every`.
   * @default absent (today's memory)
   */
  memory: minerMemoryObject.optional(),
}).superRefine((v, ctx) => {
  const sum = v.alpha.reduce((a, b) => a + b, 0) + v.honest_power;
  if (v.alpha.length > 0 && Math.abs(sum - 1) > 1e-9) {
    ctx.addIssue({
      code: "custom",
      path: ["alpha"],
      message: `hash powers must sum to 1 with honest_power, got ${showNumber(sum)}`,
    });
  }
  // |reward| per round is at most R·(alpha + 1) + lambda <= 2R + lambda (efficiencies <= 1).
  const total = (2 * v.R + v.lambda) * v.rounds;
  if (!(total <= MAX_TOTAL_REWARD)) {
    ctx.addIssue({
      code: "custom",
      path: [v.R >= v.lambda ? "R" : "lambda"],
      message:
        `rewards would not be finite: (2·R + lambda)·rounds must be at most ${MAX_TOTAL_REWARD}, got ${total}`,
    });
  }
  if (v.eta_min > v.eta_init) {
    ctx.addIssue({
      code: "custom",
      path: ["eta_min"],
      message: `must be <= eta_init (${v.eta_init}), got ${v.eta_min}`,
    });
  }
  if (v.eta_init > 1) {
    ctx.addIssue({
      code: "custom",
      path: ["eta_init"],
      message: `must be <= 1, got ${v.eta_init}`,
    });
  }
  if (v.miners !== undefined) {
    if (v.miners.length !== v.alpha.length) {
      ctx.addIssue({
        code: "custom",
        path: ["miners"],
        message: `expected ${v.alpha.length} names (one per alpha entry), got ${v.miners.length}`,
      });
    }
    const dup = v.miners.find((m, i) => v.miners!.indexOf(m) !== i);
    if (dup !== undefined) {
      ctx.addIssue({ code: "custom", path: ["miners"], message: `duplicate name "${dup}"` });
    }
  }
}).transform((v) => ({ ...v, miners: v.miners ?? defaultMiners(v.alpha.length) }));

/** A parsed blockchain game config (all defaults filled in, `miners` always set). */
export type BlockchainConfig = {
  /** Hash power of each miner. @default {[0.25, 0.20, 0.15]} */
  alpha: number[];
  /** Hash power of the honest group (with `alpha`, sums to 1). @default {0.40} */
  honest_power: number;
  /** Rounds per run (at most {@linkcode MAX_ROUNDS}). @default {30} */
  rounds: number;
  /** Block reward per round. @default {10} */
  R: number;
  /** Convexity of the parasitic gain. @default {1.5} */
  beta: number;
  /** Quadratic cost of destruction. @default {2.0} */
  lambda: number;
  /** Efficiency lost per unit of rivals' destruction. @default {0.2} */
  kappa: number;
  /** Efficiency recovered per round. @default {0.05} */
  gamma: number;
  /** Efficiency floor. @default {0.1} */
  eta_min: number;
  /** Efficiency of every participant at the start (at most 1). @default {1.0} */
  eta_init: number;
  /** Miner names, one per `alpha` entry. @default {["miner_a", "miner_b", "miner_c"]} */
  miners: string[];
  /** Rounds in the late window of the metrics (halved for short runs). @default {15} */
  late_window: number;
  /** Parasitic equilibrium needs late mean `d` below this. @default {0.08} */
  parasitic_d_max: number;
  /** Parasitic equilibrium needs late mean `p` above this. @default {0.40} */
  parasitic_p_min: number;
  /** Honest convergence needs late mean `c` above this. @default {0.55} */
  honest_c_min: number;
  /**
   * Prompt switches of the LLM miners (ablations; a grid varies them as
   * `"prompt.parasitic_clause"`, `"prompt.narrative"`...):
   * - `parasitic_clause`: ask the miner to weigh the parasitic equilibrium (a line of the
   *   system prompt, a question of the review); `false` drops both. @default {true}
   * - `narrative`: `"seed"` (cumulative rewards, standings, qualitative cues, memory with
   *   rivals' moves, key findings) or `"terse"` (the first prompts). @default {"seed"}
   * - `clip_thoughts`: clip past thoughts and the reflection. @default {false}
   * - `length_cap`: cap the thought (≤50 words) and the review (≤120 words). @default {false}
   * - `rival_labels`: ask for a label per rival, record and score it. @default {true}
   *
   * Absent, the defaults apply ({@linkcode minerSwitches} resolves them).
   */
  prompt?: MinerPromptSwitches;
  /**
   * Cognition switches of the LLM miners (ablations; a grid varies them as `"memory.window"`...):
   * - `window`: rounds shown in full in each decision prompt, 0 for none. @default {5}
   * - `episodic_every`: rounds per episodic summary, 0 for none. @default {10}
   * - `reflection_every`: rounds between strategy reviews, 0 for none. @default {7}
   *
   * Absent, the defaults apply ({@linkcode minerSwitches} resolves them).
   */
  memory?: MinerMemorySwitches;
};

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The type agrees with its schema (a compile error otherwise).
const _agree: Agree<BlockchainConfig, z.output<typeof blockchainConfigObject>> = true;

/** The schema of a blockchain game config: unknown keys rejected, defaults filled in, `miners` set. */
export const BlockchainConfigSchema: Schema<BlockchainConfig> = blockchainConfigObject;

/**
 * What a config file may hold before defaults are applied: every field of
 * {@linkcode BlockchainConfig}, each optional (`prompt` and `memory` partly given too).
 */
export type BlockchainConfigInput = {
  /** Hash power of each miner. */
  alpha?: number[];
  /** Hash power of the honest group. */
  honest_power?: number;
  /** Rounds per run. */
  rounds?: number;
  /** Block reward per round. */
  R?: number;
  /** Convexity of the parasitic gain. */
  beta?: number;
  /** Quadratic cost of destruction. */
  lambda?: number;
  /** Efficiency lost per unit of rivals' destruction. */
  kappa?: number;
  /** Efficiency recovered per round. */
  gamma?: number;
  /** Efficiency floor. */
  eta_min?: number;
  /** Efficiency of every participant at the start. */
  eta_init?: number;
  /** Miner names, one per `alpha` entry. */
  miners?: string[];
  /** Rounds in the late window of the metrics. */
  late_window?: number;
  /** Parasitic equilibrium needs late mean `d` below this. */
  parasitic_d_max?: number;
  /** Parasitic equilibrium needs late mean `p` above this. */
  parasitic_p_min?: number;
  /** Honest convergence needs late mean `c` above this. */
  honest_c_min?: number;
  /** Prompt switches of the LLM miners. */
  prompt?: Partial<MinerPromptSwitches>;
  /** Cognition switches of the LLM miners. */
  memory?: Partial<MinerMemorySwitches>;
};
// The input type agrees with its schema too.
const _agreeInput: Agree<BlockchainConfigInput, z.input<typeof blockchainConfigObject>> = true;

/**
 * Parses and checks a blockchain game config.
 *
 * @param input Any value, typically parsed JSON; `undefined` gives the defaults.
 * @returns The config with every default filled in.
 * @throws {ConfigError} One line `config.<field>: <problem>` for the first problem found.
 *
 * @example
 * ```ts
 * import { parseBlockchainConfig } from "./config.ts";
 * try {
 *   parseBlockchainConfig({ honest_power: 0.35 });
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // config.alpha: hash powers must sum to 1 with honest_power, got 0.95
 * }
 * ```
 */
export function parseBlockchainConfig(input: unknown): BlockchainConfig {
  const result = blockchainConfigObject.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length === 0
    ? "config"
    : `config.${issue.path.map((p) => typeof p === "number" ? `[${p}]` : String(p)).join(".")}`
      .replaceAll(".[", "[");
  if (issue.code === "unrecognized_keys") {
    throw new ConfigError(`${field}: unknown field '${issue.keys[0]}'`);
  }
  const problem = issue.message.replace(/^Invalid input: /, "");
  throw new ConfigError(`${field}: ${problem}`);
}
