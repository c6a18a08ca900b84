/**
 * An LLM-driven shelter citizen: a static system prompt with every rule (cacheable), a
 * compact per-day user message built from its observation and memory, and a reply in the
 * decision wire format parsed robustly by `ask()` (one retry with the error shown). When
 * nothing parses the decision is `action: null` and the runner applies the engine's
 * fallback.
 *
 * The reply schema accepts the usual defects: numbers as strings, missing `actions` or
 * `statement` (defaults `[]` and `""`), a single action instead of a list, action and
 * proposal type aliases (`message`, `meeting`, `eliminate`, ...). An action of an unknown
 * type is kept as it is, so the engine drops that one action with its reason while the rest
 * of the reply stands.
 *
 * The config's ablation switches set its prompt (`prompt.style`: the compact prompt of
 * `prompts.ts` or the verbose one of `verbose_prompt.ts`, without a system message;
 * `prompt.show_token_budget`, `prompt.hint_token_exhaustion`, `prompt.hint_elimination_cost`,
 * `prompt.show_consumption`) and its memory (`memory_length` lines, in the style's form); see
 * `config.ts`. The proposal types it may use are the shelter's (`config.proposals`: the
 * structured-output schema lists only those).
 *
 * @example
 * ```ts
 * import { CallRecorder } from "../../agents/call_recorder.ts";
 * import { ScriptedChatModel } from "../../llm/scripted.ts";
 * import { createCitizen } from "./citizen.ts";
 * import { parseSocietyConfig } from "./config.ts";
 * import { SocietyEngine } from "./engine.ts";
 * const config = parseSocietyConfig({});
 * const model = new ScriptedChatModel(['{"request": "50", "actions": [], "statement": "hi"}']);
 * const citizen = createCitizen({ name: "claude", model, recorder: new CallRecorder(), config, lang: "en" });
 * const view = new SocietyEngine(config).reset({ seed: 0 });
 * const d = await citizen.act({ agent: "claude", round: 1, observation: view.observations.claude, info: view.infos.claude });
 * console.log(d.action); // { request: 50, actions: [], statement: "hi" }
 * ```
 * @module
 */
import { z } from "zod";
import type { Agent, Decision, DecisionContext, Outcome } from "../../agents/agent.ts";
import { ask } from "../../agents/ask.ts";
import type { CallRecorder } from "../../agents/call_recorder.ts";
import type { ChatModel, ChatRequest } from "../../llm/chat_model.ts";
import { numberLike } from "../../llm/parse.ts";
import { citizenSwitches, type SocietyConfig } from "./config.ts";
import type { CitizenAction, ProposalType, SocietyDecision } from "./decision.ts";
import { CitizenMemory } from "./memory.ts";
import { dayPrompt, type Lang, systemPrompt } from "./prompts.ts";
import { verboseDayPrompt } from "./verbose_prompt.ts";
import { enabledProposalTypes } from "./variants.ts";
import type { SocietyInfo, SocietyObs } from "./state.ts";

/** An LLM citizen as an agent of the society engine. */
export type Citizen = Agent<SocietyObs, SocietyInfo, SocietyDecision>;

const TYPE_ALIASES: Record<string, string> = {
  vote: "vote",
  voting: "vote",
  propose: "propose",
  proposal: "propose",
  proposing: "propose",
  private_message: "private_message",
  privatemessage: "private_message",
  message: "private_message",
  pm: "private_message",
  whisper: "private_message",
  call_meeting: "call_meeting",
  meeting: "call_meeting",
  callmeeting: "call_meeting",
  do_nothing: "do_nothing",
  donothing: "do_nothing",
  nothing: "do_nothing",
  none: "do_nothing",
  pass: "do_nothing",
};

const PROPOSAL_ALIASES: Record<string, string> = {
  resource_allocation: "resource_allocation",
  allocation: "resource_allocation",
  allocate: "resource_allocation",
  resources: "resource_allocation",
  elimination_vote: "elimination_vote",
  elimination: "elimination_vote",
  eliminate: "elimination_vote",
  eliminate_vote: "elimination_vote",
  appeal: "appeal",
  revive: "appeal",
  revival: "appeal",
};

function key(v: unknown): string {
  return String(v ?? "").trim().toLowerCase().replace(/[\s-]+/g, "_");
}

function str(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v);
}

/**
 * One action of a reply in canonical form: the type (and proposal type) read through the
 * usual aliases, ids and supports left for the engine to check (it reads numeric strings and
 * yes/no words), field aliases (`id`, `target`, `message`...) mapped. An unknown type comes
 * back unchanged, for the engine to drop with its reason.
 *
 * @param raw One entry of the reply's `actions`.
 * @returns The action.
 *
 * @example
 * ```ts
 * import { normalizeCitizenAction } from "./citizen.ts";
 * console.log(normalizeCitizenAction({ type: "Eliminate-Vote" }).type); // "Eliminate-Vote" (unknown)
 * console.log(normalizeCitizenAction({ type: "proposal", proposal_type: "eliminate", target: "qwen" }));
 * // { type: "propose", proposal_type: "elimination_vote", content: "qwen" }
 * ```
 */
export function normalizeCitizenAction(raw: unknown): CitizenAction {
  if (typeof raw === "string" && TYPE_ALIASES[key(raw)] === "do_nothing") {
    return { type: "do_nothing" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw as CitizenAction;
  const a = raw as Record<string, unknown>;
  const type = TYPE_ALIASES[key(a.type ?? a.action)];
  switch (type) {
    case "vote":
      return {
        type: "vote",
        proposal_id: (a.proposal_id ?? a.proposal ?? a.id) as number,
        support: (a.support ?? a.vote ?? a.value ?? a.in_favor) as boolean,
      };
    case "propose":
      return {
        type: "propose",
        proposal_type: (PROPOSAL_ALIASES[key(a.proposal_type ?? a.kind)] ??
          a.proposal_type) as never,
        content: str(a.content ?? a.target ?? a.name ?? a.allocation),
      };
    case "private_message":
      return {
        type: "private_message",
        to: str(a.to ?? a.target ?? a.recipient),
        text: str(a.text ?? a.content ?? a.message),
      };
    case "call_meeting":
      return { type: "call_meeting", topic: str(a.topic ?? a.content ?? a.text) };
    case "do_nothing":
      return { type: "do_nothing" };
    default:
      return raw as CitizenAction;
  }
}

/** A citizen's parsed reply: the decision and the reasoning, when given. */
export type CitizenReply = SocietyDecision & { thought?: string };

/**
 * The zod schema of a citizen's reply: `{request, actions, statement, thought?}` with the
 * defects described in the module doc accepted. A missing `statement` is `""`, missing
 * `actions` are `[]`, a missing `request` is `defaultRequest` when `actions` are there; a
 * reply with neither `request` nor `actions` is rejected (it is not a decision).
 *
 * @param defaultRequest The request of a reply that gives actions but no request.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import { citizenReplySchema } from "./citizen.ts";
 * const schema = citizenReplySchema(20);
 * console.log(schema.parse({ actions: { type: "meeting", topic: "food" } }));
 * // { request: 20, actions: [{ type: "call_meeting", topic: "food" }], statement: "" }
 * console.log(schema.safeParse({ statement: "hi" }).success); // false
 * ```
 */
export function citizenReplySchema(defaultRequest: number): z.ZodType<CitizenReply, unknown> {
  return z.preprocess(
    (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v) && !("request" in v) &&
        "actions" in v
        ? { ...v, request: defaultRequest }
        : v,
    z.object({
      thought: z.preprocess((v) => (v == null ? undefined : str(v)), z.string().optional()),
      request: numberLike.transform((x) => (Number.isFinite(x) ? Math.max(0, Math.floor(x)) : 0)),
      actions: z.preprocess(
        (v) => (v == null ? [] : Array.isArray(v) ? v : [v]),
        z.array(z.unknown()),
      ).transform((xs) => xs.map(normalizeCitizenAction)),
      statement: z.preprocess((v) => str(v), z.string()),
    }),
  ).transform(({ thought, request, actions, statement }) => ({
    request,
    actions,
    statement,
    ...(thought === undefined ? {} : { thought }),
  }));
}

/**
 * The wire format of a citizen's reply, sent as JSON Schema when the model takes structured
 * output: `request` a whole number >= 0, `actions` a list of the five action shapes of
 * `decision.ts` (`to` one of the citizens), `statement` a text and `thought` a text or
 * `null`. Every reply it allows is one {@linkcode citizenReplySchema} reads; the parser
 * accepts more (aliases, numbers as strings, ...) from models without structured output.
 *
 * @param config The game's config (the citizens' names).
 * @returns The zod schema.
 *
 * @example
 * ```ts
 * import { citizenWireSchema } from "./citizen.ts";
 * import { parseSocietyConfig } from "./config.ts";
 * const wire = citizenWireSchema(parseSocietyConfig({}));
 * console.log(wire.safeParse({
 *   request: 30,
 *   actions: [{ type: "call_meeting", topic: "food" }],
 *   statement: "hi",
 *   thought: null,
 * }).success); // true
 * ```
 */
export function citizenWireSchema(config: SocietyConfig): z.ZodType {
  // one schema per config, shared by its citizens (it lists every name: building one per
  // citizen would be O(citizens^2) for a society of LLM citizens)
  let wire = WIRE_SCHEMAS.get(config);
  if (wire === undefined) {
    wire = buildWireSchema(config.citizens, enabledProposalTypes(config));
    WIRE_SCHEMAS.set(config, wire);
  }
  return wire;
}

const WIRE_SCHEMAS = new WeakMap<SocietyConfig, z.ZodType>();

function buildWireSchema(citizens: readonly string[], types: readonly ProposalType[]): z.ZodType {
  const name = z.enum(citizens as [string, ...string[]]);
  const propose = types.length === 0 ? [] : [
    z.object({
      type: z.literal("propose"),
      proposal_type: z.enum(types as [ProposalType, ...ProposalType[]]),
      content: z.string(),
    }),
  ];
  return z.object({
    request: z.number().int().min(0),
    actions: z.array(z.union([
      z.object({ type: z.literal("vote"), proposal_id: z.number().int(), support: z.boolean() }),
      ...propose,
      z.object({ type: z.literal("private_message"), to: name, text: z.string() }),
      z.object({ type: z.literal("call_meeting"), topic: z.string() }),
      z.object({ type: z.literal("do_nothing") }),
    ])),
    statement: z.string(),
    thought: z.string().nullable(),
  });
}

/** Options of {@linkcode createCitizen}. */
export interface CitizenOptions {
  /** The citizen's name (one of `config.citizens`). */
  name: string;
  /** Its own chat model. */
  model: ChatModel;
  /** Where its calls are logged. */
  recorder: CallRecorder;
  /** The game's config (costs, budgets, day limit). */
  config: SocietyConfig;
  /** The prompt language. */
  lang: Lang;
  /** Sampling temperature. @default {undefined} (the provider's default) */
  temperature?: number;
  /** Output token limit per call. @default {300} */
  maxTokens?: number;
  /** Retries after an unparseable reply, each showing the error. @default {1} */
  parseRetries?: number;
}

/**
 * The system prompt and the day's user message of a citizen: exactly what it sends. With
 * `prompt.style: "verbose"` there is no system message (`system` is `undefined`) and the user
 * message holds every rule (`verbose_prompt.ts`).
 *
 * @param options Name, config, language, memory lines and the observation.
 * @returns `{system, user}`.
 */
export function citizenPrompts(options: {
  name: string;
  config: SocietyConfig;
  lang: Lang;
  memory: readonly string[];
  observation: SocietyObs;
}): { system: string | undefined; user: string } {
  const { name, config, lang, memory, observation } = options;
  const sw = citizenSwitches(config);
  if (sw.style === "verbose") {
    return {
      system: undefined,
      user: verboseDayPrompt({ name, config, observation, memory, lang }),
    };
  }
  return {
    system: systemPrompt({ name, config, lang }),
    user: dayPrompt({
      observation,
      memory,
      lang,
      showTokenBudget: sw.show_token_budget,
      showConsumption: sw.show_consumption,
    }),
  };
}

/** The chat request of a citizen's prompts (no system message for the verbose style). */
function requestOf(p: { system: string | undefined; user: string }): ChatRequest {
  return {
    ...(p.system === undefined ? {} : { system: p.system }),
    messages: [{ role: "user", content: p.user }],
  };
}

/**
 * Creates an LLM citizen. `act` first takes in the observation's events (the last day, if
 * `observe` did not already), then asks for the day's decision; `observe` takes in the
 * day's events (call it for dead citizens too: they keep receiving the public events).
 *
 * @param options Name, model, recorder, config, language and sampling options.
 * @returns The agent (`llm: true`); `getState`/`setState` carry its memory.
 * @throws {RangeError} For an unknown name or language.
 */
export function createCitizen(options: CitizenOptions): Citizen {
  const { name, model, recorder, config, lang, temperature, maxTokens = 300, parseRetries = 1 } =
    options;
  if (!config.citizens.includes(name)) {
    throw new RangeError(`Cannot create citizen: 'name' must be a citizen, got ${name}`);
  }
  if (lang !== "zh" && lang !== "en") {
    throw new RangeError(`Cannot create citizen: 'lang' must be "zh" or "en", got ${lang}`);
  }
  const schema = citizenReplySchema(config.fallback_request);
  const wire = citizenWireSchema(config);
  const style = citizenSwitches(config).style;
  const memory = new CitizenMemory({ name, lang, length: config.memory_length, style });
  const sampling = { ...(temperature === undefined ? {} : { temperature }), maxTokens };
  const take = (o: SocietyObs) => memory.ingest(o.day, o.events);

  return {
    name,
    kind: model.id,
    model: model.model,
    llm: true,

    async act(ctx: DecisionContext<SocietyObs, SocietyInfo>): Promise<Decision<SocietyDecision>> {
      take(ctx.observation);
      const prompts = citizenPrompts({
        name,
        config,
        lang,
        memory: memory.lines,
        observation: ctx.observation,
      });
      const out = await ask({
        model,
        agent: name,
        purpose: "decision",
        recorder,
        schema,
        replySchema: wire,
        schemaName: "society_reply",
        parseRetries,
        request: { ...requestOf(prompts), ...sampling },
      });
      if (!out.ok) return { action: null, error: out.error };
      const { thought, ...decision } = out.value;
      return { action: decision, ...(thought?.trim() ? { thought: thought.trim() } : {}) };
    },

    observe(outcome: Outcome<SocietyObs, SocietyInfo, SocietyDecision>) {
      take(outcome.observation);
    },

    getState: () => memory.getState(),

    setState(state: unknown) {
      memory.setState(state);
    },
  };
}
