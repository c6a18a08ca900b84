/**
 * Delegation rows written without `JSON.stringify`: a run of `T = 1e6` logs some 700,000
 * rows, and writing their floating-point fields as text is most of what those rows cost. A
 * recorded run serves a fixed table (each provider's models over the same tasks), so a row's
 * fields but its time (the model, task, price, cost, tokens, reward, both utilities, action,
 * phase and kind) are encoded once per table entry, provider and phase, and reused; every
 * reuse is checked against the record's values, so a record that differs (live mode, a
 * dynamic price) is written afresh. What is written is `JSON.stringify(delegationRow(...))`
 * without its braces, byte for byte (tested, and checked by the run log on the rows it
 * validates).
 *
 * @example
 * ```ts
 * import { LineBuffer } from "../../core/line_buffer.ts";
 * import { delegationRow, DelegationRowWriter } from "./row_json.ts";
 * const d = {
 *   time: 0, phase: 1 as const, bonus: false, provider: "provider_1", provider_id: 1,
 *   model: "o1", task: 6, price: 0.5, cost: 0.1, reward: 7, prompt_tokens: 10,
 *   completion_tokens: 20, user_utility: 6.5, provider_utility: 0,
 * };
 * const out = new LineBuffer();
 * out.begin();
 * out.text("{");
 * new DelegationRowWriter().write(out, d, "o1", "policy:honest", undefined);
 * out.text("}");
 * out.end();
 * const json = JSON.stringify(delegationRow(d, "o1", "policy:honest", undefined));
 * console.log(out.lastLine() === json); // true
 * ```
 * @module
 */
import type { LineBuffer } from "../../core/line_buffer.ts";
import type { SerialisedRow } from "../../run/experiment.ts";
import { type DelegationRecord, PHASE_SLOTS } from "./types.ts";

/** The phase slot of a delegation (`bonus` for the exploitation bonus). */
function phaseOf(d: DelegationRecord): (typeof PHASE_SLOTS)[number] {
  return d.bonus ? "bonus" : PHASE_SLOTS[d.phase === 1 ? 0 : d.phase === 2 ? 1 : d.phase];
}

/**
 * The decision row of a delegation (the engine's fields of its `decisions.jsonl` row).
 *
 * @param d The delegation.
 * @param action The provider's action (the model it chose).
 * @param kind The provider's kind, e.g. `policy:honest`.
 * @param thought The provider's thought (LLM providers), omitted when empty.
 * @returns The row.
 */
export function delegationRow(
  d: DelegationRecord,
  action: string,
  kind: string,
  thought: string | undefined,
): Record<string, unknown> {
  return {
    action,
    reward: d.reward,
    time: d.time,
    phase: phaseOf(d),
    provider_id: d.provider_id,
    model: d.model,
    task: d.task,
    price: d.price,
    cost: d.cost,
    prompt_tokens: d.prompt_tokens,
    completion_tokens: d.completion_tokens,
    user_utility: d.user_utility,
    provider_utility: d.provider_utility,
    kind,
    ...(thought ? { thought } : {}),
    ...(d.markup !== undefined ? { markup: d.markup } : {}),
  };
}

/** A number as `JSON.stringify` writes it (non-finite numbers are `null`). */
const num = (x: number): string => Number.isFinite(x) ? String(x) : "null";

/**
 * A row's fields but its time, encoded, kept for the rows that repeat them: the fields
 * before `time` (`head`, ending `"time":`) and after it (`tail`), and the values they show.
 */
interface KeptFields {
  action: string;
  kind: string;
  phase: string;
  providerId: number;
  model: string;
  task: number;
  price: number;
  cost: number;
  reward: number;
  prompt: number;
  completion: number;
  user: number;
  provider: number;
  head: Uint8Array;
  tail: Uint8Array;
}

/** Rows' fields kept at most (live tasks never repeat: past this, they are not kept). */
const MAX_KEPT = 1 << 16;

const encoder = new TextEncoder();

/**
 * Writes delegation rows as JSON, reusing the encoded fields of the rows it has written: a
 * row that repeats an earlier one's fields (a table entry served again by the same provider
 * in the same phase) differs only in its time.
 */
export class DelegationRowWriter {
  #kept = new Map<number, KeptFields>();
  #row = new CurrentRow(this);

  /**
   * The row of one delegation as the run layer takes it (`BuiltRun.decisionRowJson`): one
   * object, reused for every row (the session is done with a row before it asks for the
   * next), so that a million rows allocate nothing here.
   *
   * @param d The delegation.
   * @param action The provider's action.
   * @param kind The provider's kind.
   * @param thought The provider's thought, omitted when empty.
   * @returns The row: its fields written by `write`, built by `row()`, its `reward`.
   */
  of(
    d: DelegationRecord,
    action: string,
    kind: string,
    thought: string | undefined,
  ): SerialisedRow {
    const r = this.#row;
    r.d = d;
    r.action = action;
    r.kind = kind;
    r.thought = thought;
    r.reward = d.reward;
    return r;
  }

  /**
   * Writes the fields of `delegationRow(d, action, kind, thought)` as JSON into `out`: its
   * `JSON.stringify` without the braces, exactly.
   *
   * @param out Where the row is being written.
   * @param d The delegation.
   * @param action The provider's action.
   * @param kind The provider's kind.
   * @param thought The provider's thought, omitted when empty.
   */
  write(
    out: LineBuffer,
    d: DelegationRecord,
    action: string,
    kind: string,
    thought: string | undefined,
  ): void {
    const f = this.#fields(d, action, kind);
    out.bytes(f.head);
    out.number(d.time);
    out.bytes(f.tail);
    if (thought) out.text(`,"thought":${JSON.stringify(thought)}`);
    if (d.markup !== undefined) {
      out.text(',"markup":');
      out.number(d.markup);
    }
  }

  /** The row's fields but its time: kept when the same values were written before. */
  #fields(d: DelegationRecord, action: string, kind: string): KeptFields {
    const phase = phaseOf(d);
    // the key only spreads the rows: a kept one is used when all its values are equal
    const key = ((d.task * 64 + d.provider_id) * 64 + d.model.length) * 8 + phase.length;
    const kept = this.#kept.get(key);
    if (
      kept !== undefined && kept.task === d.task && kept.price === d.price &&
      kept.cost === d.cost && kept.reward === d.reward && kept.prompt === d.prompt_tokens &&
      kept.completion === d.completion_tokens && kept.user === d.user_utility &&
      kept.provider === d.provider_utility && kept.providerId === d.provider_id &&
      kept.model === d.model && kept.phase === phase && kept.action === action &&
      kept.kind === kind
    ) return kept;
    const made: KeptFields = {
      action,
      kind,
      phase,
      providerId: d.provider_id,
      model: d.model,
      task: d.task,
      price: d.price,
      cost: d.cost,
      reward: d.reward,
      prompt: d.prompt_tokens,
      completion: d.completion_tokens,
      user: d.user_utility,
      provider: d.provider_utility,
      head: encoder.encode(`"action":${JSON.stringify(action)},"reward":${num(d.reward)},"time":`),
      tail: encoder.encode(
        `,"phase":"${phase}","provider_id":${num(d.provider_id)},"model":${
          JSON.stringify(d.model)
        },"task":${num(d.task)},"price":${num(d.price)},"cost":${num(d.cost)},"prompt_tokens":${
          num(d.prompt_tokens)
        },"completion_tokens":${num(d.completion_tokens)},"user_utility":${
          num(d.user_utility)
        },"provider_utility":${num(d.provider_utility)},"kind":${JSON.stringify(kind)}`,
      ),
    };
    if (kept !== undefined || this.#kept.size < MAX_KEPT) this.#kept.set(key, made);
    return made;
  }
}

/** The row {@linkcode DelegationRowWriter.of} hands out (and sets again for each row). */
class CurrentRow implements SerialisedRow {
  d!: DelegationRecord;
  action = "";
  kind = "";
  thought: string | undefined = undefined;
  reward = 0;
  #writer: DelegationRowWriter;

  constructor(writer: DelegationRowWriter) {
    this.#writer = writer;
  }

  write(out: LineBuffer): void {
    this.#writer.write(out, this.d, this.action, this.kind, this.thought);
  }

  row(): Record<string, unknown> {
    return delegationRow(this.d, this.action, this.kind, this.thought);
  }
}
