/**
 * Summary parts every engine shares: LLM usage totals read from `llm_calls.jsonl`.
 *
 * Latency is left out on purpose: it differs between a run and its cached rerun, and
 * `summary.json` must be byte-identical for the same seed and cache.
 *
 * @module
 */
import { join } from "node:path";
import { type DecisionRecord, DecisionRecordSchema, LlmCallRecordSchema } from "./records.ts";
import type { LlmCallRecord } from "./records.ts";
import { readJsonl } from "./run_log.ts";

/** Token and cost totals, overall and per agent. */
export interface UsageTotals {
  /** LLM calls made. */
  calls: number;
  /** Prompt tokens. */
  input_tokens: number;
  /** Completion tokens. */
  output_tokens: number;
  /** Prompt tokens served from the provider's prompt cache. */
  cached_tokens: number;
  /** Cost in US dollars (rounded to 1e-9). */
  cost_usd: number;
  /** Calls whose reply did not parse (`parse_ok: false`). */
  parse_failures: number;
  /** The same totals per agent, agents sorted by name. */
  by_agent: Record<string, Omit<UsageTotals, "by_agent">>;
}

/** Rounds a dollar figure to 1e-9 so float sums print stably. */
export function roundUsd(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Sums LLM call records. */
export function usageTotals(calls: readonly LlmCallRecord[]): UsageTotals {
  const zero = () => ({
    calls: 0,
    input_tokens: 0,
    output_tokens: 0,
    cached_tokens: 0,
    cost_usd: 0,
    parse_failures: 0,
  });
  const all = zero();
  const by: Record<string, ReturnType<typeof zero>> = {};
  for (const c of calls) {
    for (const t of [all, by[c.agent] ??= zero()]) {
      t.calls++;
      t.input_tokens += c.input_tokens;
      t.output_tokens += c.output_tokens;
      t.cached_tokens += c.cached_tokens;
      t.cost_usd += c.cost_usd;
      if (!c.parse_ok) t.parse_failures++;
    }
  }
  all.cost_usd = roundUsd(all.cost_usd);
  for (const t of Object.values(by)) t.cost_usd = roundUsd(t.cost_usd);
  // Sorted by name: concurrent calls finish in any order, the summary must not.
  const byAgent = Object.fromEntries(Object.keys(by).sort().map((k) => [k, by[k]]));
  return { ...all, by_agent: byAgent };
}

/** Reads a run directory's decisions and LLM calls (validated). */
export async function readRunLogs(
  dir: string,
): Promise<{ decisions: DecisionRecord[]; calls: LlmCallRecord[] }> {
  const decisions = await readJsonl(join(dir, "decisions.jsonl"), DecisionRecordSchema);
  const calls = await readJsonl(join(dir, "llm_calls.jsonl"), LlmCallRecordSchema);
  return { decisions, calls };
}
