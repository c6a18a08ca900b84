import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, parseJsonText, readJsonFile } from "../../lib/core/config.ts";
import { DecisionRecordSchema, EventRecordSchema } from "../../lib/core/records.ts";
import {
  LogFormatError,
  readJsonl,
  RunLog,
  SAMPLED_VALIDATION_EVERY,
  SAMPLED_VALIDATION_HEAD,
  streamJsonl,
} from "../../lib/core/run_log.ts";

Deno.test("run log: appends validated records that are on disk at once", async () => {
  const dir = await Deno.makeTempDir();
  const log = RunLog.create(dir);
  log.append("decisions", { v: 1, round: 1, agent: "a", action: "C", reward: 3, parse_ok: true });
  // on disk before close: another reader sees it
  assert.equal((await readJsonl(join(dir, "decisions.jsonl"), DecisionRecordSchema)).length, 1);
  assert.throws(() => log.append("decisions", { v: 1, round: 0, agent: "a" }), LogFormatError);
  assert.throws(() => log.append("events", { v: 2, round: 1, type: "x" }), /record\.v/);
  log.close();
});

Deno.test("run log: readers name the file and line; a torn tail is dropped on request", async () => {
  const dir = await Deno.makeTempDir();
  const p = join(dir, "events.jsonl");
  await Deno.writeTextFile(p, '{"v":1,"round":1,"type":"a"}\n{"v":1,"round":"x","type":"b"}\n');
  await assert.rejects(() => readJsonl(p, EventRecordSchema), (e: Error) => {
    assert.ok(e instanceof LogFormatError);
    assert.match(e.message, /events\.jsonl:2: record\.round: /);
    return true;
  });
  await Deno.writeTextFile(p, '{"v":1,"round":1,"type":"a"}\n{"v":1,"rou');
  await assert.rejects(() => readJsonl(p, EventRecordSchema), /events\.jsonl:2: invalid JSON/);
  assert.equal((await readJsonl(p, EventRecordSchema, { tolerateTornTail: true })).length, 1);
});

Deno.test("run log: truncateTo keeps rounds up to the checkpoint and drops torn lines", async () => {
  const dir = await Deno.makeTempDir();
  const p = join(dir, "events.jsonl");
  await Deno.writeTextFile(
    p,
    [1, 2, 3].map((r) => `{"v":1,"round":${r},"type":"t"}\n`).join("") + '{"v":1,"ro',
  );
  await RunLog.truncateTo(dir, 2);
  assert.deepEqual((await readJsonl(p, EventRecordSchema)).map((e) => e.round), [1, 2]);
});

Deno.test("config: JSON errors name the line and column", async () => {
  assert.throws(() => parseJsonText('{\n  "a": 1,\n  "b": ,\n}', "f.json"), (e: Error) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^f\.json: invalid JSON at line 3 column \d+: /);
    return true;
  });
  await assert.rejects(() => readJsonFile("/nonexistent/x.json"), /x\.json: file not found/);
});

Deno.test("RunLog validate: 'all' refuses every bad record; 'sampled' checks the head and one in 100", async () => {
  const bad = { v: 1, round: "x", type: "oops" };
  const good = (round: number) => ({ v: 1, round, type: "ok" });
  const all = RunLog.create(await Deno.makeTempDir());
  for (let i = 1; i <= 1500; i++) all.append("events", good(i));
  assert.throws(() => all.append("events", bad), LogFormatError);
  all.close();
  const sampled = RunLog.create(await Deno.makeTempDir(), { validate: "sampled" });
  for (let i = 1; i < SAMPLED_VALIDATION_HEAD; i++) sampled.append("events", good(i));
  // the last of the head is still checked
  assert.throws(() => sampled.append("events", bad), LogFormatError);
  // the rest up to the next multiple of 100 are not checked; that one is
  const next = Math.ceil((SAMPLED_VALIDATION_HEAD + 1) / SAMPLED_VALIDATION_EVERY) *
    SAMPLED_VALIDATION_EVERY;
  for (let n = SAMPLED_VALIDATION_HEAD + 1; n < next; n++) sampled.append("events", bad);
  assert.throws(() => sampled.append("events", bad), LogFormatError);
  sampled.close();
});

Deno.test("RunLog appendJson: writes the given line; a checked record must serialise to it", async () => {
  const dir = await Deno.makeTempDir();
  const log = RunLog.create(dir, { validate: "sampled" });
  const rec = (round: number) => ({ v: 1, round, type: "ok" });
  let built = 0;
  const build = (round: number) => () => (built++, rec(round));
  for (let i = 1; i <= SAMPLED_VALIDATION_HEAD; i++) {
    log.appendJson("events", JSON.stringify(rec(i)), build(i));
  }
  assert.equal(built, SAMPLED_VALIDATION_HEAD);
  // a line that is not the record's JSON is refused when checked
  const sneaky = () => log.appendJson("events", '{"v":1,"round":7,"type":"other"}', build(7));
  for (let n = SAMPLED_VALIDATION_HEAD + 1; n % SAMPLED_VALIDATION_EVERY !== 0; n++) sneaky();
  assert.equal(built, SAMPLED_VALIDATION_HEAD, "records between samples are not built");
  assert.throws(sneaky, /serialised form differs/);
  // and a bad record is refused by the schema, as append does
  const all = RunLog.create(await Deno.makeTempDir());
  assert.throws(
    () =>
      all.appendJson(
        "events",
        '{"v":1,"round":"x","type":"a"}',
        () => ({ v: 1, round: "x", type: "a" }),
      ),
    LogFormatError,
  );
  all.close();
  log.close();
  const lines = (await Deno.readTextFile(`${dir}/events.jsonl`)).trim().split("\n");
  assert.equal(lines[0], JSON.stringify(rec(1)));
  assert.equal(
    lines.length,
    SAMPLED_VALIDATION_EVERY * Math.ceil((SAMPLED_VALIDATION_HEAD + 1) / SAMPLED_VALIDATION_EVERY) -
      1,
  );
});

Deno.test("RunLog beginLine/endLine: a record written piece by piece; a checked one must serialise to it, else its line is dropped", async () => {
  const head = new TextEncoder().encode('{"v":1,"round":');
  const write = (log: RunLog, round: number, type: string) => {
    const out = log.beginLine("events");
    out.bytes(head);
    out.number(round);
    out.text(`,"type":${JSON.stringify(type)}}`);
  };
  const dir = await Deno.makeTempDir();
  const log = RunLog.create(dir, { validate: "sampled", autoFlush: false });
  let built = 0;
  const n = SAMPLED_VALIDATION_HEAD + SAMPLED_VALIDATION_EVERY;
  for (let i = 1; i <= n; i++) {
    write(log, i, "é");
    log.endLine("events", () => (built++, { v: 1, round: i, type: "é" }));
  }
  assert.equal(built, SAMPLED_VALIDATION_HEAD + 1, "the head and one in 100 are built");
  const marks = log.marks();
  log.close();
  const text = await Deno.readTextFile(join(dir, "events.jsonl"));
  const lines = text.trimEnd().split("\n");
  assert.deepEqual(lines, lines.map((_, i) => JSON.stringify({ v: 1, round: i + 1, type: "é" })));
  assert.equal(lines.length, n);
  assert.equal(marks.events.rows, n);
  assert.equal(marks.events.bytes, new TextEncoder().encode(text).length);

  const strict = await Deno.makeTempDir();
  const all = RunLog.create(strict, { autoFlush: false });
  write(all, 1, "a");
  all.endLine("events", () => ({ v: 1, round: 1, type: "a" }));
  // a writer that throws half-way leaves nothing behind
  all.beginLine("events").text('{"v":1,"round":');
  // a line that is not the record's JSON is refused, and dropped
  write(all, 2, "a");
  assert.throws(
    () => all.endLine("events", () => ({ v: 1, round: 2, type: "b" })),
    /serialised form differs/,
  );
  // and a bad record is refused by the schema, and dropped
  write(all, 2, "a");
  assert.throws(
    () => all.endLine("events", () => ({ v: 1, round: "x", type: "a" })),
    LogFormatError,
  );
  write(all, 2, "c");
  all.endLine("events", () => ({ v: 1, round: 2, type: "c" }));
  all.close();
  assert.equal(
    await Deno.readTextFile(join(strict, "events.jsonl")),
    '{"v":1,"round":1,"type":"a"}\n{"v":1,"round":2,"type":"c"}\n',
  );
});

Deno.test("streamJsonl: bounded reading of long lines across chunk edges, a torn tail, file:line errors", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/events.jsonl`;
  const long = "x".repeat(3 << 20); // longer than a read chunk
  const lines = [
    JSON.stringify({ v: 1, round: 1, type: "a", text: long }),
    JSON.stringify({ v: 1, round: 2, type: "b", text: "é".repeat(5) }),
  ];
  await Deno.writeTextFile(path, lines.join("\n") + '\n{"v":1,"rou');
  const rows = [];
  for await (const r of streamJsonl(path, EventRecordSchema, { tolerateTornTail: true })) {
    rows.push(r);
  }
  assert.deepEqual(rows.map((r) => r.type), ["a", "b"]);
  assert.equal(String(rows[0].text).length, long.length);
  assert.equal(rows[1].text, "é".repeat(5));
  await assert.rejects(
    readJsonl(path, EventRecordSchema),
    (e: Error) => e instanceof LogFormatError && e.message.startsWith(`${path}:3: invalid JSON`),
  );
});
