/**
 * The blockchain game's row of `decisions.jsonl`, declared once: the session writes it, the
 * loader (`loadBlockchainDecisions` in `analysis.ts`) validates it, and its fields type the
 * Polars columns.
 * @module
 */
import { z } from "zod";
import type { DecisionRecord, Schema } from "../../core/records.ts";
import { decisionRecordObject } from "../../core/record_helpers.ts";

/** One miner's row for one round. */
const blockchainDecisionObject = decisionRecordObject.extend({
  /** The normalised action `[c, p, d]` the engine played. */
  action: z.array(z.number()).length(3),
  cumulative_reward: z.number(),
  /** Own efficiency after this round's update. */
  efficiency: z.number(),
  /** The honest group's efficiency after this round's update. */
  honest_efficiency: z.number(),
  /** Strategy label of the action (a key of `LABELS`). */
  label: z.string(),
  /** What drives the miner, e.g. `policy:adaptive`, `openai:gpt-4o-mini`. */
  kind: z.string(),
  model: z.string().optional(),
  /** The LLM's stated reasoning. */
  thought: z.string().optional(),
  /**
   * The label (a key of `LABELS`) the miner predicted for each rival's move this round, by
   * rival name; absent when it predicted none (policies, replays, older logs).
   */
  rival_labels: z.record(z.string(), z.string()).optional(),
});
/** One miner's row of `decisions.jsonl`, as {@linkcode BlockchainDecisionSchema} parses it. */
export interface BlockchainDecision extends DecisionRecord {
  /** The normalised action `[c, p, d]` the engine played. */
  action: number[];
  /** The miner's total reward so far, this round included. */
  cumulative_reward: number;
  /** Own efficiency after this round's update. */
  efficiency: number;
  /** The honest group's efficiency after this round's update. */
  honest_efficiency: number;
  /** Strategy label of the action (a key of `LABELS`). */
  label: string;
  /** What drives the miner, e.g. `policy:adaptive`, `openai:gpt-4o-mini`. */
  kind: string;
  /** The LLM's model, for an LLM miner. */
  model?: string;
  /** The LLM's stated reasoning. */
  thought?: string;
  /** The label the miner predicted for each rival's move this round, by rival name. */
  rival_labels?: Record<string, string>;
}

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interface agrees with its schema (a compile error otherwise).
const _agree: Agree<BlockchainDecision, z.output<typeof blockchainDecisionObject>> = true;

/**
 * The `rival_labels` column of a decision row: the labels the decision predicted (an LLM
 * miner's `MinerDecision.rival_labels`), or nothing for a decision without them.
 *
 * @param decision The decision as played (any object; its `rival_labels` is read).
 * @returns `{rival_labels}` or `{}`, to spread into the row.
 *
 * @example
 * ```ts
 * import { rivalLabelsColumn } from "./decision_row.ts";
 * console.log(rivalLabelsColumn({ rival_labels: { miner_b: "attacker" } }), rivalLabelsColumn({}));
 * // { rival_labels: { miner_b: "attacker" } } {}
 * ```
 */
export function rivalLabelsColumn(
  decision: object,
): { rival_labels?: Record<string, string> } {
  const labels = (decision as { rival_labels?: unknown }).rival_labels;
  if (typeof labels !== "object" || labels === null || Object.keys(labels).length === 0) return {};
  return { rival_labels: { ...(labels as Record<string, string>) } };
}

/** The schema of a blockchain row of `decisions.jsonl` (the shared row plus the game's columns). */
export const BlockchainDecisionSchema: Schema<BlockchainDecision> = blockchainDecisionObject;
