/**
 * The society game's row of `decisions.jsonl` (one per living AI per day), declared once:
 * the session writes it, the loaders validate it, and its fields type the Polars columns.
 *
 * @example
 * ```ts ignore
 * import { loadSocietyDecisions } from "./decision_row.ts";
 * const df = await loadSocietyDecisions("data/runs/society-1");
 * console.log(df.select("round", "agent", "request", "granted", "health").head(3));
 * ```
 * @module
 */
import { z } from "zod";
import type { DecisionRecord, Schema } from "../../core/records.ts";
import { decisionRecordObject } from "../../core/record_helpers.ts";
import type { PlayedDecision } from "../../run/experiment.ts";
import type { SocietyDecision } from "./decision.ts";
import type { DroppedAction, SocietyInfo } from "./state.ts";

/** An action the engine did not execute, with its reason. */
const DroppedSchema = z.object({
  index: z.number().int(),
  action: z.unknown(),
  reason: z.string(),
});

/** One AI's row for one day. */
const societyDecisionObject = decisionRecordObject.extend({
  /** The decision as played (`{request, actions, statement}`): the reply, or the fallback. */
  action: z.unknown(),
  /** The resource request as executed (after fixes to a malformed one). */
  request: z.number(),
  /** Resources granted that day (0 when eliminated by vote before the allocation). */
  granted: z.number(),
  /** Actions executed, in order. */
  executed: z.array(z.unknown()),
  /** Actions dropped, each with its reason (no AP, unknown target, second vote...). */
  dropped: z.array(DroppedSchema),
  /** Fixes made to a malformed decision. */
  notes: z.array(z.string()),
  ap_before: z.number(),
  ap_spent: z.number(),
  /** AP for the next day. */
  ap_after: z.number(),
  health_before: z.number(),
  /** Health at the end of the day. */
  health: z.number(),
  /** Alive at the end of the day. */
  alive: z.boolean(),
  statement: z.string(),
  /** Game tokens this AI consumed that day. */
  game_tokens: z.number(),
  /** How the day's resources were divided: `default` or `proposal`. */
  allocation_method: z.string(),
  /** What drives the AI, e.g. `policy:selfish`, `openai:gpt-4o-mini`. */
  kind: z.string(),
  model: z.string().optional(),
  /** The LLM's stated reasoning. */
  thought: z.string().optional(),
});
/** One row of a society run's `decisions.jsonl`, as {@linkcode SocietyDecisionSchema} parses it. */
export interface SocietyDecisionRow extends DecisionRecord {
  /** The decision as played (`{request, actions, statement}`): the reply, or the fallback. */
  action: unknown;
  /** The resource request as executed (after fixes to a malformed one). */
  request: number;
  /** Resources granted that day (0 when eliminated by vote before the allocation). */
  granted: number;
  /** Actions executed, in order. */
  executed: unknown[];
  /** Actions dropped, each with its reason. */
  dropped: DroppedAction[];
  /** Fixes made to a malformed decision. */
  notes: string[];
  /** AP at the start of the day. */
  ap_before: number;
  /** AP spent that day. */
  ap_spent: number;
  /** AP for the next day. */
  ap_after: number;
  /** Health at the start of the day. */
  health_before: number;
  /** Health at the end of the day. */
  health: number;
  /** Alive at the end of the day. */
  alive: boolean;
  /** The AI's public statement of the day. */
  statement: string;
  /** Game tokens this AI consumed that day. */
  game_tokens: number;
  /** How the day's resources were divided: `default` or `proposal`. */
  allocation_method: string;
  /** What drives the AI, e.g. `policy:selfish`, `openai:gpt-4o-mini`. */
  kind: string;
  /** The LLM's model, for an LLM citizen. */
  model?: string;
  /** The LLM's stated reasoning. */
  thought?: string;
}

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interface agrees with its schema (a compile error otherwise).
const _agree: Agree<SocietyDecisionRow, z.output<typeof societyDecisionObject>> = true;

/** The schema of a society row of `decisions.jsonl` (the shared row plus the game's columns). */
export const SocietyDecisionSchema: Schema<SocietyDecisionRow> = societyDecisionObject;

/**
 * The engine's fields of one AI's row (the session adds `v`, `round`, `agent`, `parse_ok`).
 *
 * @param info The AI's info of the day just played.
 * @param decision The decision as played.
 * @param who `kind` and `model` of the agent.
 * @returns The row's engine fields.
 */
export function societyRow(
  info: SocietyInfo,
  decision: PlayedDecision<SocietyDecision>,
  who: { kind: string; model?: string },
): Record<string, unknown> {
  return {
    action: decision.action,
    reward: info.granted,
    request: info.request ?? 0,
    granted: info.granted,
    executed: info.executed,
    dropped: info.dropped,
    notes: info.notes,
    ap_before: info.ap_before,
    ap_spent: info.ap_spent,
    ap_after: info.ap_after,
    health_before: info.health_before,
    health: info.health,
    alive: info.alive,
    statement: info.statement,
    game_tokens: info.tokens,
    allocation_method: info.allocation_method ?? "default",
    fallback: decision.fallback,
    kind: who.kind,
    ...(who.model ? { model: who.model } : {}),
    ...(decision.thought ? { thought: decision.thought } : {}),
  };
}
