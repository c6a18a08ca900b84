/**
 * The delegation rows written without `JSON.stringify` (`row_json.ts`): byte for byte the
 * JSON of `delegationRow` for every kind of value, a kept text never reused for a row whose
 * values differ, and a whole run's rows in the form JSON.stringify writes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LineBuffer } from "../../../lib/core/line_buffer.ts";
import { delegationRow, DelegationRowWriter } from "../../../lib/engines/delegation/row_json.ts";
import type { DelegationRecord } from "../../../lib/engines/delegation/types.ts";
import { runCli } from "../../support/cli.ts";

/** A record with every field set from `x`. */
function record(x: Partial<DelegationRecord> = {}): DelegationRecord {
  return {
    time: 3,
    phase: 1,
    bonus: false,
    provider: "provider_1",
    provider_id: 1,
    model: "o1",
    task: 6,
    price: 0.45850500000000005,
    cost: 0.09170100000000002,
    reward: 7,
    prompt_tokens: 2423,
    completion_tokens: 7036,
    user_utility: 6.541495,
    provider_utility: 0,
    ...x,
  };
}

/** The fields the writer writes for a row. */
function written(
  w: DelegationRowWriter,
  d: DelegationRecord,
  action: string,
  kind: string,
  thought?: string,
): string {
  const out = new LineBuffer(16);
  out.begin();
  w.write(out, d, action, kind, thought);
  out.end();
  return out.lastLine();
}

/** What the writer must give: `JSON.stringify` of the row, without its braces. */
const expected = (d: DelegationRecord, action: string, kind: string, thought?: string) =>
  JSON.stringify(delegationRow(d, action, kind, thought)).slice(1, -1);

Deno.test("row JSON: every kind of value is written as JSON.stringify writes it", () => {
  const w = new DelegationRowWriter();
  const cases: [Partial<DelegationRecord>, string, string, string | undefined][] = [
    [{}, "o1", "policy:honest", undefined],
    [{ phase: 2, bonus: true }, "o1", "policy:honest", undefined],
    [{ phase: 2 }, "gpt-4o", "policy:ours", ""],
    [{ phase: 3, markup: 1.25 }, "o1", "openai:gpt-4o", 'quote " backslash \\ \u2028 😀'],
    [{ phase: 4, price: NaN, cost: Infinity, user_utility: -Infinity }, "o1", "k", undefined],
    [{ provider_utility: -0, reward: 1e-7, price: 1e21, task: -1 }, "o1", "k", undefined],
    [{ model: 'we"ird\nmodel', provider_id: 12 }, 'act"ion', "kind\t", "t"],
    [{ markup: NaN }, "o1", "k", undefined],
  ];
  for (const [x, action, kind, thought] of cases) {
    const d = record(x);
    // twice: written, then from the kept text
    for (let i = 0; i < 2; i++) {
      assert.equal(written(w, d, action, kind, thought), expected(d, action, kind, thought));
    }
  }
});

Deno.test("row JSON: a kept text is reused only when every value it shows is equal", () => {
  const w = new DelegationRowWriter();
  const base = record();
  assert.equal(written(w, base, "o1", "k", undefined), expected(base, "o1", "k"));
  // each change keeps the key's parts (task, provider, model length, phase) or not: either
  // way the row must show the new value
  const changes: Partial<DelegationRecord>[] = [
    { time: 99 },
    { price: 0.5 },
    { cost: 0.1 },
    { reward: 6 },
    { prompt_tokens: 1 },
    { completion_tokens: 2 },
    { user_utility: 1 },
    { provider_utility: 2 },
    { model: "o3" },
    { provider_id: 2 },
    { phase: 3 },
    { task: 7 },
  ];
  for (const c of changes) {
    const d = record(c);
    assert.equal(written(w, d, "o1", "k", undefined), expected(d, "o1", "k"), JSON.stringify(c));
    assert.equal(written(w, base, "o1", "k", undefined), expected(base, "o1", "k"));
  }
  assert.equal(written(w, base, "o3", "k", undefined), expected(base, "o3", "k"));
  assert.equal(written(w, base, "o1", "other", undefined), expected(base, "o1", "other"));
  // random records over a small table: hits, misses and key collisions alike
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 5000; i++) {
    const d = record({
      time: i,
      task: Math.floor(rand() * 20),
      provider_id: 1 + Math.floor(rand() * 3),
      model: ["o1", "o3", "gpt-4o"][Math.floor(rand() * 3)],
      phase: [1, 2, 3, 4][Math.floor(rand() * 4)] as DelegationRecord["phase"],
      price: Math.floor(rand() * 4) / 3,
      reward: Math.floor(rand() * 3) / 7,
    });
    assert.equal(written(w, d, d.model, "k"), expected(d, d.model, "k"));
  }
});

Deno.test("row JSON: a run's rows are JSON as JSON.stringify writes it, over the phases", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-rowjson-" });
  const out = join(dir, "run");
  const config = join(dir, "c.json");
  await Deno.writeTextFile(config, JSON.stringify({ T: 3000 }));
  const r = await runCli([
    "delegation",
    "--config",
    config,
    "--out",
    out,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const lines = (await Deno.readTextFile(join(out, "decisions.jsonl"))).trimEnd().split("\n");
  assert.ok(lines.length > 300, String(lines.length));
  const phases = new Set<string>();
  for (const line of lines) {
    const row = JSON.parse(line);
    phases.add(row.phase);
    assert.equal(JSON.stringify(row), line);
  }
  assert.ok(phases.size >= 3, [...phases].join());
});
