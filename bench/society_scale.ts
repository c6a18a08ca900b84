/**
 * `deno run -A bench/society_scale.ts`: the society at scale through the run layer, as
 * `deno task run society` plays it (logs, checkpoints, summary; no report).
 *
 * 1. A 200-citizen, 30-day offline run (default policy mix, pool and token budget scaled
 *    with the citizen-days by `budgetConfig`): wall time and peak resident memory, sampled
 *    every 10 ms (goal: <= 5 s).
 * 2. A 200-citizen LLM run against the local OpenAI-compatible test server with
 *    `LATENCY_MS` of latency per call, 3 days: every citizen's call of a day is concurrent
 *    under the concurrency limit, so the run needs `days x ceil(200 / concurrency)`
 *    latency units; the script prints wall time over that, and the difference with the same
 *    run without latency over that (goal: <= 1.1: the latency is waited for once per unit).
 *    No real provider is called.
 *
 * @module
 */
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { budgetConfig } from "../lib/engines/society/prompt_budget.ts";
import { startOpenAIServer } from "../tests/support/llm_servers.ts";

const CITIZENS = 200;
const LATENCY_MS = 500;
const LLM_DAYS = 3;
const CONCURRENCY = 100;

async function cli(argv: string[]): Promise<void> {
  const log = console.log;
  console.log = () => {};
  try {
    const code = await main(argv);
    if (code !== 0) throw new Error(`run failed with exit code ${code}`);
  } finally {
    console.log = log;
  }
}

async function offline(): Promise<{ ms: number; peakMb: number; days: number }> {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-scale-" });
  const cfg = join(dir, "config.json");
  await Deno.writeTextFile(cfg, JSON.stringify(budgetConfig(CITIZENS, 30)));
  let peak = Deno.memoryUsage().rss;
  const timer = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 10);
  const t0 = performance.now();
  await cli(["society", "--config", cfg, "--out", join(dir, "run"), "--no-report", "--quiet"]);
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "run", "summary.json")));
  await Deno.remove(dir, { recursive: true });
  return { ms, peakMb: peak / 2 ** 20, days: summary.days_played };
}

async function llmRun(latency: number): Promise<{ ms: number; calls: number }> {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-llm-scale-" });
  const reply = JSON.stringify({ request: 30, actions: [], statement: "steady" });
  await using server = startOpenAIServer(() =>
    latency ? { delayMs: latency, then: { reply } } : { reply }
  );
  const names = Array.from({ length: CITIZENS }, (_, i) => `c${String(i + 1).padStart(3, "0")}`);
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: names.map((name) => ({
        name,
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: server.baseURL,
        api_key: "local-test-key",
        concurrency: CONCURRENCY,
      })),
    }),
  );
  const cfg = join(dir, "config.json");
  await Deno.writeTextFile(cfg, JSON.stringify(budgetConfig(CITIZENS, LLM_DAYS)));
  const t0 = performance.now();
  await cli([
    "society",
    "--agents",
    agents,
    "--config",
    cfg,
    "--out",
    join(dir, "run"),
    "--no-report",
    "--quiet",
  ]);
  const ms = performance.now() - t0;
  const calls = server.count();
  await Deno.remove(dir, { recursive: true });
  return { ms, calls };
}

await offline(); // warm-up: module loading and compilation
const o = await offline();
console.log(
  `offline ${CITIZENS} citizens x 30 days (${o.days} played): ${o.ms.toFixed(0)} ms, ` +
    `peak RSS ${o.peakMb.toFixed(0)} MB (goal <= 5000 ms)`,
);
await llmRun(0); // warm-up
const none = await llmRun(0);
const slow = await llmRun(LATENCY_MS);
const units = LLM_DAYS * Math.ceil(CITIZENS / CONCURRENCY);
const waited = units * LATENCY_MS;
console.log(
  `LLM ${CITIZENS} citizens x ${LLM_DAYS} days, concurrency ${CONCURRENCY}, ${slow.calls} calls: ` +
    `wall ${slow.ms.toFixed(0)} ms with ${LATENCY_MS} ms latency, ${
      none.ms.toFixed(0)
    } ms with none; ` +
    `wall / (${units} x ${LATENCY_MS} ms) = ${(slow.ms / waited).toFixed(2)}; ` +
    `(wall - wall with none) / (${units} x ${LATENCY_MS} ms) = ${
      ((slow.ms - none.ms) / waited).toFixed(2)
    } (goal <= 1.1)`,
);
