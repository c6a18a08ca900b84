/**
 * The LLM path's worst cases, measured against the local OpenAI-compatible server (nothing
 * here is a live run):
 *
 * 1. **Budget overshoot.** 12 seats share one budget (`--max-tokens 30000`) and call
 *    concurrently (a ~500-token system prompt each) until it refuses them; every reply is as
 *    long as the call allowed (`max_tokens`), the worst an obedient provider can do. Then the
 *    same with a provider that counts 20% more input than our `o200k_base` count, and with a
 *    server that ignores `max_tokens` and sends 10k-token replies, which no guard can prevent:
 *    the excess is bounded by what the calls in flight returned beyond their reservations.
 * 2. **Hostile replies.** `ask()` against a server whose first reply is 1 MB without
 *    whitespace (then a valid one): wall and CPU time of the whole call, retry included, and
 *    the tokens the retry sent; plus `countTokens` on 100 KB / 400 KB / 1 MB of unbroken text
 *    and of spaces.
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
import { countRequestTokens, countTokens } from "../lib/llm/tokens.ts";
import { startOpenAIServer } from "../tests/support/llm_servers.ts";

const SEATS = 12;
const MAX_TOKENS = 30_000;
const CAP = 600;

/** A system prompt of some 500 tokens, as the engines send. */
const SYSTEM = "You are a miner in a repeated game. Choose how to split your hash power. ".repeat(
  35,
);

/**
 * Plays SEATS seats against one budget until it refuses them; returns tokens used. The server
 * answers each call with `output` tokens (default: the call's cap) and reports its input as
 * our count times `inputFactor` (a provider whose tokenizer counts otherwise).
 */
async function overshoot(
  output: number | undefined,
  inputFactor: number,
): Promise<{ used: number; calls: number }> {
  await using server = startOpenAIServer((body) => {
    const cap = typeof body.max_tokens === "number" ? body.max_tokens : 4096;
    const out = output ?? cap;
    const messages = body.messages as { role: string; content: string }[];
    const input = Math.ceil(
      inputFactor * countRequestTokens({
        system: messages.find((m) => m.role === "system")?.content,
        messages: messages.filter((m) => m.role === "user") as { role: "user"; content: string }[],
      }),
    );
    return { delayMs: 5, then: { reply: "word ".repeat(out), usage: { input, output: out } } };
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
          system: SYSTEM,
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
const cases: [string, number | undefined, number][] = [
  [`replies at their cap (${CAP}), input as we count it`, undefined, 1],
  [`replies at their cap, input counted 20% higher by the provider (hypothetical)`, undefined, 1.2],
  ["replies of 10,000 tokens (a server that ignores max_tokens)", 10_000, 1],
];
for (const [name, output, factor] of cases) {
  const { used, calls } = await overshoot(output, factor);
  const over = Math.max(0, used - MAX_TOKENS);
  console.log(
    `| ${SEATS} seats, ${name} | ${fmt(used)} | ${fmt(MAX_TOKENS)} | ${fmt(over)} (${
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
for (
  const [size, text] of [100_000, 400_000, 1_000_000].flatMap((n) =>
    [
      [n, "ab1".repeat(n / 3)],
      [n, " ".repeat(n)],
    ] as [number, string][]
  )
) {
  const t0 = performance.now();
  const n = countTokens(text);
  console.log(
    `countTokens on ${fmt(size)} characters ${
      text[0] === " " ? "of spaces" : "without whitespace"
    }: ${(performance.now() - t0).toFixed(0)} ms (${fmt(n)} tokens)`,
  );
}
