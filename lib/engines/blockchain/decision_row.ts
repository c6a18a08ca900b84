/**
 * The blockchain game's row of `decisions.jsonl`, declared once: the session writes it, the
 * loaders validate it, and its fields type the Polars columns.
 *
 * @example
 * ```ts ignore
 * import { loadBlockchainDecisions } from "./decision_row.ts";
 * const df = await loadBlockchainDecisions("data/runs/blockchain-1");
 * console.log(df.select("round", "agent", "c", "p", "d").head(3));
 * ```
 * @module
 */
import pl from "nodejs-polars";
import { z } from "zod";
import { type DecisionLoadOptions, loadDecisions } from "../../analysis/frames.ts";
import { DecisionRecordSchema } from "../../core/records.ts";

/** One miner's row for one round. */
export const BlockchainDecisionSchema = DecisionRecordSchema.extend({
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
});
export type BlockchainDecision = z.infer<typeof BlockchainDecisionSchema>;

/**
 * Loads blockchain decision rows of one or many runs, validated with
 * {@linkcode BlockchainDecisionSchema}, with the action's entries as `c`, `p`, `d` columns.
 */
export async function loadBlockchainDecisions(
  dirs: string | readonly string[],
  options: Omit<DecisionLoadOptions, "schema"> = {},
): Promise<pl.DataFrame> {
  const df = await loadDecisions(dirs, { ...options, schema: BlockchainDecisionSchema });
  return df.withColumns(
    ...["c", "p", "d"].map((k, i) =>
      pl.col("action").str.jsonPathMatch(`$[${i}]`).cast(pl.Float64).alias(k)
    ),
  );
}
