/**
 * One suite for every real chat client, run against local protocol servers on 127.0.0.1
 * that speak each provider's wire format (no real provider is reached), then the retry
 * wrapper over those clients.
 */
import assert from "node:assert/strict";
import { ChatError } from "../../lib/llm/chat_model.ts";
import type { ChatModel, ChatRequest } from "../../lib/llm/chat_model.ts";
import { OpenAIChatModel } from "../../lib/llm/openai.ts";
import { AnthropicChatModel } from "../../lib/llm/anthropic.ts";
import { sdkChatModel } from "../../lib/llm/sdk_client.ts";
import { redactSecrets } from "../../lib/core/redact.ts";
import { parseRetryAfter, RetryError, withRetry } from "../../lib/llm/retry.ts";
import { countRequestTokens, countTokens } from "../../lib/llm/tokens.ts";
import { Rng } from "../../lib/core/rng.ts";
import {
  type LlmServer,
  type ServerScript,
  startAnthropicServer,
  startOpenAIServer,
} from "../support/llm_servers.ts";

const KEY = "sk-test-9f8e7d6c5b4a3210-secret";
const SYSTEM = "You play the iterated prisoner's dilemma. Answer with JSON.";
const REQUEST: ChatRequest = {
  system: SYSTEM,
  messages: [
    { role: "user", content: "Round 1. Your move?" },
    { role: "assistant", content: '{"action": "C"}' },
    { role: "user", content: "Round 2. Your move?" },
  ],
};

interface ClientCase {
  name: string;
  start: (script: ServerScript) => LlmServer;
  make: (baseURL: string, options?: { timeoutMs?: number; model?: string }) => ChatModel;
  /** The model name a client reports, for `id`. */
  model: string;
  authHeader: (headers: Record<string, string>) => string | undefined;
  authValue: string;
  checkSystem: (body: Record<string, unknown>) => void;
  checkSampling: (body: Record<string, unknown>) => void;
}

const cases: ClientCase[] = [
  {
    name: "openai",
    start: startOpenAIServer,
    model: "gpt-4o-mini",
    make: (baseURL, options) =>
      new OpenAIChatModel({
        model: options?.model ?? "gpt-4o-mini",
        apiKey: KEY,
        baseURL,
        timeoutMs: options?.timeoutMs ?? 5000,
      }),
    authHeader: (h) => h["authorization"],
    authValue: `Bearer ${KEY}`,
    checkSystem(body) {
      assert.deepEqual(body.messages, [
        { role: "system", content: SYSTEM },
        ...REQUEST.messages,
      ]);
    },
    checkSampling(body) {
      assert.equal(body.temperature, 0.3);
      assert.equal(body.max_tokens, 64);
      assert.equal(body.max_completion_tokens, undefined);
      assert.equal(body.seed, 7);
    },
  },
  {
    name: "anthropic",
    start: startAnthropicServer,
    model: "claude-sonnet-4-5",
    make: (baseURL, options) =>
      new AnthropicChatModel({
        model: options?.model ?? "claude-sonnet-4-5",
        apiKey: KEY,
        baseURL,
        timeoutMs: options?.timeoutMs ?? 5000,
      }),
    authHeader: (h) => h["x-api-key"],
    authValue: KEY,
    checkSystem(body) {
      assert.deepEqual(body.system, [
        { type: "text", text: SYSTEM, cache_control: { type: "ephemeral" } },
      ]);
      assert.deepEqual(body.messages, REQUEST.messages);
    },
    checkSampling(body) {
      assert.equal(body.temperature, 0.3);
      assert.equal(body.max_tokens, 64);
      assert.equal(body.seed, undefined, "the Messages API has no seed");
    },
  },
];

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}

async function chatError(promise: Promise<unknown>): Promise<ChatError> {
  const error = await failure(promise);
  assert.ok(error instanceof ChatError, `expected a ChatError, got ${error}`);
  return error;
}

/** A sleep that records the wait and returns at once. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

for (const c of cases) {
  Deno.test(`${c.name}: a reply maps text, usage (cached included), model and latency`, async () => {
    await using server = c.start([
      { reply: '{"action": "D"}', usage: { input: 1200, output: 9, cached: 1024, cacheWrite: 0 } },
    ]);
    const model = c.make(server.baseURL);
    const reply = await model.complete(REQUEST);
    assert.equal(model.id, `${c.name}:${c.model}`);
    assert.equal(model.model, c.model);
    assert.equal(reply.text, '{"action": "D"}');
    // cacheWrite: reported by Anthropic (0 here), absent for OpenAI
    const { cacheWrite = 0, ...usage } = reply.usage;
    assert.deepEqual(usage, { input: 1200, output: 9, cached: 1024 });
    assert.equal(cacheWrite, 0);
    assert.equal(reply.model, c.model);
    assert.equal(reply.attempts, 1);
    assert.ok(reply.latencyMs > 0 && reply.latencyMs < 5000);
    assert.equal(server.count(), 1);
  });

  Deno.test(`${c.name}: default usage is the tokenizer's count of the real request`, async () => {
    await using server = c.start([{ reply: "Cooperate, always." }]);
    const reply = await c.make(server.baseURL).complete(REQUEST);
    const { cacheWrite: _, ...usage } = reply.usage;
    assert.deepEqual(usage, {
      input: countRequestTokens(REQUEST),
      output: countTokens("Cooperate, always."),
      cached: 0,
    });
  });

  Deno.test(`${c.name}: the system prompt goes in the provider's format`, async () => {
    await using server = c.start([{ reply: "ok" }]);
    await c.make(server.baseURL).complete(REQUEST);
    const [request] = server.requests;
    assert.equal(request.method, "POST");
    c.checkSystem(request.body);
    assert.equal(request.body.model, c.model);
    assert.equal(request.body.stream ?? false, false);
  });

  Deno.test(`${c.name}: temperature, max tokens and seed are sent`, async () => {
    await using server = c.start([{ reply: "ok" }]);
    await c.make(server.baseURL).complete({ ...REQUEST, temperature: 0.3, maxTokens: 64, seed: 7 });
    c.checkSampling(server.requests[0].body);
  });

  Deno.test(`${c.name}: the API key is sent in the provider's header`, async () => {
    await using server = c.start([{ reply: "ok" }]);
    await c.make(server.baseURL).complete(REQUEST);
    assert.equal(c.authHeader(server.requests[0].headers), c.authValue);
  });

  Deno.test(`${c.name}: 429 is a rate_limit ChatError with retryAfterMs`, async () => {
    await using server = c.start([{ status: 429, retryAfter: 3 }]);
    const error = await chatError(c.make(server.baseURL).complete(REQUEST));
    assert.equal(error.kind, "rate_limit");
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterMs, 3000);
    assert.equal(error.retryable, true);
    assert.match(error.message, /HTTP 429: .*rate limit/i);
  });

  Deno.test(`${c.name}: retry-after-ms wins over retry-after`, async () => {
    await using server = c.start([{ status: 429, retryAfter: 3, retryAfterMs: 1250 }]);
    const error = await chatError(c.make(server.baseURL).complete(REQUEST));
    assert.equal(error.retryAfterMs, 1250);
  });

  Deno.test(`${c.name}: 500, 503 and 529 are server errors`, async () => {
    await using server = c.start([{ status: 500 }, { status: 503 }, { status: 529 }]);
    const model = c.make(server.baseURL);
    for (const status of [500, 503, 529]) {
      const error = await chatError(model.complete(REQUEST));
      assert.equal(error.kind, "server");
      assert.equal(error.status, status);
      assert.equal(error.retryAfterMs, undefined);
      assert.equal(error.retryable, true);
    }
  });

  Deno.test(`${c.name}: 401 and 403 are auth errors, 400 and 404 client errors`, async () => {
    const expected = { 401: "auth", 403: "auth", 400: "client", 404: "client" } as const;
    const statuses = [401, 403, 400, 404] as const;
    await using server = c.start(statuses.map((status) => ({ status })));
    const model = c.make(server.baseURL);
    for (const status of statuses) {
      const error = await chatError(model.complete(REQUEST));
      assert.equal(error.kind, expected[status]);
      assert.equal(error.status, status);
      assert.equal(error.retryable, false);
    }
  });

  Deno.test(`${c.name}: a slow reply times out`, async () => {
    await using server = c.start([{ delayMs: 1000, then: { reply: "too late" } }]);
    const started = performance.now();
    const error = await chatError(c.make(server.baseURL, { timeoutMs: 200 }).complete(REQUEST));
    const elapsed = performance.now() - started;
    assert.equal(error.kind, "timeout");
    assert.match(error.message, /timed out after 200 ms/);
    assert.ok(elapsed >= 190 && elapsed < 900, `took ${elapsed} ms`);
  });

  Deno.test(`${c.name}: broken JSON and a body that is not an object are bad_response`, async () => {
    await using server = c.start([{ brokenJson: true }, { json: ["not", "an", "object"] }, {
      json: { id: "x", object: "nothing" },
    }]);
    const model = c.make(server.baseURL);
    const broken = await chatError(model.complete(REQUEST));
    assert.equal(broken.kind, "bad_response");
    assert.match(broken.message, /not valid JSON/);
    assert.ok(broken.cause instanceof SyntaxError);
    const array = await chatError(model.complete(REQUEST));
    assert.equal(array.kind, "bad_response");
    assert.equal(array.retryable, true);
    // An object without a completion is a reply without text, not an error.
    const empty = await model.complete(REQUEST);
    assert.equal(empty.text, "");
    assert.match(empty.problem ?? "", /no choices|no content/);
  });

  Deno.test(`${c.name}: a connection cut mid-body is a connection error`, async () => {
    await using server = c.start([{ reset: true }]);
    const error = await chatError(c.make(server.baseURL).complete(REQUEST));
    assert.equal(error.kind, "connection");
    assert.equal(error.retryable, true);
  });

  Deno.test(`${c.name}: a refused connection is a connection error`, async () => {
    const server = c.start([{ reply: "unused" }]);
    const baseURL = server.baseURL;
    await server.close();
    const error = await chatError(c.make(baseURL).complete(REQUEST));
    assert.equal(error.kind, "connection");
  });

  Deno.test(`${c.name}: garbage content comes back as text`, async () => {
    const nonsense = "as an AI I cannot ```json {action: maybe,,}";
    await using server = c.start([{ garbage: nonsense }]);
    const reply = await c.make(server.baseURL).complete(REQUEST);
    assert.equal(reply.text, nonsense);
  });

  Deno.test(`${c.name}: aborting the request rejects with the signal's reason`, async () => {
    await using server = c.start([{ delayMs: 1000, then: { reply: "late" } }]);
    const controller = new AbortController();
    const reason = new DOMException("game over", "AbortError");
    const pending = c.make(server.baseURL).complete({ ...REQUEST, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    assert.equal(await failure(pending), reason);
  });

  Deno.test(`${c.name}: the API key appears in no error`, async () => {
    await using server = c.start([
      { status: 429, retryAfter: 1 },
      { status: 500 },
      { status: 400 },
      { status: 401, message: `Incorrect API key provided: ${KEY}.` },
      { brokenJson: true },
      { reset: true },
      { delayMs: 1000, then: { reply: "late" } },
    ]);
    const model = c.make(server.baseURL, { timeoutMs: 200 });
    const kinds: string[] = [];
    for (let i = 0; i < 7; i++) {
      const error = await chatError(model.complete(REQUEST));
      kinds.push(error.kind);
      const cause = error.cause as Error;
      for (const text of [error.message, error.stack, cause?.message, cause?.stack]) {
        assert.ok(!String(text).includes(KEY), `key leaked by ${error.kind}: ${text}`);
      }
      if (error.status === 401) assert.match(error.message, /<redacted>/); // redactSecrets
      else assert.ok(!Deno.inspect(error, { depth: 10 }).includes(KEY));
    }
    assert.deepEqual(kinds, [
      "rate_limit",
      "server",
      "client",
      "auth",
      "bad_response",
      "connection",
      "timeout",
    ]);
    for (const request of server.requests) assert.equal(c.authHeader(request.headers), c.authValue);
  });

  // The retry wrapper over the real client.

  Deno.test(`${c.name} + withRetry: 429 with Retry-After, then success`, async () => {
    await using server = c.start([{ status: 429, retryAfter: 2 }, { reply: "ok" }]);
    const { waits, sleep } = recordingSleep();
    const model = withRetry(c.make(server.baseURL), { sleep, random: () => 0.5 });
    assert.equal(model.id, `${c.name}:${c.model}`);
    const reply = await model.complete(REQUEST);
    assert.equal(reply.text, "ok");
    assert.equal(reply.attempts, 2);
    assert.equal(server.count(), 2);
    assert.equal(waits.length, 1);
    assert.ok(waits[0] >= 2000, `waited ${waits[0]} ms`);
  });

  Deno.test(`${c.name} + withRetry: 500, 500, success takes 3 attempts`, async () => {
    await using server = c.start([{ status: 500 }, { status: 500 }, { reply: "ok" }]);
    const { waits, sleep } = recordingSleep();
    const infos: { attempt: number; kind: string; delayMs: number }[] = [];
    const model = withRetry(c.make(server.baseURL), {
      sleep,
      jitter: 0,
      onRetry: ({ attempt, error, delayMs }) => infos.push({ attempt, kind: error.kind, delayMs }),
    });
    const reply = await model.complete(REQUEST);
    assert.equal(reply.attempts, 3);
    assert.equal(server.count(), 3);
    assert.deepEqual(waits, [500, 1000]);
    assert.deepEqual(infos, [
      { attempt: 1, kind: "server", delayMs: 500 },
      { attempt: 2, kind: "server", delayMs: 1000 },
    ]);
  });

  Deno.test(`${c.name} + withRetry: persistent 500 gives up with RetryError`, async () => {
    await using server = c.start([{ status: 500 }]);
    const { waits, sleep } = recordingSleep();
    const model = withRetry(c.make(server.baseURL), { maxAttempts: 4, sleep });
    const error = await failure(model.complete(REQUEST));
    assert.ok(error instanceof RetryError);
    assert.equal(error.name, "RetryError");
    assert.equal(error.attempts, 4);
    assert.equal(error.cause, error.lastError);
    assert.equal(error.lastError.kind, "server");
    assert.match(error.message, /^LLM call failed after 4 attempts: server \(500\): /);
    assert.ok(!error.message.includes(KEY));
    assert.equal(server.count(), 4);
    assert.equal(waits.length, 3);
  });

  Deno.test(`${c.name} + withRetry: a 400 is not retried`, async () => {
    await using server = c.start([{ status: 400 }, { reply: "unused" }]);
    const { waits, sleep } = recordingSleep();
    const error = await chatError(withRetry(c.make(server.baseURL), { sleep }).complete(REQUEST));
    assert.equal(error.kind, "client");
    assert.equal(server.count(), 1);
    assert.deepEqual(waits, []);
  });

  Deno.test(`${c.name} + withRetry: a timeout is retried`, async () => {
    await using server = c.start([{ delayMs: 1000, then: { reply: "late" } }, { reply: "ok" }]);
    const { sleep } = recordingSleep();
    const model = withRetry(c.make(server.baseURL, { timeoutMs: 200 }), { sleep });
    const reply = await model.complete(REQUEST);
    assert.equal(reply.text, "ok");
    assert.equal(reply.attempts, 2);
    assert.equal(server.count(), 2);
  });
}

Deno.test("openai: reasoning models get max_completion_tokens", async () => {
  await using server = startOpenAIServer([{ reply: "ok" }]);
  for (const model of ["o3-mini", "gpt-5", "openai/o4-mini", "gpt-4.1"]) {
    const client = new OpenAIChatModel({ model, apiKey: KEY, baseURL: server.baseURL });
    await client.complete({ ...REQUEST, maxTokens: 100 });
  }
  const sent = server.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens]);
  assert.deepEqual(sent, [[undefined, 100], [undefined, 100], [undefined, 100], [100, undefined]]);
});

Deno.test("openai: no system prompt means no system message; organization is sent", async () => {
  await using server = startOpenAIServer([{ reply: "ok" }]);
  const model = new OpenAIChatModel({
    model: "gpt-4o-mini",
    apiKey: KEY,
    baseURL: server.baseURL,
    organization: "org-lab",
    defaultHeaders: { "x-lab": "1" },
  });
  await model.complete({ messages: [{ role: "user", content: "hi" }] });
  const [request] = server.requests;
  assert.deepEqual(request.body.messages, [{ role: "user", content: "hi" }]);
  assert.equal(request.headers["openai-organization"], "org-lab");
  assert.equal(request.headers["x-lab"], "1");
  assert.equal(request.path, "/v1/chat/completions");
});

Deno.test("anthropic: max_tokens defaults to 1024; usage adds cache reads and writes", async () => {
  await using server = startAnthropicServer([
    { reply: "ok", usage: { input: 2000, output: 3, cached: 1500, cacheWrite: 400 } },
  ]);
  const model = new AnthropicChatModel({
    model: "claude-haiku-4-5",
    apiKey: KEY,
    baseURL: server.baseURL,
  });
  const reply = await model.complete({ messages: [{ role: "user", content: "hi" }] });
  const [request] = server.requests;
  assert.equal(request.body.max_tokens, 1024);
  assert.equal(request.body.system, undefined);
  assert.equal(request.path, "/v1/messages");
  assert.ok(request.headers["anthropic-version"]);
  assert.equal(request.headers["authorization"], undefined);
  assert.deepEqual(reply.usage, { input: 2000, output: 3, cached: 1500, cacheWrite: 400 });
});

Deno.test("anthropic: several text blocks are concatenated", async () => {
  await using server = startAnthropicServer([{
    json: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [{ type: "text", text: '{"action": ' }, { type: "text", text: '"C"}' }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 4 },
    },
  }]);
  const model = new AnthropicChatModel({
    model: "claude-haiku-4-5",
    apiKey: KEY,
    baseURL: server.baseURL,
  });
  const reply = await model.complete(REQUEST);
  assert.equal(reply.text, '{"action": "C"}');
  assert.deepEqual(reply.usage, { input: 5, output: 4, cached: 0, cacheWrite: 0 });
});

Deno.test("clients reject bad options", () => {
  assert.throws(
    () => new OpenAIChatModel({ model: "m", apiKey: KEY, timeoutMs: 0 }),
    RangeError,
  );
  assert.throws(() => new OpenAIChatModel({ model: "", apiKey: KEY }), TypeError);
  assert.throws(
    () => new AnthropicChatModel({ model: "m", apiKey: KEY, maxTokens: 1.5 }),
    RangeError,
  );
});

Deno.test("sdkChatModel: options checked at once, the client's id, and requests served once the SDK loads", async () => {
  for (const provider of ["openai", "anthropic"] as const) {
    assert.throws(
      () => sdkChatModel(provider, { model: "m", apiKey: KEY, timeoutMs: 0 }),
      RangeError,
    );
    assert.throws(() => sdkChatModel(provider, { model: "", apiKey: KEY }), TypeError);
  }
  assert.throws(
    () => sdkChatModel("anthropic", { model: "m", apiKey: KEY, maxTokens: 1.5 }),
    RangeError,
  );
  // an endpoint's key in its query is scrubbed from the start, before any request
  const secret = "q-secret-5e1f9a7c3b";
  sdkChatModel("openai", {
    model: "m",
    apiKey: KEY,
    baseURL: `http://127.0.0.1:9/v1?api_key=${secret}`,
  });
  assert.ok(!redactSecrets(`the url has ${secret}`).includes(secret));
  for (const c of cases) {
    await using server = c.start([{ reply: '{"action": "C"}' }]);
    const model = sdkChatModel(c.name as "openai" | "anthropic", {
      model: c.model,
      apiKey: KEY,
      baseURL: server.baseURL,
    });
    assert.equal(model.id, `${c.name}:${c.model}`);
    assert.equal((await model.complete(REQUEST)).text, '{"action": "C"}');
    assert.equal(c.authHeader(server.requests[0].headers), c.authValue);
  }
});

// The retry wrapper on its own.

function failing(errors: unknown[]): ChatModel & { calls: number } {
  const model = {
    id: "fake:m",
    model: "m",
    calls: 0,
    complete(_request: ChatRequest) {
      const error = errors[Math.min(model.calls++, errors.length - 1)];
      if (error === undefined) {
        return Promise.resolve({
          text: "ok",
          usage: { input: 1, output: 1, cached: 0 },
          model: "m",
          latencyMs: 1,
        });
      }
      return Promise.reject(error);
    },
  };
  return model;
}

Deno.test("withRetry: rejects bad options with RangeError", () => {
  const model = failing([undefined]);
  for (
    const options of [
      { maxAttempts: 0 },
      { maxAttempts: 1.5 },
      { baseDelayMs: -1 },
      { maxDelayMs: Infinity },
      { multiplier: 0.5 },
      { jitter: 1.5 },
      { jitter: NaN },
      { maxRetryAfterMs: -5 },
    ]
  ) {
    assert.throws(() => withRetry(model, options), RangeError, JSON.stringify(options));
  }
});

Deno.test("withRetry: backoff grows, is capped and jittered by the given random", async () => {
  const server = new ChatError("HTTP 500", "server", 500);
  const rng = new Rng(42);
  const draws: number[] = [];
  const random = () => {
    const x = rng.next();
    draws.push(x);
    return x;
  };
  const { waits, sleep } = recordingSleep();
  const model = withRetry(failing([server, server, server, server, server, undefined]), {
    maxAttempts: 6,
    baseDelayMs: 100,
    maxDelayMs: 500,
    multiplier: 3,
    jitter: 0.5,
    random,
    sleep,
  });
  const reply = await model.complete(REQUEST);
  assert.equal(reply.attempts, 6);
  const backoffs = [100, 300, 500, 500, 500];
  assert.deepEqual(waits, backoffs.map((b, i) => b * (1 - 0.5 * draws[i])));
  for (const [i, w] of waits.entries()) assert.ok(w >= backoffs[i] / 2 && w <= backoffs[i]);
});

Deno.test("withRetry: Retry-After is honoured and capped by maxRetryAfterMs", async () => {
  const limited = (ms: number) => new ChatError("HTTP 429", "rate_limit", 429, ms);
  const { waits, sleep } = recordingSleep();
  const model = withRetry(failing([limited(10), limited(5000), limited(999_999), undefined]), {
    baseDelayMs: 100,
    jitter: 0,
    maxRetryAfterMs: 60_000,
    sleep,
  });
  await model.complete(REQUEST);
  assert.deepEqual(waits, [100, 5000, 60_000]);
});

Deno.test("withRetry: non-retryable and foreign errors propagate at once", async () => {
  const { waits, sleep } = recordingSleep();
  const auth = new ChatError("HTTP 401", "auth", 401);
  const authModel = failing([auth]);
  assert.equal(await failure(withRetry(authModel, { sleep }).complete(REQUEST)), auth);
  const bug = new TypeError("bug");
  const bugModel = failing([bug]);
  assert.equal(await failure(withRetry(bugModel, { sleep }).complete(REQUEST)), bug);
  assert.equal(authModel.calls + bugModel.calls, 2);
  assert.deepEqual(waits, []);
});

Deno.test("withRetry: maxAttempts 1 wraps the single failure in RetryError", async () => {
  const error = await failure(
    withRetry(failing([new ChatError("x timed out", "timeout")]), { maxAttempts: 1 })
      .complete(REQUEST),
  );
  assert.ok(error instanceof RetryError);
  assert.equal(error.message, "LLM call failed after 1 attempts: timeout: x timed out");
});

Deno.test("withRetry: the default sleep waits for real and stops when the signal aborts", async () => {
  const server = new ChatError("HTTP 500", "server", 500);
  const quick = withRetry(failing([server, undefined]), { baseDelayMs: 5, jitter: 0 });
  const started = performance.now();
  await quick.complete(REQUEST);
  assert.ok(performance.now() - started >= 4);

  const controller = new AbortController();
  const slow = withRetry(failing([server, undefined]), { baseDelayMs: 60_000 });
  const pending = slow.complete({ ...REQUEST, signal: controller.signal });
  setTimeout(() => controller.abort(new Error("stop")), 5);
  const error = await failure(pending);
  assert.ok(error instanceof Error);
  assert.equal(error.message, "stop");
});

Deno.test("parseRetryAfter reads milliseconds, seconds and HTTP dates", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  const h = (init: Record<string, string>) => new Headers(init);
  assert.equal(parseRetryAfter(h({ "retry-after": "7" }), now), 7000);
  assert.equal(parseRetryAfter(h({ "retry-after": "0.5" }), now), 500);
  assert.equal(parseRetryAfter(h({ "retry-after-ms": "120", "retry-after": "7" }), now), 120);
  assert.equal(parseRetryAfter(h({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }), now), 30_000);
  assert.equal(parseRetryAfter(h({ "retry-after": "Tue, 31 Dec 2024 23:00:00 GMT" }), now), 0);
  assert.equal(parseRetryAfter(h({ "retry-after": "soon" }), now), undefined);
  assert.equal(parseRetryAfter(h({}), now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});
