/**
 * The IPD's row of `decisions.jsonl`: the shared decision record (`core/record_helpers.ts`)
 * extended with the IPD's own columns, as every engine declares its rows.
 *
 * @example
 * ```ts
 * import { IpdDecisionSchema } from "./decision_row.ts";
 * const row = IpdDecisionSchema.parse({
 *   v: 1, round: 1, agent: "alice", action: "C", reward: 3, parse_ok: true, cumulative_reward: 3,
 * });
 * console.log(row.fallback); // false
 * ```
 * @module
 */
import { z } from "zod";
import { decisionRecordObject } from "../../core/record_helpers.ts";
import type { DecisionRecord, Schema } from "../../core/records.ts";

const ipdDecisionObject = decisionRecordObject.extend({
  action: z.enum(["C", "D"]),
  cumulative_reward: z.number(),
  thought: z.string().optional(),
});

/**
 * A row of an IPD run's `decisions.jsonl`: the shared record with the move played (`C` or
 * `D`), the player's running total and, for an LLM player, its stated reasoning.
 */
export interface IpdDecisionRow extends DecisionRecord {
  /** The move played. */
  action: "C" | "D";
  /** The player's total so far, this round included. */
  cumulative_reward: number;
  /** An LLM player's stated reasoning. */
  thought?: string;
}

/** The schema of an IPD row of `decisions.jsonl`: the shared record with the IPD's fields. */
export const IpdDecisionSchema: Schema<IpdDecisionRow> = ipdDecisionObject;
