/**
 * Where LLM agents report their calls: the runner attaches a writer (the run's
 * `llm_calls.jsonl`) and reads running totals for the progress bar.
 *
 * @example
 * ```ts
 * import { CallRecorder } from "./call_recorder.ts";
 * const rec = new CallRecorder();
 * const rows: unknown[] = [];
 * rec.attach((row) => rows.push(row));
 * rec.round = 3;
 * ```
 * @module
 */
import type { LlmCallRecord } from "../core/records.ts";

/** Collects LLM call records of a run. */
export class CallRecorder {
  /** The round being played; agents stamp their calls with it. */
  round = 0;
  /** Running totals. */
  readonly totals = { calls: 0, input: 0, output: 0, cached: 0, usd: 0 };
  #write: ((row: LlmCallRecord) => void) | undefined;

  /** Sends every future record to `write`. */
  attach(write: (row: LlmCallRecord) => void): void {
    this.#write = write;
  }

  /** Records one call. */
  record(row: LlmCallRecord): void {
    this.totals.calls++;
    this.totals.input += row.input_tokens;
    this.totals.output += row.output_tokens;
    this.totals.cached += row.cached_tokens;
    this.totals.usd += row.cost_usd;
    this.#write?.(row);
  }

  /** Sets the totals (on resume, from the logged calls). */
  restore(totals: CallRecorder["totals"]): void {
    Object.assign(this.totals, totals);
  }
}
