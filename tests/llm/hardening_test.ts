/**
 * Hardening regressions of the LLM layer: attempts counted as requests (no silent re-send),
 * every attempt's outcome and the whole wait in latency, failed calls recorded, redaction of
 * keys a server echoes, structured outputs, and a budget that does not depend on the order
 * in which concurrent calls finish.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { ask } from "../../lib/agents/ask.ts";
import { CallRecorder } from "../../lib/agents/call_recorder.ts";
import type { LlmCallRecord } from "../../lib/core/records.ts";
import { redactSecrets } from "../../lib/core/redact.ts";
import { parseAgentsFile } from "../../lib/llm/agents_file.ts";
import { AnthropicChatModel } from "../../lib/llm/anthropic.ts";
import { Budget, withBudget } from "../../lib/llm/budget.ts";
import {
  ChatError,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
} from "../../lib/llm/chat_model.ts";
import { createChatModel } from "../../lib/llm/factory.ts";
import { OpenAIChatModel } from "../../lib/llm/openai.ts";
import { costUsd } from "../../lib/llm/pricing.ts";
import { RetryError, withRetry } from "../../lib/llm/retry.ts";
import { replySchema, structuredByDefault } from "../../lib/llm/structured.ts";
import {
  startAnthropicServer,
  startDroppingOpenAIServer,
  startOpenAIServer,
} from "../support/llm_servers.ts";

const hi: ChatRequest = { messages: [{ role: "user", content: "hi" }] };

Deno.test("hardening: a dropped connection is a counted attempt, never a silent re-send", async () => {
  // every second request is dropped without an answer: a pooled client re-sends it unseen
  await using server = startDroppingOpenAIServer(() => "ok", (i) => i % 2 === 1);
  const model = withRetry(
    new OpenAIChatModel({ model: "gpt-4o-mini", apiKey: "k", baseURL: server.baseURL }),
    { baseDelayMs: 0, jitter: 0 },
  );
  let attempts = 0;
  for (let i = 0; i < 6; i++) attempts += (await model.complete(hi)).attempts ?? 1;
  assert.equal(attempts, server.count(), "every request the server saw is a counted attempt");
  assert.ok(attempts > 6, `resets were retried and counted (${attempts})`);
});

Deno.test("hardening: the attempt log has every outcome; latency includes retries and backoff", async () => {
  let calls = 0;
  const flaky: ChatModel = {
    id: "t",
    model: "t",
    complete: () =>
      ++calls < 3 ? Promise.reject(new ChatError("HTTP 503", "server", 503)) : Promise.resolve({
        text: "ok",
        usage: { input: 1, output: 1, cached: 0 },
        model: "t",
        latencyMs: 0.5,
      }),
  };
  const model = withRetry(flaky, {
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    baseDelayMs: 20,
    jitter: 0,
  });
  const reply = await model.complete(hi);
  assert.equal(reply.attempts, 3);
  assert.deepEqual(reply.attemptLog?.map((a) => [a.attempt, a.outcome, a.status]), [
    [1, "server", 503],
    [2, "server", 503],
    [3, "ok", undefined],
  ]);
  assert.deepEqual(reply.attemptLog?.map((a) => a.wait_ms), [20, 40, undefined]);
  // 20 + 40 ms of backoff were waited: the latency says so (not the last attempt's 0.5 ms)
  assert.ok(reply.latencyMs >= 55, `latency ${reply.latencyMs}`);
});

Deno.test("hardening: a call that runs out of retries leaves a row with its attempts", async () => {
  await using server = startOpenAIServer([{ status: 500 }]);
  const model = withRetry(
    new OpenAIChatModel({ model: "gpt-4o-mini", apiKey: "k", baseURL: server.baseURL }),
    { maxAttempts: 3, baseDelayMs: 0, jitter: 0 },
  );
  const rows: LlmCallRecord[] = [];
  const recorder = new CallRecorder();
  recorder.attach((r) => rows.push(r));
  await assert.rejects(
    ask({ model, request: hi, schema: z.object({}), agent: "a", purpose: "decision", recorder }),
    RetryError,
  );
  assert.equal(rows.length, 1);
  const row = rows[0] as LlmCallRecord & { failed?: boolean; attempt_log?: unknown[] };
  assert.equal(row.failed, true);
  assert.equal(row.attempts, 3);
  assert.equal(row.attempt_log?.length, 3);
  assert.match(row.error ?? "", /HTTP 500/);
  assert.equal(server.count(), 3);
});

Deno.test("hardening: a key the server echoes is redacted everywhere, the SDK's error included", async () => {
  const key = "plain-6c1e0b9a8f7d";
  await using server = startOpenAIServer([{
    status: 401,
    message: `Incorrect API key provided: ${key}`,
  }]);
  const model = new OpenAIChatModel({ model: "gpt-4o-mini", apiKey: key, baseURL: server.baseURL });
  const error = await model.complete(hi).catch((e) => e as ChatError);
  assert.ok(error instanceof ChatError);
  const cause = error.cause as Error;
  for (const text of [error.message, error.stack, cause.message, cause.stack]) {
    assert.doesNotMatch(String(text), new RegExp(key));
  }
  // the key is registered: the one redaction function knows it from now on
  assert.equal(redactSecrets(`got ${key}`), "got <redacted>");
});

Deno.test("hardening: a base_url with credentials or another scheme is refused", () => {
  const spec = (base_url: string) => ({
    agents: [{ name: "a", provider: "openai", model: "m", base_url }],
  });
  assert.throws(
    () => parseAgentsFile(spec("http://u:p@h/v1"), "a.json"),
    /a\.json\.agents\[0\]\.base_url: must not contain credentials/,
  );
  assert.throws(
    () => parseAgentsFile(spec("ftp://h/v1"), "a.json"),
    /a\.json\.agents\[0\]\.base_url: must be an http: or https: URL, got ftp:/,
  );
  assert.equal(parseAgentsFile(spec("https://h/v1"), "a.json").agents[0].base_url, "https://h/v1");
});

Deno.test("hardening: structured output: strict schema, default per model, sent by both clients", async () => {
  const s = replySchema(
    "move",
    z.object({ action: z.enum(["C", "D"]), note: z.string().optional() }),
  );
  assert.deepEqual(s?.json.required, ["action", "note"]);
  assert.equal(s?.json.additionalProperties, false);
  assert.equal(s?.json.$schema, undefined);
  assert.equal(replySchema("bad", z.string().transform((x) => x.length)), undefined);

  assert.equal(structuredByDefault("openai", "gpt-4o-mini", undefined), true);
  assert.equal(structuredByDefault("openai", "gpt-4o-mini", "https://api.openai.com/v1"), true);
  assert.equal(structuredByDefault("openai", "gpt-4o-mini", "http://localhost:11434/v1"), false);
  assert.equal(structuredByDefault("openai", "gpt-3.5-turbo", undefined), false);
  assert.equal(structuredByDefault("anthropic", "claude-sonnet-4-5", undefined), false);
  const [spec] = parseAgentsFile({
    agents: [{ name: "a", provider: "openai", model: "gpt-4o", api_key: "k" }],
  }, "a.json").agents;
  assert.equal(createChatModel(spec).structured, true);

  await using openai = startOpenAIServer([{ structured: { action: "C" } }]);
  await using anthropic = startAnthropicServer([{ structured: { action: "D" } }]);
  const schema = z.object({ action: z.enum(["C", "D"]) });
  for (
    const [model, want] of [
      [
        new OpenAIChatModel({ model: "m", apiKey: "k", baseURL: openai.baseURL, structured: true }),
        "C",
      ],
      [
        new AnthropicChatModel({
          model: "m",
          apiKey: "k",
          baseURL: anthropic.baseURL,
          structured: true,
        }),
        "D",
      ],
    ] as const
  ) {
    const out = await ask({
      model,
      request: hi,
      schema,
      agent: "a",
      purpose: "decision",
      recorder: new CallRecorder(),
    });
    assert.deepEqual(out.ok && out.value, { action: want });
  }
  // without structured output the same server refuses (it checks the schema was sent)
  const plain = new OpenAIChatModel({ model: "m", apiKey: "k", baseURL: openai.baseURL });
  await assert.rejects(
    ask({
      model: plain,
      request: hi,
      schema,
      agent: "a",
      purpose: "d",
      recorder: new CallRecorder(),
    }),
    /structured output expected/,
  );
});

Deno.test("hardening: budget.usd does not depend on the order concurrent calls finish", async () => {
  // usages whose float costs sum differently in different orders
  const usages = [3, 7, 11, 13, 17, 19, 23].map((k) => ({
    input: 1000 * k + 1,
    output: 333 * k,
    cached: 0,
  }));
  const naive = (order: number[]) =>
    order.reduce((t, i) => t + costUsd("gpt-4o-mini", usages[i]), 0);
  const forward = [0, 1, 2, 3, 4, 5, 6];
  const orders = [forward, [...forward].reverse(), [3, 0, 6, 1, 5, 2, 4]];
  assert.ok(
    new Set(orders.map(naive)).size > 1,
    "the fixture must expose float order dependence",
  );
  const totals: number[] = [];
  for (const order of orders) {
    const budget = new Budget({ maxUsd: 100 });
    const gates = usages.map(() => Promise.withResolvers<void>());
    let next = 0;
    const model: ChatModel = {
      id: "openai:gpt-4o-mini",
      model: "gpt-4o-mini",
      async complete(): Promise<ChatResponse> {
        const i = next++;
        await gates[i].promise;
        return { text: "", usage: usages[i], model: "gpt-4o-mini", latencyMs: 0 };
      },
    };
    const wrapped = withBudget(model, budget);
    const calls = usages.map(() => wrapped.complete(hi));
    // finish the calls one at a time in the given order
    for (const i of order) {
      gates[i].resolve();
      await calls[i];
    }
    totals.push(budget.usd);
  }
  assert.equal(new Set(totals).size, 1, `totals ${totals}`);
  // a checkpointed total restores exactly
  const restored = new Budget();
  restored.usd = totals[0];
  assert.equal(restored.usd, totals[0]);
});
