import assert from "node:assert/strict";
import { ConfigError } from "../../../lib/core/config.ts";
import {
  loadRecordedRecords,
  MODEL_PROFILES,
  parseRecordLines,
  parseTaskOrder,
  syntheticRecords,
} from "../../../lib/engines/delegation/records.ts";

Deno.test("recorded mode: reads files, task order, errors name file:line and model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const line = (id: number, s: number, i: number, o: number) =>
      JSON.stringify({ id, score: s, input_tokens: i, output_tokens: o });
    await Deno.writeTextFile(
      `${dir}/m1_test_result.jsonl`,
      [line(0, 1, 10, 20), line(1, 0.5, 11, 21), line(2, 0, 12, 22)].join("\n") + "\n",
    );
    await Deno.writeTextFile(
      `${dir}/m2_test_result.jsonl`,
      [line(0, 0, 1, 2), line(1, 0, 1, 2), line(2, 0.25, 3, 4)].join("\n"),
    );
    let r = await loadRecordedRecords(dir, ["m1", "m2", "m1"]);
    assert.equal(r.n, 3);
    assert.deepEqual(Array.from(r.taskIds), [0, 1, 2]);
    assert.deepEqual(Array.from(r.models.m1.score), [1, 0.5, 0]);
    assert.deepEqual(Array.from(r.models.m2.output), [2, 2, 4]);
    await Deno.writeTextFile(`${dir}/task_ids_shuffled.json`, "[2, 0, 1]");
    r = await loadRecordedRecords(dir, ["m1"]);
    assert.deepEqual(Array.from(r.taskIds), [2, 0, 1]);
    r = await loadRecordedRecords(dir, ["m1"], { shuffled: false });
    assert.deepEqual(Array.from(r.taskIds), [0, 1, 2]);
    await assert.rejects(
      () => loadRecordedRecords(dir, ["m1", "gpt-9"]),
      (e: Error) =>
        e instanceof ConfigError && e.message.includes("gpt-9_test_result.jsonl: file not found") &&
        e.message.includes("model 'gpt-9'"),
    );
    await Deno.writeTextFile(`${dir}/bad_test_result.jsonl`, `${line(0, 1, 1, 1)}\n{"score": 2}\n`);
    await assert.rejects(
      () => loadRecordedRecords(dir, ["bad"]),
      /bad_test_result\.jsonl:2: 'score' must be a number in \[0, 1\], got 2/,
    );
    await Deno.writeTextFile(`${dir}/short_test_result.jsonl`, line(0, 1, 1, 1));
    await assert.rejects(() => loadRecordedRecords(dir, ["m1", "short"]), /1 records, but other/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("record lines: JSON errors and token checks", () => {
  assert.throws(() => parseRecordLines("{oops}\n", "f.jsonl"), /f\.jsonl:1: invalid JSON/);
  assert.throws(
    () => parseRecordLines('{"score": 1, "input_tokens": -3}', "f.jsonl"),
    /f\.jsonl:1: 'input_tokens' must be an integer >= 0, got -3/,
  );
  assert.throws(() => parseRecordLines("[1]", "f.jsonl"), /expected a JSON object/);
  assert.throws(() => parseRecordLines("\n\n", "f.jsonl"), /no records/);
  assert.throws(
    () => parseTaskOrder("[0, 5]", "o.json", 3),
    /entry 1 must be an integer in \[0, 3\)/,
  );
});

Deno.test("synthetic records: deterministic by seed, profile means reproduced", () => {
  const a = syntheticRecords(["o1", "gpt-4"], 1, 20_000);
  const b = syntheticRecords(["o1", "gpt-4"], 1, 20_000);
  const c = syntheticRecords(["gpt-4"], 1, 20_000); // one model's stream ignores the others
  assert.deepEqual(a.models.o1.score, b.models.o1.score);
  assert.deepEqual(a.models["gpt-4"].output, c.models["gpt-4"].output);
  assert.notDeepEqual(
    syntheticRecords(["o1"], 2, 100).models.o1.score,
    a.models.o1.score.slice(0, 100),
  );
  for (const m of ["o1", "gpt-4"]) {
    const p = MODEL_PROFILES[m], r = a.models[m];
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const frac = (pred: (v: number) => boolean) => r.score.filter(pred).length / r.score.length;
    assert.ok(Math.abs(mean(r.score) - p.meanScore) < 0.01, `${m} mean score ${mean(r.score)}`);
    assert.ok(Math.abs(frac((v) => v === 1) - p.pOne) < 0.01);
    assert.ok(Math.abs(frac((v) => v === 0) - p.pZero) < 0.01);
    assert.ok(Math.abs(mean(r.input) / p.meanInput - 1) < 0.01);
    assert.ok(Math.abs(mean(r.output) / p.meanOutput - 1) < 0.03);
    assert.ok(r.score.every((v) => v >= 0 && v <= 1));
  }
  assert.throws(() => syntheticRecords(["gpt-9"], 1, 5), /no synthetic profile/);
});
