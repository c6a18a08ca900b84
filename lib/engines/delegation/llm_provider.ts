/**
 * An LLM in a provider's seat: at each of its delegations it is asked which of its models
 * serves the task (system prompt and user message from `prompts.ts`), and replies
 * `{"thought": "...", "model": "<name>"}`, parsed with `ask()` (retry once with the error
 * shown; every call logged, cached and budgeted by the LLM layer). When nothing parses it
 * returns `action: null`: the session plays the engine's fallback (the best model) and
 * counts it against the run's validity.
 *
 * @example
 * ```ts
 * import { CallRecorder } from "../../agents/call_recorder.ts";
 * import { ScriptedChatModel } from "../../llm/scripted.ts";
 * import { parseDelegationConfig } from "./config.ts";
 * import { createLlmProvider } from "./llm_provider.ts";
 * const agent = createLlmProvider({
 *   config: parseDelegationConfig({}), index: 0, recorder: new CallRecorder(),
 *   model: new ScriptedChatModel(['{"thought": "save", "model": "gpt-4o-mini"}']),
 * });
 * console.log(agent.llm, agent.name); // true provider_1
 * ```
 * @module
 */
import { z } from "zod";
import type { Decision, DecisionContext, Outcome } from "../../agents/agent.ts";
import { ask } from "../../agents/ask.ts";
import type { CallRecorder } from "../../agents/call_recorder.ts";
import type { ChatModel } from "../../llm/chat_model.ts";
import type { DelegationConfig } from "./config.ts";
import type { DelegationInfo, DelegationObs } from "./engine.ts";
import {
  MEMORY_LENGTH,
  type ProviderMemory,
  providerSystemPrompt,
  providerUserMessage,
} from "./prompts.ts";
import type { ProviderAgent } from "./strategies.ts";

/** Options of {@linkcode createLlmProvider}. */
export interface LlmProviderOptions {
  /** The delegation config (providers, their models and etas). */
  config: DelegationConfig;
  /** The provider's position in `config.providers` (0-based). */
  index: number;
  /** The chat model that plays the provider. */
  model: ChatModel;
  /** Where its calls are logged. */
  recorder: CallRecorder;
  /** Sampling temperature (the provider's default when absent). */
  temperature?: number;
  /** Output token limit per call. @default 200 */
  maxTokens?: number;
}

/** A provider's parsed reply. */
export interface ProviderReply {
  /** Its stated reasoning, when it gave one. */
  thought?: string;
  /** The model it serves the delegation with, spelled as in its config. */
  model: string;
}

/**
 * The reply schema: a thought and one of the provider's models (case and spaces tolerated).
 * Also the structured-output wire format: the thought is optional, so it goes out as
 * required and nullable, and `null` reads as no thought.
 */
export function providerReplySchema(models: readonly string[]): z.ZodType<ProviderReply> {
  const byLower = new Map(models.map((m) => [m.toLowerCase(), m]));
  return z.object({
    thought: z.string().nullish().transform((t) => t ?? undefined),
    model: z.preprocess(
      (v) => (typeof v === "string" ? byLower.get(v.trim().toLowerCase()) ?? v : v),
      z.enum(models as [string, ...string[]]),
    ),
  });
}

/**
 * An LLM provider agent.
 *
 * @param options Config, the provider's index, the chat model and the call recorder.
 * @returns The agent (`llm: true`; its memory is its state).
 */
export function createLlmProvider(options: LlmProviderOptions): ProviderAgent {
  const { config, index, model, recorder, temperature, maxTokens = 200 } = options;
  const p = config.providers[index];
  if (!p) throw new RangeError(`Cannot create LLM provider: no provider at index ${index}`);
  const system = providerSystemPrompt(config, index);
  const schema = providerReplySchema(p.models);
  let memory: ProviderMemory = { profit: 0, recent: [] };
  return {
    name: p.name,
    llm: true,
    kind: model.id,
    model: model.model,
    async act(ctx: DecisionContext<DelegationObs, DelegationInfo>): Promise<Decision<string>> {
      const user = providerUserMessage(ctx.observation, memory);
      const out = await ask({
        model,
        agent: p.name,
        purpose: "decision",
        recorder,
        schema,
        schemaName: "provider_reply",
        request: { system, messages: [{ role: "user", content: user }], temperature, maxTokens },
      });
      if (out.ok) return { action: out.value.model, thought: out.value.thought };
      return { action: null, error: out.error };
    },
    observe(outcome: Outcome<DelegationObs, DelegationInfo, string>) {
      const d = outcome.info?.delegation;
      if (!d) return;
      memory.profit += d.provider_utility;
      memory.recent.push({
        time: d.time,
        model: d.model,
        reward: d.reward,
        price: d.price,
        provider_utility: d.provider_utility,
      });
      if (memory.recent.length > MEMORY_LENGTH) memory.recent.shift();
    },
    getState: () => structuredClone(memory),
    setState(state: unknown) {
      memory = structuredClone(state as ProviderMemory);
    },
  };
}
