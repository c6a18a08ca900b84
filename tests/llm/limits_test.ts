/** Concurrency and rate limits, with a fake clock: no test sleeps for real beyond a few ms. */
import assert from "node:assert/strict";
import type { ChatModel, ChatRequest, ChatResponse } from "../../lib/llm/chat_model.ts";
import { RateLimiter, withLimits } from "../../lib/llm/limits.ts";
import { countRequestTokens } from "../../lib/llm/tokens.ts";

/** A clock whose sleeps return at once after moving time forward. */
function fakeClock() {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    sleep: (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      waits.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

/** A model that answers after `work()` and counts calls in flight. */
function busyModel(
  work: () => Promise<unknown>,
  usage = { input: 10, output: 5, cached: 0 },
): ChatModel & { inFlight: number; maxInFlight: number; order: string[] } {
  const model = {
    id: "fake:busy",
    model: "busy",
    inFlight: 0,
    maxInFlight: 0,
    order: [] as string[],
    async complete(request: ChatRequest): Promise<ChatResponse> {
      model.order.push(request.messages[0]?.content ?? "");
      model.inFlight++;
      model.maxInFlight = Math.max(model.maxInFlight, model.inFlight);
      try {
        await work();
        return { text: "ok", usage, model: "busy", latencyMs: 1 };
      } finally {
        model.inFlight--;
      }
    },
  };
  return model;
}

const ask = (content: string, maxTokens?: number): ChatRequest => ({
  messages: [{ role: "user", content }],
  maxTokens,
});

Deno.test("withLimits: concurrency is never exceeded and callers start in order", async () => {
  const inner = busyModel(() => tick(2));
  const limiter = new RateLimiter({ concurrency: 3 });
  const model = withLimits(inner, limiter);
  assert.equal(model.id, inner.id);
  assert.equal(model.model, inner.model);
  const names = Array.from({ length: 12 }, (_, i) => `call ${i}`);
  const replies = await Promise.all(names.map((n) => model.complete(ask(n))));
  assert.equal(replies.length, 12);
  assert.equal(inner.maxInFlight, 3);
  assert.deepEqual(inner.order, names);
  assert.equal(limiter.inFlight, 0);
});

Deno.test("RateLimiter: one limiter shared by two models caps them together", async () => {
  const limiter = new RateLimiter({ concurrency: 2 });
  let inFlight = 0;
  let maxInFlight = 0;
  const work = async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await tick(1);
    inFlight--;
  };
  const a = withLimits(busyModel(work), limiter);
  const b = withLimits(busyModel(work), limiter);
  await Promise.all([a, b, a, b, a, b, a, b].map((m, i) => m.complete(ask(`${i}`))));
  assert.equal(maxInFlight, 2);
});

Deno.test("RateLimiter: a failed call frees its slot", async () => {
  const limiter = new RateLimiter({ concurrency: 1 });
  const failing = withLimits(busyModel(() => Promise.reject(new Error("boom"))), limiter);
  await assert.rejects(failing.complete(ask("x")), /boom/);
  assert.equal(limiter.inFlight, 0);
  const ok = withLimits(busyModel(() => Promise.resolve()), limiter);
  assert.equal((await ok.complete(ask("y"))).text, "ok");
});

Deno.test("RateLimiter: requests per minute, sliding window on a fake clock", async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter({ requestsPerMinute: 2, now: clock.now, sleep: clock.sleep });
  const starts: number[] = [];
  const inner = busyModel(() => {
    starts.push(clock.now());
    return Promise.resolve();
  });
  const model = withLimits(inner, limiter);
  await Promise.all(["a", "b", "c", "d", "e"].map((n) => model.complete(ask(n))));
  assert.deepEqual(starts, [0, 0, 60_000, 60_000, 120_000]);
  assert.deepEqual(clock.waits, [60_000, 60_000]);
  assert.deepEqual(inner.order, ["a", "b", "c", "d", "e"]);
});

Deno.test("RateLimiter: the window slides: a call waits only for the oldest to expire", async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter({ requestsPerMinute: 2, now: clock.now, sleep: clock.sleep });
  (await limiter.acquire()).release();
  clock.set(45_000);
  (await limiter.acquire()).release();
  clock.set(50_000);
  (await limiter.acquire()).release(); // waits for the call at 0 to leave the window
  assert.deepEqual(clock.waits, [10_000]);
  assert.equal(clock.now(), 60_000);
});

Deno.test("RateLimiter: tokens per minute waits until enough tokens leave the window", async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter({ tokensPerMinute: 1000, now: clock.now, sleep: clock.sleep });
  (await limiter.acquire(600)).release();
  clock.set(30_000);
  (await limiter.acquire(300)).release();
  assert.deepEqual(clock.waits, []);
  clock.set(40_000);
  (await limiter.acquire(300)).release(); // 1200 > 1000: the 600 at t=0 must expire first
  assert.deepEqual(clock.waits, [20_000]);
  assert.equal(clock.now(), 60_000);
  assert.equal(limiter.tokensInWindow(), 600);
});

Deno.test("RateLimiter: actual usage replaces the estimate", async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter({ tokensPerMinute: 1000, now: clock.now, sleep: clock.sleep });
  const first = await limiter.acquire(800);
  assert.equal(limiter.tokensInWindow(), 800);
  first.release(100);
  first.release(5000); // a second release is ignored
  assert.equal(limiter.tokensInWindow(), 100);
  (await limiter.acquire(800)).release();
  assert.deepEqual(clock.waits, []);
  assert.equal(limiter.tokensInWindow(), 900);
});

Deno.test("RateLimiter: a call larger than the budget waits for an empty window", async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter({ tokensPerMinute: 1000, now: clock.now, sleep: clock.sleep });
  (await limiter.acquire(5000)).release(); // alone in the window: admitted
  clock.set(10_000);
  (await limiter.acquire(10)).release();
  assert.deepEqual(clock.waits, [50_000]);
  (await limiter.acquire(2000)).release(); // the 10 at t=60000 must leave first
  assert.deepEqual(clock.waits, [50_000, 60_000]);
});

Deno.test("withLimits: the estimate is request tokens plus maxTokens, then actual usage", async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter({ tokensPerMinute: 10_000, now: clock.now, sleep: clock.sleep });
  const request = ask("Round 3. Your move?", 400);
  let during = -1;
  const inner = busyModel(() => {
    during = limiter.tokensInWindow();
    return Promise.resolve();
  }, { input: 500, output: 120, cached: 0 });
  await withLimits(inner, limiter).complete(request);
  assert.equal(during, countRequestTokens(request) + 400);
  assert.equal(limiter.tokensInWindow(), 620);
});

Deno.test("withLimits: tokens per minute delays the third call on a fake clock", async () => {
  const clock = fakeClock();
  const starts: number[] = [];
  const inner = busyModel(() => {
    starts.push(clock.now());
    return Promise.resolve();
  }, { input: 300, output: 100, cached: 0 });
  const model = withLimits(inner, {
    tokensPerMinute: 1000,
    now: clock.now,
    sleep: clock.sleep,
  });
  // Estimates are ~257 tokens, actual usage 400: the third call sees 800 + 257 > 1000.
  for (const n of ["a", "b", "c"]) await model.complete(ask(n, 250));
  assert.deepEqual(starts, [0, 0, 60_000]);
  assert.deepEqual(clock.waits, [60_000]);
});

Deno.test("RateLimiter: aborting a waiting caller rejects it and lets the next one in", async () => {
  const limiter = new RateLimiter({ concurrency: 1 });
  const held = await limiter.acquire();
  const controller = new AbortController();
  const reason = new Error("gave up");
  const abandoned = limiter.acquire(0, controller.signal);
  const next = limiter.acquire();
  controller.abort(reason);
  await assert.rejects(abandoned, (e) => e === reason);
  assert.equal(limiter.inFlight, 1);
  held.release();
  (await next).release();
  assert.equal(limiter.inFlight, 0);
  await assert.rejects(limiter.acquire(0, AbortSignal.abort(reason)), (e) => e === reason);
});

Deno.test("RateLimiter: aborting during a rate wait frees the slot", async () => {
  const limiter = new RateLimiter({ requestsPerMinute: 1, concurrency: 5 });
  (await limiter.acquire()).release();
  const controller = new AbortController();
  const waiting = limiter.acquire(0, controller.signal); // real 60 s wait, cut short
  await tick();
  assert.equal(limiter.inFlight, 1);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  assert.equal(limiter.inFlight, 0);
});

Deno.test("RateLimiter: rejects bad limits with RangeError", async () => {
  for (
    const options of [
      { concurrency: 0 },
      { concurrency: 1.5 },
      { requestsPerMinute: -1 },
      { tokensPerMinute: NaN },
    ]
  ) {
    assert.throws(() => new RateLimiter(options), RangeError, JSON.stringify(options));
    assert.throws(() => withLimits(busyModel(() => Promise.resolve()), options), RangeError);
  }
  await assert.rejects(new RateLimiter().acquire(-1), RangeError);
});
