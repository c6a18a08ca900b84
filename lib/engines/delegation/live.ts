/**
 * Live mode: providers' models really answer generated tasks. At each delegation the model
 * the provider serves answers a max-flow task (`maxflow.ts`) through the LLM layer (cached,
 * budgeted, retried and logged as `purpose: "task"`); the evaluator's score is the
 * delegation's score and the call's real token usage its tokens. Reward, price, cost and
 * utilities follow from them exactly as in recorded mode.
 *
 * Step `t` of a run with seed `s` serves the task generated from `liveTaskSeed(s, t)`, so a
 * run is reproducible from its seed and its cache.
 *
 * @example
 * ```ts
 * import { liveTask } from "./live.ts";
 * const a = liveTask(7, 3), b = liveTask(7, 3);
 * console.log(a.prompt === b.prompt, a.answer > 0); // true true
 * ```
 * @module
 */
import type { Decision, DecisionContext } from "../../agents/agent.ts";
import { recordCall } from "../../agents/ask.ts";
import type { CallRecorder } from "../../agents/call_recorder.ts";
import { hashSeed } from "../../core/rng.ts";
import type { AgentSpec } from "../../llm/agents_file.ts";
import type { ChatModel } from "../../llm/chat_model.ts";
import type { DelegationConfig } from "./config.ts";
import type { DelegationEngine, DelegationInfo, DelegationObs } from "./engine.ts";
import {
  generateMaxFlowTask,
  type MaxFlowOptions,
  type MaxFlowTask,
  parseMaxFlowAnswer,
  scoreMaxFlow,
} from "./maxflow.ts";
import type { ProviderAgent } from "./strategies.ts";

type LiveRecords = Extract<DelegationConfig["records"], { mode: "live" }>;

/** The generator seed of the task of step `t` in a run seeded `seed`. */
export function liveTaskSeed(seed: number, t: number): number {
  return hashSeed(seed, `delegation:task:${t}`);
}

/** The max-flow task of step `t` of a run seeded `seed`. */
export function liveTask(seed: number, t: number, options: MaxFlowOptions = {}): MaxFlowTask {
  return generateMaxFlowTask(liveTaskSeed(seed, t), options);
}

/** The generator options of a live config's `tasks`. */
export function liveTaskOptions(records: LiveRecords): MaxFlowOptions {
  const t = records.tasks;
  return {
    ...(t.min_nodes !== undefined ? { minNodes: t.min_nodes } : {}),
    ...(t.max_nodes !== undefined ? { maxNodes: t.max_nodes } : {}),
    ...(t.edge_probability !== undefined ? { edgeProbability: t.edge_probability } : {}),
    ...(t.max_capacity !== undefined ? { maxCapacity: t.max_capacity } : {}),
  };
}

/**
 * The LLM entry through which served model `model` is called in live mode (for `provider`,
 * when given: its seat is then `serve:<model>@<provider>`).
 *
 * @example
 * ```ts
 * import { parseDelegationConfig } from "./config.ts";
 * import { servedModelSpec } from "./live.ts";
 * const c = parseDelegationConfig({ records: { mode: "live", models: { o1: "o1-2024-12-17" } } });
 * if (c.records.mode === "live") console.log(servedModelSpec(c.records, "o1").model); // o1-2024-12-17
 * ```
 */
export function servedModelSpec(
  records: LiveRecords,
  model: string,
  provider?: string,
): AgentSpec {
  const e = records.endpoint;
  return {
    // one seat per provider and model: each provider's served answers are its own draws
    name: provider === undefined ? `serve:${model}` : `serve:${model}@${provider}`,
    provider: e.provider,
    model: records.models[model] ?? model,
    ...(e.base_url !== undefined ? { base_url: e.base_url } : {}),
    ...(e.api_key_env !== undefined ? { api_key_env: e.api_key_env } : {}),
    ...(e.temperature !== undefined ? { temperature: e.temperature } : {}),
    max_tokens: e.max_tokens,
    ...(e.timeout_ms !== undefined ? { timeout_ms: e.timeout_ms } : {}),
    ...(e.max_attempts !== undefined ? { max_attempts: e.max_attempts } : {}),
  };
}

/** Options of {@linkcode withLiveServing}. */
export interface LiveServingOptions {
  /** The delegation engine the agent plays in (for its seed and fallback). */
  engine: DelegationEngine;
  /** The chat model of each served model name. */
  models: ReadonlyMap<string, ChatModel>;
  /** Where the served models' calls are logged. */
  recorder: CallRecorder;
  /** Options of the max-flow task generator. @default {{}} */
  tasks?: MaxFlowOptions;
  /** Sampling temperature of the served models (the provider's default when absent). */
  temperature?: number;
  /** Output token limit of each served answer. */
  maxTokens?: number;
}

/**
 * Wraps a provider agent so that the model it serves answers the step's live task before
 * the engine steps: the decision is the agent's own (an agent without an action stays
 * without one, and the session plays the engine's fallback, which is also the model that
 * answers).
 *
 * @param agent The provider agent (strategy or LLM).
 * @param options The engine, the served models' chat models and the recorder.
 * @returns An agent with the same name, kind, state and validity flag.
 */
export function withLiveServing(agent: ProviderAgent, options: LiveServingOptions): ProviderAgent {
  const { engine, models, recorder, tasks = {}, temperature, maxTokens } = options;
  return {
    ...agent,
    name: agent.name,
    kind: agent.kind,
    async act(ctx: DecisionContext<DelegationObs, DelegationInfo>): Promise<Decision<string>> {
      const decision = await agent.act(ctx);
      const served = decision.action ?? engine.fallbackAction(agent.name);
      const chat = models.get(served);
      if (!chat) {
        throw new TypeError(`Cannot serve live: no chat model for '${served}' of '${agent.name}'`);
      }
      const seed = liveTaskSeed(engine.seed, ctx.observation.t);
      const task = generateMaxFlowTask(seed, tasks);
      const request = {
        messages: [{ role: "user" as const, content: task.prompt }],
        temperature,
        maxTokens,
      };
      const response = await chat.complete(request);
      const answer = parseMaxFlowAnswer(response.text);
      await recordCall(recorder, {
        agent: agent.name,
        purpose: "task",
        model: chat,
        request,
        response,
        parseOk: answer !== null,
        ...(answer === null ? { error: "no number in the reply" } : {}),
      });
      engine.supplyOutcome({
        provider: agent.name,
        model: served,
        task: seed,
        score: scoreMaxFlow(answer, task.answer),
        input: Math.round(response.usage.input),
        output: Math.round(response.usage.output),
      });
      return decision;
    },
  };
}
