/**
 * The society server over real HTTP with slow request bodies: a `POST /reset` whose body is
 * still arriving when a day starts is refused (409) once the body is in, and the running day
 * finishes with all its paid calls; a streamed body over the size limit is refused (413).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAX_BODY_BYTES, startSocietyServer } from "../../../lib/engines/society/server.ts";
import { startOpenAIServer } from "../../support/llm_servers.ts";

/** A request body that sends `text` only once `release` resolves. */
function slowBody(text: string, release: Promise<void>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      await release;
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function answer(
  res: Promise<Response>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await res;
  return { status: r.status, json: JSON.parse(await r.text()) };
}

async function slowServer(delayMs: number) {
  const reply = JSON.stringify({ request: 30, actions: [], statement: "ok" });
  const llm = startOpenAIServer(() => ({ delayMs, then: { reply } }));
  const agents = ["a", "b", "c"].map((name) => ({
    name,
    provider: "openai" as const,
    model: "gpt-4o-mini",
    base_url: llm.baseURL,
    api_key: "local-test-key",
  }));
  const dir = await Deno.makeTempDir({ prefix: "lab-society-race-" });
  const server = await startSocietyServer({
    request: {
      config: { days: 3 },
      seed: 0,
      agents,
      runsRoot: join(dir, "runs"),
      reportsRoot: join(dir, "reports"),
    },
    port: 0,
  });
  return { llm, server, dir };
}

Deno.test("society HTTP: a reset whose slow body arrives while a day runs is 409; the day completes", async () => {
  const { llm, server, dir } = await slowServer(400);
  await using _llm = llm;
  try {
    const u = server.url;
    const firstDir = server.session.dir;
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    // the reset's headers arrive while no day runs; its body only once a day is running
    const reset = answer(
      fetch(`${u}/reset`, {
        method: "POST",
        body: slowBody(JSON.stringify({ seed: 1 }), released),
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.session.busy, false);
    const day = answer(fetch(`${u}/run_next_emergent`, { method: "POST" }));
    await until(() => server.session.busy, "the day to start");
    release();
    const resetAnswer = await reset;
    assert.equal(resetAnswer.status, 409, JSON.stringify(resetAnswer.json));
    assert.match(String(resetAnswer.json.error), /a day is running/);
    const dayAnswer = await day;
    assert.equal(dayAnswer.status, 200, JSON.stringify(dayAnswer.json));
    assert.equal(dayAnswer.json.day, 1);
    // the session was not replaced: same run, the day kept, every paid call of it logged
    assert.equal(server.session.dir, firstDir);
    assert.equal(server.session.steps, 1);
    assert.equal(llm.count(), 3);
    const state = await answer(fetch(`${u}/current_state`));
    assert.equal(state.json.day, 1);
    const tokens = (state.json.tokens as { consumed: number }).consumed;
    assert.ok(tokens > 0);
    assert.equal(tokens, dayAnswer.json.total_token_consumed);
    // and the run goes on
    const next = await answer(fetch(`${u}/run_next_emergent`, { method: "POST" }));
    assert.equal(next.status, 200);
    assert.equal(next.json.day, 2);
  } finally {
    await server.shutdown();
  }
  assert.equal([...Deno.readDirSync(join(dir, "runs"))].length, 1);
});

Deno.test("society HTTP: a reset started while a day runs is 409 even with a slow body", async () => {
  const { llm, server } = await slowServer(400);
  await using _llm = llm;
  try {
    const u = server.url;
    const day = answer(fetch(`${u}/run_next_emergent`, { method: "POST" }));
    await until(() => server.session.busy, "the day to start");
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    const reset = answer(fetch(`${u}/reset`, { method: "POST", body: slowBody("{}", released) }));
    await new Promise((r) => setTimeout(r, 50));
    release();
    assert.equal((await reset).status, 409);
    const dayAnswer = await day;
    assert.equal(dayAnswer.status, 200);
    assert.equal(dayAnswer.json.day, 1);
    assert.equal(server.session.steps, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("society HTTP: a streamed body over the size limit is 413 and changes nothing", async () => {
  const { llm, server } = await slowServer(0);
  await using _llm = llm;
  try {
    const u = server.url;
    const firstDir = server.session.dir;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const big = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES + chunk.length) {
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await answer(fetch(`${u}/reset`, { method: "POST", body: big }));
    assert.equal(res.status, 413);
    assert.match(String(res.json.error), /^body: larger than/);
    assert.equal(server.session.dir, firstDir);
  } finally {
    await server.shutdown();
  }
});
