/**
 * The shared zod objects of `record_helpers.ts` carry a written-out type (no slow types):
 * their outputs still agree with the toolkit's interfaces, and `.extend({...})` and `.shape`
 * keep zod's precise types, as every engine's decision row relies on.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { decisionRecordObject, eventRecordObject } from "../../lib/core/record_helpers.ts";
import type { DecisionRecord, EventRecord } from "../../lib/core/records.ts";

/** `true` when `A` and `B` are assignable both ways. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Compile-time checks: `deno check` fails when a type drifts.
const _shared: [
  Agree<z.output<typeof decisionRecordObject>, DecisionRecord>,
  Agree<z.output<typeof eventRecordObject>, EventRecord>,
] = [true, true];

const Row = decisionRecordObject.extend({
  action: z.enum(["C", "D"]),
  bid: z.number(),
  note: z.string().optional(),
});
type Row = z.output<typeof Row>;
const _extended: [
  Agree<Row["action"], "C" | "D">,
  Agree<Row["bid"], number>,
  Agree<Row["fallback"], boolean>,
  Agree<Row["v"], 1>,
  Agree<Pick<Row, "note">, { note?: string }>,
  Agree<Pick<Row, "repaired">, { repaired?: boolean }>,
  Agree<z.input<typeof Row>["fallback"], boolean | undefined>,
] = [true, true, true, true, true, true, true];

const Event = eventRecordObject.extend({ type: z.literal("elimination"), agent: z.string() });
const _event: [
  Agree<z.output<typeof Event>["type"], "elimination">,
  Agree<z.output<typeof Event>["agent"], string>,
] = [true, true];

Deno.test("record_helpers: an extended decision row parses with the shared defaults and keeps unknown keys", () => {
  const row = Row.parse({
    v: 1,
    round: 1,
    agent: "p0",
    action: "C",
    reward: 3,
    parse_ok: true,
    bid: 0.5,
    extra: "kept",
  });
  assert.equal(row.fallback, false);
  assert.equal(row.action, "C");
  assert.equal(row.extra, "kept");
  assert.throws(() => Row.parse({ ...row, action: "X" }));
});

Deno.test("record_helpers: .shape exposes the shared columns' schemas", () => {
  assert.deepEqual(Object.keys(decisionRecordObject.shape), [
    "v",
    "round",
    "agent",
    "action",
    "reward",
    "parse_ok",
    "fallback",
    "repaired",
  ]);
  assert.equal(decisionRecordObject.shape.round.safeParse(0).success, false);
  assert.deepEqual(Object.keys(eventRecordObject.shape), ["v", "round", "type"]);
  assert.equal(eventRecordObject.parse({ v: 1, round: 0, type: "start", x: 1 }).x, 1);
});
