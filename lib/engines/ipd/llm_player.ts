/**
 * An LLM-driven IPD player: a static system prompt with the rules (cacheable by providers),
 * a compact per-round prompt with the last five rounds, and a JSON reply
 * `{"thought": "...", "action": "C" | "D"}` parsed robustly; an unusable reply is `action: null`
 * (the runner plays the engine's fallback).
 *
 * @module
 */
import { z } from "zod";
import type { Agent, Decision, DecisionContext, Outcome } from "../../agents/agent.ts";
import { ask } from "../../agents/ask.ts";
import type { CallRecorder } from "../../agents/call_recorder.ts";
import type { ChatModel } from "../../llm/chat_model.ts";
import type { Schema } from "../../core/records.ts";
import type { IpdConfig } from "./config.ts";
import type { IpdAction, IpdInfo, IpdObs } from "./engine.ts";

/**
 * A player's reply: `{thought, action}`. Also its structured-output wire format: the
 * thought is optional, so it goes out as required and nullable, and `null` reads as no
 * thought.
 */
export const IpdReplySchema: Schema<{ thought?: string; action: "C" | "D" }> = z.object({
  thought: z.string().nullish().transform((t) => t ?? undefined),
  action: z.preprocess(
    (v) => (typeof v === "string" ? v.trim().toUpperCase().slice(0, 1) : v),
    z.enum(["C", "D"]),
  ),
});

/** The system prompt (the same every round). */
export function ipdSystemPrompt(config: IpdConfig, name: string): string {
  const { T, R, P, S } = config.payoffs;
  return [
    `You are ${name}, playing an iterated prisoner's dilemma for ${config.rounds} rounds.`,
    `Each round both players choose C (cooperate) or D (defect) at the same time.`,
    `Payoffs (you, opponent): C/C ${R}/${R}; C/D ${S}/${T}; D/C ${T}/${S}; D/D ${P}/${P}.`,
    `Maximise your own total. Answer only with JSON: {"thought": "<one sentence>", "action": "C" or "D"}.`,
  ].join("\n");
}

interface Memory {
  history: { round: number; mine: IpdAction; theirs: IpdAction; reward: number }[];
}

/** Options of {@linkcode createIpdLlmPlayer}. */
export interface IpdLlmPlayerOptions {
  /** The player's name (a name of `config.players`). */
  name: string;
  /** The chat model that decides. */
  model: ChatModel;
  /** The game's config (the prompt states its payoffs and rounds). */
  config: IpdConfig;
  /** Where the player's LLM calls are recorded. */
  recorder: CallRecorder;
  /** Sampling temperature. @default {the model's default} */
  temperature?: number;
  /** The most tokens of a reply. @default {200} */
  maxTokens?: number;
}

/** An LLM player. */
export function createIpdLlmPlayer(
  options: IpdLlmPlayerOptions,
): Agent<IpdObs, IpdInfo, IpdAction> {
  const { name, model, config, recorder, temperature, maxTokens = 200 } = options;
  const system = ipdSystemPrompt(config, name);
  let memory: Memory = { history: [] };
  return {
    name,
    llm: true,
    system,
    kind: model.id,
    model: model.model,
    async act(ctx: DecisionContext<IpdObs, IpdInfo>): Promise<Decision<IpdAction>> {
      const o = ctx.observation;
      const recent = memory.history.slice(-5).map((h) =>
        `R${h.round}: you ${h.mine}, opponent ${h.theirs}, you got ${h.reward}`
      );
      const user = [
        `Round ${ctx.round} of ${o.rounds}. Your total ${o.myTotal}, opponent ${o.opponentTotal}.`,
        `Opponent cooperated ${o.opponentCooperations} of ${o.round} rounds.`,
        ...(recent.length ? ["Last rounds:", ...recent] : ["This is the first round."]),
        `Your move?`,
      ].join("\n");
      const out = await ask({
        model,
        agent: name,
        purpose: "decision",
        recorder,
        schema: IpdReplySchema,
        schemaName: "ipd_reply",
        request: { system, messages: [{ role: "user", content: user }], temperature, maxTokens },
      });
      if (out.ok) return { action: out.value.action, thought: out.value.thought };
      return { action: null, error: out.error };
    },
    observe(outcome: Outcome<IpdObs, IpdInfo, IpdAction>) {
      memory.history.push({
        round: outcome.round,
        mine: outcome.action,
        theirs: outcome.observation.opponentLast ?? "C",
        reward: outcome.reward,
      });
    },
    getState: () => structuredClone(memory),
    setState(state: unknown) {
      memory = structuredClone(state as Memory);
    },
  };
}
