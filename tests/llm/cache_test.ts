/**
 * The record/replay cache stores only replies it can hand back exactly, writes atomically
 * and leaves no temporary file behind; a reply that used to crash the parser replays as a
 * clean parse failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { withCache } from "../../lib/llm/cache.ts";
import type { ChatModel, ChatRequest, ChatResponse } from "../../lib/llm/chat_model.ts";
import { ScriptedChatModel } from "../../lib/llm/scripted.ts";
import { vectorLike } from "../../lib/llm/parse.ts";
import { ask } from "../../lib/agents/ask.ts";
import { CallRecorder } from "../../lib/agents/call_recorder.ts";

const req = (content: string): ChatRequest => ({
  system: "S",
  messages: [{ role: "user", content }],
});

/** A model answering `response` (merged over a plain reply), counting its calls. */
function fixedModel(response: Partial<ChatResponse>): ChatModel & { calls: number } {
  return {
    id: "fixed:m",
    model: "m",
    calls: 0,
    complete() {
      this.calls++;
      return Promise.resolve({
        text: "hi",
        usage: { input: 1, output: 1, cached: 0 },
        model: "m",
        latencyMs: 5,
        ...response,
      });
    },
  };
}

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) out.push(...(await files(join(dir, e.name))).map((f) => `${e.name}/${f}`));
    else out.push(e.name);
  }
  return out.sort();
}

Deno.test("cache: a reply that would not read back (NaN, Infinity) is returned but not stored", async () => {
  for (
    const bad of [
      { latencyMs: Number.NaN },
      { usage: { input: Number.POSITIVE_INFINITY, output: 1, cached: 0 } },
      { model: undefined as unknown as string },
    ]
  ) {
    const dir = await Deno.makeTempDir();
    const inner = fixedModel(bad);
    const model = withCache(inner, { dir });
    const first = await model.complete(req("x"));
    assert.equal(first.text, "hi");
    assert.deepEqual(await files(dir), [], `${JSON.stringify(bad)} was stored`);
    // The rerun asks the model again instead of failing on a corrupt entry.
    const second = await model.complete(req("x"));
    assert.equal(second.fromCache, undefined);
    assert.equal(inner.calls, 2);
  }
});

Deno.test("cache: awkward text round-trips exactly (lone surrogates, U+2028, NUL, BOM, CRLF)", async () => {
  const text = "\uFEFFa\ud800b\udc00c\u2028d\u0000e\r\nf😀" + "{".repeat(5000);
  const dir = await Deno.makeTempDir();
  const inner = fixedModel({ text, attempts: 2 });
  const model = withCache(inner, { dir });
  const first = await model.complete(req("x"));
  const again = await model.complete(req("x"));
  assert.equal(inner.calls, 1);
  assert.equal(again.fromCache, true);
  assert.equal(again.text, text);
  const { fromCache: _f, ...replayed } = again;
  assert.deepEqual(replayed, first);
});

Deno.test("cache: a failed write names the file and leaves no *.tmp behind", async () => {
  const dir = await Deno.makeTempDir();
  // Fault injection: the final rename fails (as on a full or read-only disk).
  const saved = { rename: Deno.rename, renameSync: Deno.renameSync };
  const fail = () => {
    throw new Deno.errors.PermissionDenied("injected rename failure");
  };
  Object.assign(Deno, { rename: fail, renameSync: fail });
  try {
    const model = withCache(fixedModel({}), { dir });
    await assert.rejects(
      () => model.complete(req("x")),
      /^Error: Cannot write cache entry .*\.json: injected rename failure$/,
    );
  } finally {
    Object.assign(Deno, saved);
  }
  assert.deepEqual(await files(dir), [], "a temporary file was left behind");
  // With the disk healthy again the same request is recorded.
  const model = withCache(fixedModel({}), { dir });
  await model.complete(req("x"));
  assert.equal((await model.complete(req("x"))).fromCache, true);
});

Deno.test("cache: a successful write leaves one entry per request and no *.tmp", async () => {
  const dir = await Deno.makeTempDir();
  const model = withCache(new ScriptedChatModel((r) => `echo ${r.messages[0].content}`), { dir });
  await Promise.all(["a", "b", "c", "a"].map((c) => model.complete(req(c))));
  const all = await files(dir);
  assert.equal(all.filter((f) => f.endsWith(".tmp")).length, 0);
  assert.equal(all.filter((f) => f.endsWith(".json")).length, 3);
});

Deno.test("cache + ask(): a 4,000-deep reply is a parse failure, and the cached rerun replays it the same way", async () => {
  const deep = `{"action": ${"[".repeat(4000)}1,0,0${"]".repeat(4000)}}`;
  const dir = await Deno.makeTempDir();
  const schema = z.object({ action: vectorLike(3) });
  const run = async (script: string[]) => {
    const model = withCache(new ScriptedChatModel(script), { dir });
    const recorder = new CallRecorder();
    const rows: unknown[] = [];
    recorder.attach((row) => rows.push(row));
    const out = await ask({
      model,
      request: req("move?"),
      schema,
      agent: "a",
      purpose: "decision",
      recorder,
    });
    return { out, rows: rows as { parse_ok: boolean; from_cache: boolean; error?: string }[] };
  };
  const first = await run([deep, '{"action": [0.2, 0.3, 0.5]}']);
  assert.deepEqual(first.out, {
    ok: true,
    value: { action: [0.2, 0.3, 0.5] },
    text: '{"action": [0.2, 0.3, 0.5]}',
  });
  assert.deepEqual(first.rows.map((r) => r.parse_ok), [false, true]);
  assert.match(first.rows[0].error ?? "", /nested deeper than 64 levels/);
  // The resume: every reply comes from the cache, with the same outcome.
  const rerun = await run(["never used"]);
  assert.deepEqual(rerun.out, first.out);
  assert.deepEqual(rerun.rows.map((r) => [r.parse_ok, r.from_cache]), [[false, true], [
    true,
    true,
  ]]);
});
