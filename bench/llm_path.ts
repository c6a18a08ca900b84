/**
 * The LLM path's worst cases, measured against the local OpenAI-compatible server (nothing
 * here is a live run):
 *
 * 1. **Budget overshoot.** 12 seats share one budget (`--max-tokens 30000`) and call
 *    concurrently until it refuses them; every reply is as long as the call allowed
 *    (`max_tokens`), the worst an obedient provider can do. Then the same with a server that
 *    ignores `max_tokens` and sends ~10k-token replies, which no guard can prevent: the excess
 *    is bounded by what the calls in flight returned beyond their cap.
 * 2. **Hostile replies.** `ask()` against a server whose first reply is 1 MB without
 *    whitespace (then a valid one): wall and CPU time of the whole call, retry included, and
 *    the tokens the retry sent; plus `countTokens` on 100 KB / 400 KB / 1 MB of unbroken text.
 *
 * ```sh
 * deno run -A bench/llm_path.ts
 * ```
 *
 * @module
 */
import process from "node:process";
import { z } from "zod";
import { ask } from "../lib/agents/ask.ts";
import { CallRecorder } from "../lib/agents/call_recorder.ts";
import { Budget, BudgetExceededError } from "../lib/llm/budget.ts";
import { createChatModel } from "../lib/llm/factory.ts";
import { countTokens } from "../lib/llm/tokens.ts";
import { startOpenAIServer } from "../tests/support/llm_servers.ts";

const SEATS = 12;
const MAX_TOKENS = 30_000;
const CAP = 600;

/** Plays SEATS seats against one budget until it refuses them; returns tokens used. */
async function overshoot(disobey: boolean): Promise<{ used: number; calls: number }> {
  await using server = startOpenAIServer((body) => {
    const cap = typeof body.max_tokens === "number" ? body.max_tokens : 4096;
    const output = disobey ? 10_000 : cap;
    return { delayMs: 5, then: { reply: "word ".repeat(output), usage: { output } } };
  });
  const budget = new Budget({ maxTokens: MAX_TOKENS });
  let calls = 0;
  await Promise.all(Array.from({ length: SEATS }, async (_, i) => {
    const model = createChatModel({
      name: `seat${i}`,
      provider: "openai",
      model: "gpt-4o-mini",
      base_url: server.baseURL,
    }, { budget, seed: 0 });
    for (let round = 0;; round++) {
      try {
        await model.complete({
          messages: [{ role: "user", content: `Round ${round}: your move?` }],
          maxTokens: CAP,
        });
        calls++;
      } catch (e) {
        if (e instanceof BudgetExceededError) return;
        throw e;
      }
    }
  }));
  return { used: budget.tokens, calls };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function hostile(): Promise<{ wallMs: number; cpuMs: number; retryInput: number }> {
  const huge = "x".repeat(1_000_000);
  await using server = startOpenAIServer([
    // fixed usage: the server does not tokenise, so the figures are the client's alone
    { reply: huge, usage: { input: 20, output: 250_000 } },
    { reply: '{"action": "C"}', usage: { input: 20, output: 5 } },
  ]);
  const budget = new Budget({ maxTokens: 10_000_000 });
  const guarded = createChatModel({
    name: "a",
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: server.baseURL,
  }, { budget });
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const out = await ask({
    model: guarded,
    agent: "a",
    purpose: "decision",
    recorder: new CallRecorder(),
    schema: z.object({ action: z.enum(["C", "D"]) }),
    request: { messages: [{ role: "user", content: "move?" }], maxTokens: 50 },
  });
  const wallMs = performance.now() - t0;
  const used = cpuMs() - cpu0;
  if (!out.ok) throw new Error("the retry should have parsed");
  const retry = server.requests[1].body.messages as { content: string }[];
  const retryInput = retry.reduce((n, m) => n + countTokens(m.content), 0);
  return { wallMs, cpuMs: used, retryInput };
}

const fmt = (n: number) => n.toLocaleString("en-US");
console.log(`| case | tokens used | of --max-tokens | overshoot | calls |`);
console.log(`|---|---|---|---|---|`);
for (const disobey of [false, true]) {
  const { used, calls } = await overshoot(disobey);
  const over = Math.max(0, used - MAX_TOKENS);
  console.log(
    `| ${SEATS} seats, replies ${
      disobey ? "~10k tokens (server ignores max_tokens)" : `at max_tokens ${CAP}`
    } | ${fmt(used)} | ${fmt(MAX_TOKENS)} | ${fmt(over)} (${
      (100 * over / MAX_TOKENS).toFixed(1)
    }%) | ${calls} |`,
  );
}
console.log();
const h = await hostile();
console.log(
  `ask() with a 1 MB unbroken reply, then a valid one: ${h.wallMs.toFixed(0)} ms wall, ${
    h.cpuMs.toFixed(0)
  } ms CPU (server included), the retry sent ${fmt(h.retryInput)} input tokens`,
);
for (const size of [100_000, 400_000, 1_000_000]) {
  const text = "ab1".repeat(size / 3);
  const t0 = performance.now();
  const n = countTokens(text);
  console.log(
    `countTokens on ${fmt(size)} characters without whitespace: ${
      (performance.now() - t0).toFixed(0)
    } ms (${fmt(n)} tokens)`,
  );
}
