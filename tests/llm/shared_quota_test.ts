/**
 * One quota per key across a sweep: the workers' stand-in limiters lease from one broker on
 * the main thread, so `concurrency: 1` means one call in flight at the provider however many
 * workers run, and a dead worker's leases come back.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createChatModel } from "../../lib/llm/factory.ts";
import {
  LimitBroker,
  type LimitBroker as Broker,
  type LimitRequest,
  RemoteLimits,
} from "../../lib/llm/limit_broker.ts";
import { RateLimiter } from "../../lib/llm/limits.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { SweepIndexRowSchema } from "../../lib/core/sweep_dir.ts";
import { ipdReply, runCli } from "../support/cli.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";

const KEY = "openai|default|1a2b3c4d";
const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

/** A broker and `n` workers' views of it, each over its own channel (as a sweep wires them). */
function wire(n: number, broker: Broker = new LimitBroker()) {
  const workers = Array.from({ length: n }, () => {
    const { port1, port2 } = new MessageChannel();
    return { link: broker.connect(port1), remote: new RemoteLimits(port2) };
  });
  return {
    broker,
    workers,
    [Symbol.dispose]() {
      for (const w of workers) {
        w.link.close();
        w.remote.close();
      }
    },
  };
}

/** Settles `p` into a flag, to see whether it has settled yet. */
function watch<T>(p: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  p.then((v) => {
    state.settled = true;
    state.value = v;
  }, (e) => {
    state.settled = true;
    state.error = e;
  });
  return state;
}

Deno.test("limit broker: workers share one concurrency slot", async () => {
  using w = wire(3);
  const limits = { concurrency: 1 };
  const first = await w.workers[0].remote.limiter(KEY, limits).acquire(10);
  const second = watch(w.workers[1].remote.limiter(KEY, limits).acquire(10));
  const third = watch(w.workers[2].remote.limiter(KEY, limits).acquire(10));
  await tick(20);
  assert.equal(w.broker.limiter(KEY)!.inFlight, 1);
  assert.ok(!second.settled && !third.settled, "the other workers wait");
  first.release(7);
  await tick(20);
  assert.ok(second.settled && !third.settled, "first come, first served");
  second.value!.release();
  await tick(20);
  assert.ok(third.settled);
  third.value!.release();
  await tick(20);
  assert.equal(w.broker.limiter(KEY)!.inFlight, 0);
});

Deno.test("limit broker: requests per minute are one window for every worker (fake clock)", async () => {
  let t = 0;
  const waits: number[] = [];
  const limiter = new RateLimiter({
    requestsPerMinute: 2,
    now: () => t,
    sleep: (ms) => {
      waits.push(ms);
      t += ms;
      return Promise.resolve();
    },
  });
  using w = wire(3, new LimitBroker(new Map([[KEY, limiter]])));
  for (const { remote } of w.workers) {
    (await remote.limiter(KEY, { requestsPerMinute: 2 }).acquire()).release();
  }
  assert.deepEqual(waits, [60_000], "the third call, from a third worker, waited for the window");
});

Deno.test("limit broker: the first seat to name a quota sets its limits", async () => {
  using w = wire(2);
  (await w.workers[0].remote.limiter(KEY, { concurrency: 1 }).acquire()).release();
  const other = w.workers[1].remote.limiter(KEY, { concurrency: 5 });
  const a = await other.acquire();
  const b = watch(other.acquire());
  await tick(20);
  assert.ok(!b.settled, "concurrency 1 holds: the later seat's 5 is ignored");
  a.release();
  await tick(20);
  assert.ok(b.settled);
  b.value!.release();
});

Deno.test("limit broker: closing a worker's link frees its leases and withdraws its waits", async () => {
  using w = wire(3);
  const limits = { concurrency: 1 };
  const [dying, waitingToo, alive] = w.workers;
  await dying.remote.limiter(KEY, limits).acquire();
  const lost = watch(waitingToo.remote.limiter(KEY, limits).acquire());
  const next = watch(alive.remote.limiter(KEY, limits).acquire());
  await tick(20);
  assert.equal(dying.link.leases, 1);
  assert.equal(waitingToo.link.waiting, 1);
  dying.link.close(); // the pool does this when it terminates a worker or the worker dies
  waitingToo.link.close();
  await tick(20);
  assert.equal(dying.link.leases, 0);
  assert.equal(waitingToo.link.waiting, 0);
  assert.ok(!lost.settled, "a closed worker is never granted");
  assert.ok(next.settled, "the live worker got the slot");
  assert.equal(w.broker.limiter(KEY)!.inFlight, 1);
  next.value!.release();
  await tick(20);
  assert.equal(w.broker.limiter(KEY)!.inFlight, 0);
});

Deno.test("limit broker: aborting a waiting call rejects it and hands the slot on", async () => {
  using w = wire(3);
  const limits = { concurrency: 1 };
  const held = await w.workers[0].remote.limiter(KEY, limits).acquire();
  const stop = new AbortController();
  const aborted = w.workers[1].remote.limiter(KEY, limits).acquire(5, stop.signal);
  const next = watch(w.workers[2].remote.limiter(KEY, limits).acquire());
  await tick(20);
  stop.abort(new Error("run stopped"));
  await assert.rejects(aborted, /run stopped/);
  await tick(20);
  assert.equal(w.workers[1].link.waiting, 0, "withdrawn at the broker too");
  held.release();
  await tick(20);
  assert.ok(next.settled && !next.error, "the next in line gets the slot, not the aborted call");
  assert.equal(w.broker.limiter(KEY)!.inFlight, 1);
  next.value!.release();
  await tick(20);
  assert.equal(w.broker.limiter(KEY)!.inFlight, 0);
  const early = new AbortController();
  early.abort(new Error("already"));
  await assert.rejects(
    w.workers[1].remote.limiter(KEY, limits).acquire(1, early.signal),
    /already/,
  );
});

Deno.test("limit broker: bad limits are refused, not granted", async () => {
  using w = wire(1);
  await assert.rejects(
    w.workers[0].remote.limiter(KEY, { concurrency: 0 }).acquire(),
    /'concurrency' must be a positive integer/,
  );
  await assert.rejects(w.workers[0].remote.limiter("k2", {}).acquire(-1), RangeError);
});

Deno.test("limit broker: messages carry the key's hash, never the API key", async () => {
  await using server = startOpenAIServer([{ reply: "ok" }]);
  const secret = "sk-shared-quota-SECRET-0123456789";
  const broker = new LimitBroker();
  const { port1, port2 } = new MessageChannel();
  const link = broker.connect(port1);
  const serve = port1.onmessage!;
  const seen: LimitRequest[] = [];
  port1.onmessage = (e) => {
    seen.push(e.data);
    serve.call(port1, e);
  };
  const remote = new RemoteLimits(port2);
  try {
    const model = createChatModel({
      name: "gpt",
      provider: "openai",
      model: "gpt-4o-mini",
      base_url: server.baseURL,
      api_key: secret,
      concurrency: 2,
    }, { limits: remote });
    assert.equal(
      (await model.complete({ messages: [{ role: "user", content: "hi" }] })).text,
      "ok",
    );
    await tick(20);
    assert.deepEqual(seen.map((m) => m.kind), ["acquire", "release"]);
    assert.ok(!JSON.stringify(seen).includes("SECRET"));
    assert.equal(link.leases, 0);
  } finally {
    link.close();
    remote.close();
  }
});

Deno.test("sweep: --workers 3, one seat of two naming concurrency 1: one call in flight at the provider", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-sweep-quota-" });
  await using backend = startOpenAIServer((body) => ({
    delayMs: 40,
    then: { reply: ipdReply(body) },
  }));
  // A pass-through in front of the test server that measures calls in flight.
  let inFlight = 0;
  let most = 0;
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      const url = new URL(req.url);
      const res = await fetch(new URL(url.pathname, backend.baseURL), {
        method: req.method,
        headers: req.headers,
        body: await req.text(),
      });
      return new Response(await res.text(), { status: res.status, headers: res.headers });
    } finally {
      inFlight--;
    }
  });
  try {
    const agents = join(dir, "agents.json");
    const seat = (name: string, limits: Record<string, number>) => ({
      name,
      provider: "openai",
      model: "gpt-4o-mini",
      base_url: `http://127.0.0.1:${proxy.addr.port}/v1`,
      api_key: "sk-one-key-for-the-sweep-0000",
      ...limits,
    });
    // Only the second seat names the limit: the first, on the same key, is held to it too.
    await Deno.writeTextFile(
      agents,
      JSON.stringify({ agents: [seat("gpt_a", {}), seat("gpt_b", { concurrency: 1 })] }),
    );
    const gridPath = join(dir, "grid.json");
    await Deno.writeTextFile(
      gridPath,
      JSON.stringify({ experiment: "ipd", base: { rounds: 3 }, grid: { rounds: [3] } }),
    );
    const out = join(dir, "sw");
    const r = await runCli([
      "--sweep",
      gridPath,
      "--seeds",
      "0..5",
      "--workers",
      "3",
      "--agents",
      agents,
      "--out",
      out,
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
    const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
    assert.equal(rows.filter((x) => x.status === "completed").length, 6);
    assert.equal(backend.count(), 6 * 3 * 2, "6 runs x 3 rounds x 2 seats");
    assert.equal(most, 1, `calls in flight at the provider: at most ${most}`);
  } finally {
    await proxy.shutdown();
  }
});

// Last: a worker started before the sweep's would make Deno type-check the sweep workers anew.
Deno.test("limit broker: a terminated worker's leases are released", async () => {
  using w = wire(1);
  const worker = new Worker(new URL("../support/limit_worker.ts", import.meta.url), {
    type: "module",
  });
  const { port1, port2 } = new MessageChannel();
  const link = w.broker.connect(port1);
  const holding = new Promise((resolve) => worker.onmessage = resolve);
  worker.postMessage({ port: port2, key: KEY }, [port2]);
  await holding;
  assert.equal(link.leases, 1);
  const waiting = watch(w.workers[0].remote.limiter(KEY, { concurrency: 1 }).acquire());
  await tick(20);
  assert.ok(!waiting.settled);
  worker.terminate();
  link.close();
  await tick(20);
  assert.ok(waiting.settled, "the terminated worker's slot went to the next worker");
  waiting.value!.release();
});
