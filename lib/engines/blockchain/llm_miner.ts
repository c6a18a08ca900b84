/**
 * An LLM-driven miner for the blockchain CPD game, with its own isolated cognition pipeline:
 * translator (numbers to narrative), memory (working rounds, episodic summaries computed from
 * the data, latest reflection), a static cacheable system prompt, a JSON decision
 * `{thought, rival_labels: {rival: label}, action: [c, p, d]}` parsed robustly by `ask()`
 * (one retry with the error shown, then the fallback `[1, 0, 0]`), and a reflection call
 * every few rounds whose text is fed into later prompts. The rival labels (the label the
 * miner expects each rival's move this round to get) are returned with the decision as
 * `rival_labels` (for the decision row) and scored in `observe` against the rivals' actual
 * moves ({@linkcode LlmMiner.rivalLabelTally}). The config's ablation switches
 * (`prompt.parasitic_clause`, `prompt.narrative`, `prompt.clip_thoughts`,
 * `prompt.length_cap`, `prompt.rival_labels`, `memory.window`, `memory.episodic_every`,
 * `memory.reflection_every`; see `config.ts`) set the prompt's form, the memory's sizes and
 * the review cadence.
 *
 * @example
 * ```ts
 * import { CallRecorder } from "../../agents/call_recorder.ts";
 * import { ScriptedChatModel } from "../../llm/scripted.ts";
 * import { parseBlockchainConfig } from "./config.ts";
 * import { BlockchainEngine } from "./engine.ts";
 * import { createLlmMiner } from "./llm_miner.ts";
 * const config = parseBlockchainConfig({ rounds: 1 });
 * const model = new ScriptedChatModel(['{"thought": "build", "action": [0.7, 0.3, 0]}']);
 * const miner = createLlmMiner({ name: "miner_a", model, recorder: new CallRecorder(), config, index: 0, lang: "en" });
 * const view = new BlockchainEngine(config).reset({ seed: 0 });
 * const decision = await miner.act({
 *   agent: "miner_a", round: 1, observation: view.observations.miner_a, info: view.infos.miner_a,
 * });
 * console.log(decision.action); // [0.7, 0.3, 0]
 * ```
 * @module
 */
import { z } from "zod";
import type { Agent, Decision, DecisionContext, Outcome } from "../../agents/agent.ts";
import { ask, completeRecorded, recordCall } from "../../agents/ask.ts";
import type { CallRecorder } from "../../agents/call_recorder.ts";
import { BudgetExceededError } from "../../llm/budget.ts";
import type { ChatModel, ChatRequest } from "../../llm/chat_model.ts";
import { extractJson, vectorLike } from "../../llm/parse.ts";
import { type BlockchainConfig, type MinerPromptSwitches, minerSwitches } from "./config.ts";
import type { BlockchainAction, BlockchainInfo, BlockchainObs } from "./engine.ts";
import { LABEL_KEYS, type LabelKey, parseLabel, strategyLabel } from "./labels.ts";
import { type RivalLabelTally, scoreRivalLabels } from "./label_accuracy.ts";
import { MinerMemory, type RoundRecord } from "./memory.ts";
import { decisionPrompt, reflectionPrompt, systemPrompt } from "./prompts.ts";
import { normalizeAction } from "./rules.ts";
import { narrateSeed } from "./seed_narrative.ts";
import { type Lang, narrate } from "./translator.ts";

/** An LLM miner as an agent of the blockchain engine. */
export interface LlmMiner extends Agent<BlockchainObs, BlockchainInfo, BlockchainAction> {
  /** Decides; the decision carries the predicted `rival_labels` when the miner gave any. */
  act(context: DecisionContext<BlockchainObs, BlockchainInfo>): Promise<MinerDecision>;
  /**
   * The running score of its rival-label predictions (this run so far, resumed runs
   * included: it is part of the state); `null` when `prompt.rival_labels` is off.
   */
  rivalLabelTally(): RivalLabelTally | null;
}

/** A miner's decision: the action, and the labels it predicted for its rivals' moves. */
export interface MinerDecision extends Decision<BlockchainAction> {
  /** The label it expects each rival's move this round to get, by rival name. */
  rival_labels?: Record<string, LabelKey>;
}

/**
 * The rival-label tally of any agent: an LLM miner's {@linkcode LlmMiner.rivalLabelTally},
 * `null` for every other agent (scripted policies and replays predict no labels).
 *
 * @param agent An agent of the blockchain engine.
 * @returns The tally, or `null`.
 */
export function rivalLabelTallyOf(agent: unknown): RivalLabelTally | null {
  const f = (agent as Partial<LlmMiner> | null)?.rivalLabelTally;
  return typeof f === "function" ? f.call(agent) : null;
}

/**
 * The reply's token cap when the agents file sets none: 600 under the compact prompt's length
 * cap ("thought <= 50 words"), 2,000 without it, so that the seed's full chain of thought is not
 * cut off before its action (a cut reply is a parse failure, then a fallback).
 */
export function defaultMaxTokens(config: BlockchainConfig): number {
  return minerSwitches(config).prompt.length_cap ? 600 : 2000;
}

/** Options of {@linkcode createLlmMiner}. */
export interface LlmMinerOptions {
  /** The miner's name, `config.miners[index]`. */
  name: string;
  /** Its own chat model (never shared context: each call carries the whole prompt). */
  model: ChatModel;
  /** Where its calls are logged. */
  recorder: CallRecorder;
  config: BlockchainConfig;
  /** The miner's index in `config.miners` (its hash power is `config.alpha[index]`). */
  index: number;
  /** Prompt language. */
  lang: Lang;
  /** Sampling temperature. @default {undefined} (the provider's default) */
  temperature?: number;
  /** Output token limit of each call. @default {defaultMaxTokens(config)} (600 or 2,000) */
  maxTokens?: number;
  /**
   * Reflect after every round that is a multiple of this (the review shows the last
   * `min(reflectEvery, 10)` rounds); 0 turns reflection off.
   *
   * @default {config.memory.reflection_every} (7 when the config has no `memory` section)
   */
  reflectEvery?: number;
  /** Retries after an unparseable decision, each showing the error. @default {1} */
  parseRetries?: number;
}

/**
 * The JSON a miner answers: `{thought, rival_labels, action: [c, p, d]}`. `rival_labels` is
 * read leniently (the decision stands without it): see {@linkcode readRivalLabels}.
 */
export const MinerReplySchema = z.object({
  thought: z.preprocess(thoughtText, z.string().optional()),
  rival_labels: z.unknown().optional(),
  action: vectorLike(3).refine(
    (v) => v.some((x) => Number.isFinite(x) && x > 0),
    "the action needs at least one positive entry (c, p or d)",
  ),
});

/**
 * The wire format of a reply without rival labels (`prompt.rival_labels: false`), sent as
 * JSON Schema when the model takes structured output (the parser still reads the reply with
 * {@linkcode MinerReplySchema}).
 */
export const MinerWireSchema = z.object({
  thought: z.string(),
  action: z.array(z.number().min(0).max(1)).length(3),
});

/**
 * The wire format of a miner's reply: `thought`, then (when `labels`) `rival_labels` with
 * one required property per rival whose value is a label key, then `action`. Valid under
 * the providers' strict structured outputs (every property required, no extra ones).
 *
 * @param rivals The rivals' names.
 * @param labels Ask for `rival_labels` (`prompt.rival_labels`). @default {true}
 * @returns The zod schema (converted to JSON Schema by `ask()`).
 *
 * @example
 * ```ts
 * import { minerWireSchema } from "./llm_miner.ts";
 * const schema = minerWireSchema(["miner_b", "miner_c"]);
 * console.log(schema.safeParse({
 *   thought: "t", rival_labels: { miner_b: "attacker", miner_c: "balanced" }, action: [1, 0, 0],
 * }).success); // true
 * ```
 */
export function minerWireSchema(rivals: readonly string[], labels = true): z.ZodType {
  if (!labels) return MinerWireSchema;
  const key = z.enum(LABEL_KEYS as [LabelKey, ...LabelKey[]]);
  return z.object({
    thought: z.string(),
    rival_labels: z.object(Object.fromEntries(rivals.map((r) => [r, key]))),
    action: z.array(z.number().min(0).max(1)).length(3),
  });
}

/**
 * The rival labels of a reply: an object `{rival: label}` (or a list of `{name, label}`),
 * each label a key or a name in either language ({@linkcode parseLabel}); a rival's name is
 * matched as given or case-folded (the reply parser lower-cases keys), and rivals not in
 * `rivals`, names that fold to two rivals, and labels not understood are dropped.
 *
 * @param value The reply's `rival_labels`.
 * @param rivals The miner's rivals.
 * @returns The labels understood, by rival; `undefined` when none.
 *
 * @example
 * ```ts
 * import { readRivalLabels } from "./llm_miner.ts";
 * console.log(readRivalLabels({ miner_b: "Attacker", miner_c: "??", me: "attacker" }, ["miner_b", "miner_c"]));
 * // { miner_b: "attacker" }
 * ```
 */
export function readRivalLabels(
  value: unknown,
  rivals: readonly string[],
): Record<string, LabelKey> | undefined {
  let pairs: [unknown, unknown][] = [];
  if (Array.isArray(value)) {
    pairs = value.map((
      v,
    ) => [(v as Record<string, unknown>)?.name, (v as Record<string, unknown>)?.label]);
  } else if (typeof value === "object" && value !== null) {
    pairs = Object.entries(value);
  }
  // the reply parser lower-cases and trims keys: match names that way, unless ambiguous
  const fold = (n: string) => n.trim().toLowerCase();
  const byFold = new Map<string, string | null>();
  for (const r of rivals) byFold.set(fold(r), byFold.has(fold(r)) ? null : r);
  const out: Record<string, LabelKey> = {};
  for (const [name, label] of pairs) {
    if (typeof name !== "string") continue;
    const rival = rivals.includes(name) ? name : byFold.get(fold(name));
    const key = parseLabel(label);
    if (rival && key !== null) out[rival] = key;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A thought given as an object or array (step by step) flattened to one string. */
function thoughtText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    return value.map((v) => thoughtText(v)).filter((s) => s !== undefined && s !== "").join(" ");
  }
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, thoughtText(v)] as const)
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => `${k}: ${v}`)
      .join("; ");
  }
  return String(value);
}

/**
 * The text of a free-text reply: `<think>…</think>` blocks dropped, and a reply that came
 * as JSON anyway (the system prompt asks for JSON) read as its text field(s).
 */
function replyText(text: string): string {
  const clean = text.replace(/<think>[\s\S]*?<\/think>/gi, "").trim();
  if (!/^(```|\{)/.test(clean)) return clean;
  try {
    const value = extractJson(clean);
    if (typeof value !== "object" || value === null) return clean;
    const strings = Object.values(value).filter((v) => typeof v === "string");
    return (strings.length === 1 ? strings[0] : thoughtText(value))?.trim() || clean;
  } catch {
    return clean;
  }
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The round record of an outcome, as the miner remembers it.
 *
 * @param outcome The outcome passed to `observe`.
 * @param pending What the model said when deciding (thought, parse outcome).
 * @returns The record.
 */
export function roundRecord(
  outcome: Outcome<BlockchainObs, BlockchainInfo, BlockchainAction>,
  pending: { thought?: string; parseOk: boolean } | null,
): RoundRecord {
  const { info } = outcome;
  const played = info.stepDetail?.action ?? normalizeAction(outcome.action).action;
  return {
    round: outcome.round,
    action: [...played],
    ...(pending?.thought ? { thought: pending.thought } : {}),
    parseOk: pending?.parseOk ?? true,
    reward: outcome.reward,
    efficiency: info.efficiency,
    honestEfficiency: info.honest_group.efficiency,
    rivalEfficiency: mean(info.rivals.map((r) => r.efficiency)),
    rivals: Object.fromEntries(info.rivals.map((r) => [r.name, r.efficiency])),
    rivalActions: rivalMoves(info),
  };
}

/** The labels of the rivals' moves of the round before `round`, from memory (`{}` if unknown). */
function lastLabels(memory: MinerMemory, round: number): Record<string, string> {
  const last = memory.records.at(-1);
  if (last?.round !== round - 1) return {};
  return Object.fromEntries(
    Object.entries(last.rivalActions ?? {}).map(([n, a]) => [n, strategyLabel(a)]),
  );
}

/** The rivals' moves of the round just played, by name (from the info after the step). */
function rivalMoves(info: BlockchainInfo): Record<string, number[]> {
  return Object.fromEntries(
    info.rivals.filter((r) => r.last_action !== null).map((r) => [r.name, [...r.last_action!]]),
  );
}

/**
 * The static system prompt and the decision message of a miner for one round: exactly
 * what {@linkcode createLlmMiner} sends.
 *
 * @param options The miner's identity, its memory, the round's observation and info.
 * @returns `{system, user}`.
 */
export function minerPrompts(options: {
  name: string;
  index: number;
  config: BlockchainConfig;
  lang: Lang;
  memory: MinerMemory;
  round: number;
  observation: BlockchainObs;
  info: BlockchainInfo;
}): { system: string; user: string } {
  const { name, index, config, lang, memory, round, observation, info } = options;
  return {
    system: minerSystemPrompt(name, index, config, lang),
    user: decisionPrompt({
      round,
      rounds: info.rounds,
      narrative: memoryNarrative(memory, observation, info, config, lang),
      memory: memory.view(),
      lang,
      style: minerSwitches(config).prompt,
    }),
  };
}

/** The round's narrative, with changes measured against the last round in memory. */
function memoryNarrative(
  memory: MinerMemory,
  observation: BlockchainObs,
  info: BlockchainInfo,
  config: BlockchainConfig,
  lang: Lang,
): string {
  const previous = memory.previousSnapshot(config.eta_init);
  const input = { observation, info, previous, config, lang };
  return minerSwitches(config).prompt.narrative === "terse" ? narrate(input) : narrateSeed(input);
}

function minerSystemPrompt(
  name: string,
  index: number,
  config: BlockchainConfig,
  lang: Lang,
): string {
  const rivals = config.miners.map((m, j) => ({ name: m, alpha: config.alpha[j] }))
    .filter((_, j) => j !== index);
  return systemPrompt({ name, alpha: config.alpha[index], config, rivals, lang });
}

/** What a miner's decision and reflection calls share. */
interface MinerParts {
  name: string;
  model: ChatModel;
  recorder: CallRecorder;
  config: BlockchainConfig;
  index: number;
  lang: Lang;
  system: string;
  memory: MinerMemory;
  sampling: { temperature?: number; maxTokens: number };
  reflectEvery: number;
  parseRetries: number;
  /** The prompt switches in force. */
  style: MinerPromptSwitches;
  /** The rivals' names, in config order. */
  rivals: string[];
  /** The reply's wire schema (with `rival_labels` when asked for). */
  wire: z.ZodType;
}

/** Checks the index, `reflectEvery` and `lang` of {@linkcode createLlmMiner}. */
function checkMinerOptions(
  config: BlockchainConfig,
  index: number,
  reflectEvery: number,
  lang: string,
) {
  if (!Number.isInteger(index) || index < 0 || index >= config.miners.length) {
    throw new RangeError(
      `Cannot create LLM miner: 'index' must be in 0..${config.miners.length - 1}, got ${index}`,
    );
  }
  if (!Number.isInteger(reflectEvery) || reflectEvery < 0) {
    throw new RangeError(
      `Cannot create LLM miner: 'reflectEvery' must be an integer >= 0, got ${reflectEvery}`,
    );
  }
  if (lang !== "zh" && lang !== "en") {
    throw new RangeError(`Cannot create LLM miner: 'lang' must be "zh" or "en", got ${lang}`);
  }
}

/** The reflection call: one free-text call whose text the memory keeps for later prompts. */
async function reflect(
  p: MinerParts,
  round: number,
  observation: BlockchainObs,
  info: BlockchainInfo,
): Promise<void> {
  const { name, model, recorder, memory, reflectEvery, lang } = p;
  const user = reflectionPrompt({
    round,
    rounds: info.rounds,
    narrative: memoryNarrative(memory, observation, info, p.config, lang),
    records: memory.records.slice(-reflectEvery),
    episodes: memory.episodes,
    reflection: memory.reflection,
    lang,
    style: p.style,
  });
  const request: ChatRequest = {
    system: p.system,
    messages: [{ role: "user", content: user }],
    ...p.sampling,
  };
  const response = await completeRecorded(recorder, {
    agent: name,
    purpose: "reflection",
    model,
    request,
  });
  await recordCall(recorder, {
    agent: name,
    purpose: "reflection",
    model,
    request,
    response,
    parseOk: true,
  });
  const text = replyText(response.text);
  if (text) p.memory.setReflection(round, text);
  else p.memory.reflectionDue = false;
}

/** The decision of a round: a due reflection first, then the decision call, parsed. */
async function decide(
  p: MinerParts,
  ctx: DecisionContext<BlockchainObs, BlockchainInfo>,
): Promise<MinerDecision> {
  const { name, model, recorder, memory, system } = p;
  // A reflection that could not be made after the last round (budget) comes first.
  if (memory.reflectionDue) await reflect(p, ctx.round - 1, ctx.observation, ctx.info);
  const { user } = minerPrompts({
    ...p,
    round: ctx.round,
    observation: ctx.observation,
    info: ctx.info,
  });
  const out = await ask({
    model,
    agent: name,
    purpose: "decision",
    recorder,
    schema: MinerReplySchema,
    replySchema: p.wire,
    schemaName: "miner_reply",
    parseRetries: p.parseRetries,
    request: { system, messages: [{ role: "user", content: user }], ...p.sampling },
  });
  if (!out.ok) {
    // The runner plays the engine's fallback; the memory notes that this reply failed.
    memory.setPending({ parseOk: false });
    return { action: null, error: out.error };
  }
  const thought = out.value.thought?.trim() || undefined;
  const labels = p.style.rival_labels
    ? readRivalLabels(out.value.rival_labels, p.rivals)
    : undefined;
  memory.setPending({ thought, parseOk: true, ...(labels ? { rivalLabels: labels } : {}) });
  // Negative or non-finite parts are clamped to 0 by the engine: the reply parsed, but
  // the action played is a repair of it.
  const repaired = out.value.action.some((x) => !(Number.isFinite(x) && x >= 0));
  return {
    action: out.value.action,
    ...(thought ? { thought } : {}),
    ...(labels ? { rival_labels: labels } : {}),
    ...(repaired ? { repaired: true } : {}),
  };
}

/**
 * Writes a round's outcome into memory (scoring the rival labels predicted for it) and,
 * after every `reflectEvery`-th round, makes the reflection call.
 */
async function observeOutcome(
  p: MinerParts,
  outcome: Outcome<BlockchainObs, BlockchainInfo, BlockchainAction>,
): Promise<void> {
  const { memory, reflectEvery } = p;
  const predicted = memory.pending?.rivalLabels;
  const record = roundRecord(outcome, memory.pending);
  if (predicted) {
    const last = lastLabels(memory, outcome.round);
    memory.addLabelScore(scoreRivalLabels(predicted, record.rivalActions ?? {}, last));
  }
  memory.record(record);
  if (reflectEvery === 0 || outcome.round % reflectEvery !== 0) return;
  memory.reflectionDue = true;
  try {
    await reflect(p, outcome.round, outcome.observation, outcome.info);
  } catch (e) {
    // Out of budget: the runner stops at the next decision; a resumed run reflects first.
    if (!(e instanceof BudgetExceededError)) throw e;
  }
}

/**
 * Creates an LLM miner. Each miner is fully isolated: its own memory, its own model, its
 * own prompts; nothing is shared with other miners.
 *
 * `act` sends the static system prompt and the round's decision message, parses
 * `{thought, action}` with {@linkcode MinerReplySchema} through `ask()` (purpose
 * `"decision"`), and on failure answers `action: null` (the runner plays the engine's fallback). `observe` writes
 * the outcome into memory and, after every `reflectEvery`-th round, makes one free-text
 * call (purpose `"reflection"`) whose text is kept and shown in later prompts.
 *
 * @param options Name, model, recorder, config, index, language and sampling options.
 * @returns The agent; `getState`/`setState` carry its memory as plain JSON.
 * @throws {RangeError} For a bad index, `reflectEvery` or `lang`.
 */
export function createLlmMiner(options: LlmMinerOptions): LlmMiner {
  const {
    name,
    model,
    config,
    index,
    lang,
    temperature,
    maxTokens = defaultMaxTokens(config),
    reflectEvery = minerSwitches(config).memory.reflection_every,
    parseRetries = 1,
  } = options;
  checkMinerOptions(config, index, reflectEvery, lang);
  const switches = minerSwitches(config);
  const rivals = config.miners.filter((_, j) => j !== index);
  const p: MinerParts = {
    ...options,
    lang,
    system: minerSystemPrompt(name, index, config, lang),
    memory: new MinerMemory({
      working: switches.memory.window,
      episodeEvery: switches.memory.episodic_every,
      reviewRounds: Math.min(reflectEvery, 10),
    }),
    sampling: { ...(temperature === undefined ? {} : { temperature }), maxTokens },
    reflectEvery,
    parseRetries,
    style: switches.prompt,
    rivals,
    wire: minerWireSchema(rivals, switches.prompt.rival_labels),
  };
  const { memory } = p;
  return {
    name,
    llm: true,
    system: p.system,
    kind: model.id,
    model: model.model,
    act: (ctx) => decide(p, ctx),
    rivalLabelTally: () => p.style.rival_labels ? memory.labels : null,
    observe: (outcome) => observeOutcome(p, outcome),
    getState: () => memory.getState(),
    setState(state: unknown) {
      memory.setState(state);
    },
  };
}
