/**
 * Every reply shape a provider can send with status 200 is a logged row, never a crash: null
 * content, no choices, tool calls only, a refusal, a reply cut at max_tokens; a hostile 1 MB
 * reply is not echoed back; a body that stalls past the deadline is a timeout, retried.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { ask, replyExcerpt, RETRY_EXCERPT_LIMIT } from "../../lib/agents/ask.ts";
import { CallRecorder } from "../../lib/agents/call_recorder.ts";
import type { LlmCallRecord } from "../../lib/core/records.ts";
import { LlmCallRecordSchema } from "../../lib/core/records.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { AnthropicChatModel } from "../../lib/llm/anthropic.ts";
import { ChatError } from "../../lib/llm/chat_model.ts";
import { OpenAIChatModel } from "../../lib/llm/openai.ts";
import { RetryError, withRetry } from "../../lib/llm/retry.ts";
import { startAnthropicServer, startOpenAIServer } from "../support/llm_servers.ts";
import { ipdReply, runCli } from "../support/cli.ts";

const USAGE = { prompt_tokens: 50, completion_tokens: 7, total_tokens: 57 };

/** An OpenAI completion whose first choice is `choice` (or no choice at all). */
function completion(choices: unknown[]): Record<string, unknown> {
  return {
    id: "chatcmpl-shape",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-mini",
    choices,
    usage: USAGE,
  };
}

const choice = (message: Record<string, unknown>, finish = "stop") => ({
  index: 0,
  message: { role: "assistant", refusal: null, ...message },
  logprobs: null,
  finish_reason: finish,
});

const OPENAI_SHAPES: [string, Record<string, unknown>, RegExp, string | undefined][] = [
  ["null content", completion([choice({ content: null })]), /no text content/, undefined],
  ["no choices", completion([]), /no choices/, undefined],
  [
    "tool calls only",
    completion([choice({
      content: null,
      tool_calls: [{
        id: "call_1",
        type: "function",
        function: { name: "move", arguments: '{"action":"C"}' },
      }],
    }, "tool_calls")]),
    /tool calls only, no text: move/,
    "tool_calls",
  ],
  [
    "refusal",
    completion([choice({ content: null, refusal: "I can't help with that." })]),
    /refusal: I can't help/,
    "refusal",
  ],
  [
    "content filter",
    completion([choice({ content: null }, "content_filter")]),
    /finish_reason: content_filter/,
    "content_filter",
  ],
];

const model = (baseURL: string) =>
  new OpenAIChatModel({ model: "gpt-4o-mini", baseURL, apiKey: "k-test-1234" });

for (const [name, body, problem, finish] of OPENAI_SHAPES) {
  Deno.test(`openai reply shape: ${name} is a billed reply with a problem, not an error`, async () => {
    await using server = startOpenAIServer([{ json: body }]);
    const reply = await model(server.baseURL).complete({
      messages: [{ role: "user", content: "move?" }],
    });
    assert.equal(reply.text, "");
    assert.match(reply.problem ?? "", problem);
    assert.equal(reply.finishReason, finish);
    assert.deepEqual(reply.usage, { input: 50, output: 7, cached: 0 });
  });
}

Deno.test("openai reply shape: a reply cut at max_tokens keeps its text and says length", async () => {
  await using server = startOpenAIServer([{
    json: completion([choice({ content: '{"thought": "long...' }, "length")]),
  }]);
  const reply = await model(server.baseURL).complete({
    messages: [{ role: "user", content: "move?" }],
    maxTokens: 5,
  });
  assert.equal(reply.text, '{"thought": "long...');
  assert.equal(reply.finishReason, "length");
  assert.equal(reply.problem, undefined);
});

Deno.test("anthropic reply shapes: refusal, max_tokens, no content, unforced tool use, empty content, an error body", async () => {
  const message = (content: unknown, stop: string) => ({
    id: "msg_shape",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 40, output_tokens: 3 },
  });
  await using server = startAnthropicServer([
    { json: message([], "refusal") },
    { json: message([{ type: "text", text: '{"action": "C", "tho' }], "max_tokens") },
    { json: message(null, "end_turn") },
    {
      json: message(
        [{ type: "tool_use", id: "toolu_1", name: "move", input: { action: "C" } }],
        "tool_use",
      ),
    },
    { json: message([], "end_turn") },
    { json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } },
  ]);
  const m = new AnthropicChatModel({
    model: "claude-sonnet-4-5",
    baseURL: server.baseURL,
    apiKey: "k-test-1234",
  });
  const req = { messages: [{ role: "user" as const, content: "move?" }] };
  const refusal = await m.complete(req);
  assert.deepEqual([refusal.text, refusal.finishReason, refusal.problem], [
    "",
    "refusal",
    "refusal",
  ]);
  const cut = await m.complete(req);
  assert.deepEqual([cut.text, cut.finishReason], ['{"action": "C", "tho', "length"]);
  const none = await m.complete(req);
  assert.match(none.problem ?? "", /no content/);
  const tool = await m.complete(req);
  assert.match(tool.problem ?? "", /tool calls only, no text: move/);
  assert.equal(tool.finishReason, "tool_calls");
  const empty = await m.complete(req);
  assert.deepEqual([empty.text, empty.problem], ["", "no text block (stop_reason: end_turn)"]);
  const error = await m.complete(req).then(() => undefined, (e) => e);
  assert.ok(error instanceof ChatError && error.kind === "bad_response", `${error}`);
  assert.match(error.message, /an error with status 200: Overloaded/);
});

const Move = z.object({ action: z.enum(["C", "D"]) });

Deno.test("ask: a reply without text is logged with its problem, asked again, then a fallback", async () => {
  await using server = startOpenAIServer([
    { json: completion([choice({ content: null, refusal: "No." })]) },
    { json: completion([]) },
  ]);
  const rows: LlmCallRecord[] = [];
  const recorder = new CallRecorder();
  recorder.attach((r) => rows.push(r));
  const out = await ask({
    model: model(server.baseURL),
    agent: "a",
    purpose: "decision",
    recorder,
    schema: Move,
    request: { messages: [{ role: "user", content: "move?" }], maxTokens: 50 },
  });
  assert.equal(out.ok, false);
  assert.equal(server.count(), 2);
  // Nothing to show the model: the same request again (a new draw), no empty assistant turn.
  assert.deepEqual(server.requests[1].body.messages, server.requests[0].body.messages);
  assert.deepEqual(rows.map((r) => [r.purpose, r.parse_ok, r.reply_problem, r.finish_reason]), [
    ["decision", false, "refusal: No.", "refusal"],
    ["decision_retry", false, "the reply has no choices", undefined],
  ]);
  assert.deepEqual(rows.map((r) => r.input_tokens), [50, 50], "billed replies are counted");
  assert.match(rows[0].error ?? "", /^no usable reply: refusal/);
});

Deno.test("ask: a 1 MB reply without whitespace is shown back clipped, and logged clipped", async () => {
  const huge = "x".repeat(1_000_000);
  await using server = startOpenAIServer([
    { json: completion([choice({ content: huge })]) },
    { reply: '{"action": "D"}' },
  ]);
  const rows: LlmCallRecord[] = [];
  const recorder = new CallRecorder();
  recorder.attach((r) => rows.push(r));
  const out = await ask({
    model: model(server.baseURL),
    agent: "a",
    purpose: "decision",
    recorder,
    schema: Move,
    request: { messages: [{ role: "user", content: "move?" }], maxTokens: 50 },
  });
  assert.ok(out.ok && out.value.action === "D");
  const retry = server.requests[1].body.messages as { role: string; content: string }[];
  const echoed = retry.find((m) => m.role === "assistant")!.content;
  assert.ok(echoed.length < RETRY_EXCERPT_LIMIT + 100, `echoed ${echoed.length} characters`);
  assert.match(echoed, /\[\.\.\. 998000 characters cut \.\.\.\]/);
  assert.ok(rows[0].raw!.length < huge.length && rows[0].raw_chars === huge.length);
  assert.ok((rows[0].error ?? "").length <= 2_003);
});

Deno.test("replyExcerpt: keeps start and end, never splits a character", () => {
  const text = `a${"😀".repeat(3_000)}b`; // both cuts would fall inside a pair
  const excerpt = replyExcerpt(text);
  assert.ok(excerpt.length <= RETRY_EXCERPT_LIMIT + 40);
  assert.ok(
    !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(excerpt),
  );
  assert.equal(replyExcerpt("short"), "short");
});

Deno.test("timeout: a body that stalls past timeout_ms is a timeout, retried with backoff", async () => {
  // headers and half the body at once, the rest after 5 s
  await using server = startOpenAIServer([{ stallBody: { ms: 5_000 } }]);
  const client = new OpenAIChatModel({
    model: "gpt-4o-mini",
    baseURL: server.baseURL,
    apiKey: "k-test-1234",
    timeoutMs: 150,
  });
  const bare = await client.complete({ messages: [{ role: "user", content: "x" }] }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(bare instanceof ChatError, `got ${bare}`);
  assert.equal(bare.kind, "timeout");
  const retried = withRetry(client, { maxAttempts: 3, baseDelayMs: 1 });
  const error = await retried.complete({ messages: [{ role: "user", content: "x" }] }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof RetryError, `got ${error}`);
  assert.equal(error.attempts, 3);
  assert.deepEqual(error.attemptLog.map((a) => a.outcome), ["timeout", "timeout", "timeout"]);
  assert.equal(server.count(), 4);
});

Deno.test("cli: a run against a server sending every empty shape finishes with its fallbacks counted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-shapes-" });
  const shapes = OPENAI_SHAPES.map(([, body]) => body);
  await using server = startOpenAIServer((body, index) =>
    index < shapes.length ? { json: shapes[index] } : { reply: ipdReply(body) }
  );
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [
        { name: "gpt", provider: "openai", model: "gpt-4o-mini", base_url: server.baseURL },
        { name: "tft", provider: "policy", policy: "tit_for_tat" },
      ],
    }),
  );
  const out = join(dir, "run");
  const r = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "6",
    "--out",
    out,
    "--reports",
    join(dir, "reports"),
    "--max-tokens",
    "100000",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const calls = await readJsonl(join(out, "llm_calls.jsonl"), LlmCallRecordSchema);
  // The report says what came back and how close the run came to its budget.
  const html = await Deno.readTextFile(join(dir, "reports", "run", "report.html"));
  assert.match(
    html,
    new RegExp(
      `5 of ${calls.length} replies carried no usable text \\(no text content: 2; the reply has no choices: 1; tool calls only, no text: 1; refusal: 1\\)`,
    ),
  );
  const used = calls.reduce((n, c) => n + c.input_tokens + c.output_tokens, 0);
  assert.match(html, new RegExp(`Budget used: ${used.toLocaleString("en-US")} of 100,000 tokens`));
  assert.deepEqual(
    calls.slice(0, shapes.length).map((c) => c.reply_problem?.split(":")[0]),
    ["no text content (finish_reason", "the reply has no choices", "tool calls only, no text"]
      .concat(["refusal", "no text content (finish_reason"]),
  );
  const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
  // 5 empty replies: rounds 1 and 2 fell back (each had two), round 3's retry was answered.
  assert.equal(summary.validity.fallbacks, 2);
  assert.equal(summary.validity.llm_decisions, 6);
});
