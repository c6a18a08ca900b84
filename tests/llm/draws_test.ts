/**
 * Sample identity: a cached reply answers the same draw (run seed, seat, occurrence of the
 * request), not merely the same prompt; a step that failed is replayed from the replies it
 * paid for, never paid twice.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../lib/core/records.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { cacheKey, withCache } from "../../lib/llm/cache.ts";
import type { ChatRequest } from "../../lib/llm/chat_model.ts";
import { DrawLedger, withDraws } from "../../lib/llm/draws.ts";
import { ScriptedChatModel } from "../../lib/llm/scripted.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { ipdReply, runCli } from "../support/cli.ts";

const REQ: ChatRequest = { system: "S", messages: [{ role: "user", content: "move?" }] };
const DRAW = { run: "design-a", seed: 1, seat: "a", sample: 0 };

Deno.test("cache key: endpoint, run design, run seed, seat and sample each change the key", async () => {
  const base = await cacheKey("openai:m", { ...REQ, draw: DRAW }, "http://127.0.0.1:1/v1");
  const variants = [
    await cacheKey("openai:m", { ...REQ, draw: DRAW }, "http://127.0.0.1:2/v1"),
    await cacheKey("openai:m", { ...REQ, draw: DRAW }),
    await cacheKey("openai:m", { ...REQ, draw: { ...DRAW, seed: 2 } }, "http://127.0.0.1:1/v1"),
    await cacheKey(
      "openai:m",
      { ...REQ, draw: { ...DRAW, run: "design-b" } },
      "http://127.0.0.1:1/v1",
    ),
    await cacheKey("openai:m", { ...REQ, draw: { ...DRAW, seed: null } }, "http://127.0.0.1:1/v1"),
    await cacheKey("openai:m", { ...REQ, draw: { ...DRAW, seat: "b" } }, "http://127.0.0.1:1/v1"),
    await cacheKey("openai:m", { ...REQ, draw: { ...DRAW, sample: 1 } }, "http://127.0.0.1:1/v1"),
    await cacheKey("openai:m", REQ, "http://127.0.0.1:1/v1"),
  ];
  for (const [i, k] of variants.entries()) assert.notEqual(k, base, `variant ${i}`);
  assert.equal(new Set(variants).size, variants.length);
  // the signal is not part of the key
  assert.equal(
    await cacheKey("openai:m", { ...REQ, draw: DRAW, signal: new AbortController().signal }, "x"),
    await cacheKey("openai:m", { ...REQ, draw: DRAW }, "x"),
  );
});

Deno.test("draws: the second identical request is a new draw; a rerun replays each draw", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-draws-" });
  const play = async (seed: number, inner: ScriptedChatModel) => {
    const model = withDraws(withCache(inner, { dir }), {
      ledger: new DrawLedger(),
      seed,
      seat: "a",
    });
    const out = [];
    for (let i = 0; i < 3; i++) out.push(await model.complete(REQ));
    return out;
  };
  const first = new ScriptedChatModel(["r0", "r1", "r2", "r3", "r4", "r5"]);
  const a = await play(7, first);
  assert.equal(first.requests.length, 3, "three identical requests are three draws");
  assert.deepEqual(a.map((r) => r.text), ["r0", "r1", "r2"]);
  assert.deepEqual(a.map((r) => r.sample), [0, 1, 2]);
  const again = new ScriptedChatModel(["never"]);
  const b = await play(7, again);
  assert.equal(again.requests.length, 0, "the same seed replays from the cache");
  assert.deepEqual(b.map((r) => [r.text, r.fromCache]), [["r0", true], ["r1", true], [
    "r2",
    true,
  ]]);
  const other = new ScriptedChatModel(["s0", "s1", "s2"]);
  const c = await play(8, other);
  assert.equal(other.requests.length, 3, "another seed is a new sample");
  assert.deepEqual(c.map((r) => r.fromCache ?? false), [false, false, false]);
});

Deno.test("draws: a failed call gives its sample back; an offered reply is claimed once", () => {
  const ledger = new DrawLedger();
  assert.equal(ledger.take("a", "h"), 0);
  assert.equal(ledger.take("a", "h"), 1);
  ledger.giveBack("a", "h", 1);
  assert.equal(ledger.take("a", "h"), 1, "the failed draw is asked for again");
  ledger.giveBack("a", "h", 0);
  assert.equal(ledger.take("a", "h"), 2, "an older sample is not given back over a newer one");
  assert.equal(ledger.take("b", "h"), 0, "seats count apart");
  const resumed = new DrawLedger();
  resumed.observe("a", "h", 0);
  resumed.observe("a", "h", 1);
  resumed.observe("a", "g");
  assert.ok(resumed.made("a", "h", 1) && !resumed.made("a", "h", 2));
  assert.equal(resumed.take("a", "g"), 1, "a row without a sample counts as the next draw");
  const reply = {
    text: "paid",
    usage: { input: 1, output: 1, cached: 0 },
    model: "m",
    latencyMs: 1,
  };
  resumed.offer("a", "h", 2, reply);
  assert.equal(resumed.pooled, 1);
  assert.equal(resumed.claim("a", "h", 2), reply);
  assert.equal(resumed.claim("a", "h", 2), undefined);
});

async function ipdAgents(dir: string, baseURL: string, both = false): Promise<string> {
  const path = join(dir, "agents.json");
  const seat = (name: string, model: string) => ({
    name,
    provider: "openai",
    model,
    base_url: baseURL,
    temperature: 1,
  });
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [
        seat("gpt", "gpt-4o-mini"),
        both ? seat("gpt2", "gpt-4o") : { name: "tft", provider: "policy", policy: "tit_for_tat" },
      ],
    }),
  );
  return path;
}

Deno.test("cli: two seeds sharing one cache each reach the server; reruns replay byte-identically", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-draws-cli-" });
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await ipdAgents(dir, server.baseURL);
  const cache = join(dir, "cache");
  const run = (seed: number, out: string) =>
    runCli([
      "ipd",
      "--agents",
      agents,
      "--rounds",
      "5",
      "--seed",
      String(seed),
      "--out",
      join(dir, out),
      "--cache",
      cache,
      "--no-report",
      "--quiet",
    ]);
  assert.equal((await run(0, "s0")).code, 0);
  assert.equal(server.count(), 5);
  const s1 = await run(1, "s1");
  assert.equal(s1.code, 0, s1.err);
  // The prompts of seed 1 equal those of seed 0 (the IPD has no randomness), yet each is a
  // new sample: every call reached the server.
  assert.equal(server.count(), 10, "seed 1 made every call");
  const calls1 = await readJsonl(join(dir, "s1", "llm_calls.jsonl"), LlmCallRecordSchema);
  assert.deepEqual(calls1.map((c) => c.from_cache), [false, false, false, false, false]);
  assert.deepEqual(calls1.map((c) => c.sample), [0, 0, 0, 0, 0]);
  for (const [seed, out] of [[0, "s0"], [1, "s1"]] as const) {
    const again = await run(seed, `${out}-again`);
    assert.equal(again.code, 0, again.err);
    assert.equal(
      await Deno.readTextFile(join(dir, `${out}-again`, "summary.json")),
      await Deno.readTextFile(join(dir, out, "summary.json")),
    );
  }
  assert.equal(server.count(), 10, "the reruns made zero requests");
});

Deno.test("cli: resume replays the paid calls of the failed step instead of paying again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-draws-resume-" });
  let failed = false;
  await using server = startOpenAIServer((body) => {
    const text = JSON.stringify(body.messages);
    // gpt2's round-3 call fails once for good (400: not retried), after gpt's was answered.
    if (body.model === "gpt-4o" && /Round 3 of/.test(text) && !failed) {
      failed = true;
      return { delayMs: 100, then: { status: 400, message: "bad request, once" } };
    }
    return { reply: ipdReply(body) };
  });
  const agents = await ipdAgents(dir, server.baseURL, true);
  const out = join(dir, "run");
  const first = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "4",
    "--out",
    out,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(first.code, 1, "the failed call stops the run, resumable");
  const byModel = (model: string) => server.requests.filter((r) => r.body.model === model).length;
  assert.equal(byModel("gpt-4o-mini"), 3, "gpt's round-3 call was made and paid");
  const resumed = await runCli(["--resume", out, "--no-report", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(byModel("gpt-4o-mini"), 4, "gpt's round-3 call was not made again");
  assert.equal(byModel("gpt-4o"), 5, "gpt2 asked again for round 3, then round 4");
  const calls = await readJsonl(join(out, "llm_calls.jsonl"), LlmCallRecordSchema);
  const paid = calls.filter((c) => !c.failed);
  assert.equal(paid.length, 8, "each paid call counted once in the log");
  const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
  assert.equal(
    summary.llm_budget.tokens,
    paid.reduce((s, c) => s + c.input_tokens + c.output_tokens, 0),
    "the budget counts each paid call once",
  );
  const abandoned = await readJsonl(
    join(out, "llm_calls_abandoned.jsonl"),
    LlmCallRecordSchema,
  );
  assert.ok(abandoned.some((c) => c.agent === "gpt" && c.round === 3), "kept, not lost");
});

Deno.test("cli: two endpoints serving the same model name never share cached replies", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-draws-endpoint-" });
  await using a = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  await using b = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const cache = join(dir, "cache");
  for (const [name, server] of [["a", a], ["b", b]] as const) {
    const sub = join(dir, name);
    await Deno.mkdir(sub);
    const agents = await ipdAgents(sub, server.baseURL);
    const r = await runCli([
      "ipd",
      "--agents",
      agents,
      "--rounds",
      "3",
      "--out",
      join(sub, "run"),
      "--cache",
      cache,
      "--no-report",
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
  }
  assert.equal(a.count(), 3);
  assert.equal(b.count(), 3, "the second endpoint was asked: the endpoint is part of the key");
});

Deno.test("cli: a paid reply of the failed step that cannot be reused is counted once, not lost", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-draws-lost-" });
  let huge = false, failed = false;
  await using server = startOpenAIServer((body) => {
    const text = JSON.stringify(body.messages);
    if (/Round 3 of/.test(text) && body.model === "gpt-4o-mini" && !huge) {
      huge = true; // logged clipped (over 200,000 characters): not reusable
      return { reply: "x".repeat(250_000), usage: { output: 60_000 } };
    }
    if (/Round 3 of/.test(text) && body.model === "gpt-4o" && !failed) {
      failed = true;
      return { delayMs: 100, then: { status: 400, message: "bad request, once" } };
    }
    return { reply: ipdReply(body) };
  });
  const agents = await ipdAgents(dir, server.baseURL, true);
  const out = join(dir, "run");
  const args = ["--no-report", "--quiet"];
  const first = await runCli(["ipd", "--agents", agents, "--rounds", "4", "--out", out, ...args]);
  assert.equal(first.code, 1);
  const resumed = await runCli(["--resume", out, ...args]);
  assert.equal(resumed.code, 0, resumed.err);
  const abandoned = await readJsonl(join(out, "llm_calls_abandoned.jsonl"), LlmCallRecordSchema);
  const clipped = abandoned.filter((c) => c.raw_chars === 250_000);
  assert.equal(clipped.length, 1);
  const calls = await readJsonl(join(out, "llm_calls.jsonl"), LlmCallRecordSchema);
  const kept = calls.filter((c) => !c.failed).reduce(
    (n, c) => n + c.input_tokens + c.output_tokens,
    0,
  );
  const lost = clipped[0].input_tokens + clipped[0].output_tokens;
  const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
  assert.equal(summary.llm_budget.tokens, kept + lost, "the clipped paid reply is counted");
  // `llm` sums the calls of the run as played (its log); the budget, what was spent.
  assert.equal(summary.llm.input_tokens + summary.llm.output_tokens, kept);
});
