/**
 * `deno run -A bench/latency_overhead.ts`: how much of an LLM run's wall time is waiting.
 * A 14-round blockchain run of 3 LLM miners (reflections after rounds 7 and 14) is played
 * against the local OpenAI-compatible server with 300 ms of latency per call, and again with
 * none. Decisions of a round and the reflections of a round are concurrent, so the run needs
 * 14 + 2 = 16 latency units; the script prints (wall_300 - wall_0) / (16 x 300 ms), whose
 * goal is <= 1.1. (Not a live run: the server is on 127.0.0.1.)
 *
 * @module
 */
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { startOpenAIServer } from "../tests/support/llm_servers.ts";

const LATENCY_MS = 300;
const ROUNDS = 14;
const UNITS = ROUNDS + 2;

/** Every call gets the same valid decision (a reflection keeps it as its text). */
const REPLY = '{"thought": "Keep building.", "action": [0.6, 0.3, 0.1]}';

async function timedRun(delayMs: number): Promise<{ ms: number; calls: number }> {
  const dir = await Deno.makeTempDir({ prefix: "lab-latency-" });
  await using server = startOpenAIServer(() =>
    delayMs ? { delayMs, then: { reply: REPLY } } : { reply: REPLY }
  );
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: ["miner_a", "miner_b", "miner_c"].map((name) => ({
        name,
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: server.baseURL,
      })),
    }),
  );
  const t0 = performance.now();
  const code = await main([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    String(ROUNDS),
    "--out",
    join(dir, "run"),
    "--no-report",
    "--quiet",
  ]);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`run failed with exit code ${code}`);
  await Deno.remove(dir, { recursive: true });
  return { ms, calls: server.count() };
}

const log = console.log;
console.log = () => {}; // the CLI's own lines
await timedRun(0); // warm-up: module loading and compilation are not latency
const none = await timedRun(0);
const slow = await timedRun(LATENCY_MS);
console.log = log;
const ratio = (slow.ms - none.ms) / (UNITS * LATENCY_MS);
console.log(
  `calls: ${slow.calls}; wall with 0 ms: ${none.ms.toFixed(0)} ms; with ${LATENCY_MS} ms: ${
    slow.ms.toFixed(0)
  } ms; difference / (${UNITS} x ${LATENCY_MS} ms) = ${ratio.toFixed(3)} (goal <= 1.1)`,
);
