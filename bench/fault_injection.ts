/**
 * Fault injection: N LLM runs against the local OpenAI-compatible server with about 20% of
 * requests failing (500, 429 with Retry-After, a connection cut mid-body, a truncated JSON
 * body, a reply slower than the timeout, a body that stalls half-way past the timeout), and M runs killed with SIGKILL at a random moment
 * then resumed. Each is compared with an undisturbed run of the same seed: a run "lost no
 * round" when it completed with `decisions.jsonl` identical to the reference; a resume is
 * "byte-identical" when `summary.json` and `decisions.jsonl` both are.
 *
 * ```sh
 * deno run -A bench/fault_injection.ts [N=20] [M=10]
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { ipdReply, runCli } from "../tests/support/cli.ts";
import { startOpenAIServer, type Step } from "../tests/support/llm_servers.ts";

const N = Number(Deno.args[0] ?? 20);
const M = Number(Deno.args[1] ?? 10);
const ROUNDS = 20;
const FAULT_SHARE = 0.2;
const MAIN = new URL("../lib/cli/main.ts", import.meta.url).pathname;

let state = 0x9e3779b9;
function random(): number {
  state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
  return state / 2 ** 32;
}

const faults: Record<string, number> = {};
let faultsOn = false;
function script(body: Record<string, unknown>): Step {
  const reply: Step = { reply: ipdReply(body) };
  if (!faultsOn || random() >= FAULT_SHARE) return { delayMs: 20, then: reply };
  const kinds: [string, Step][] = [
    ["http_500", { status: 500 }],
    ["http_429", { status: 429, retryAfterMs: 50 }],
    ["reset", { reset: true }],
    ["broken_json", { brokenJson: true }],
    ["slow", { delayMs: 1500, then: reply }],
    // headers and half the body at once, the rest after the deadline
    ["slow_body", { stallBody: { ms: 1500, reply: ipdReply(body) } }],
  ];
  const [name, step] = kinds[Math.floor(random() * kinds.length)];
  faults[name] = (faults[name] ?? 0) + 1;
  return step;
}

await using server = startOpenAIServer(script);
const dir = await Deno.makeTempDir({ prefix: "lab-faults-" });
const agents = join(dir, "agents.json");
await Deno.writeTextFile(
  agents,
  JSON.stringify({
    agents: [
      {
        name: "gpt",
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: server.baseURL,
        api_key_env: "LAB_FAULT_KEY",
        timeout_ms: 1000,
        max_attempts: 10,
      },
      { name: "tft", provider: "policy", policy: "tit_for_tat" },
    ],
  }),
);
Deno.env.set("LAB_FAULT_KEY", "k-fault");
const args = (out: string) => [
  "ipd",
  "--agents",
  agents,
  "--rounds",
  String(ROUNDS),
  "--seed",
  "7",
  "--out",
  out,
  "--no-report",
  "--quiet",
];
const read = (run: string, file: string) => Deno.readTextFile(join(run, file)).catch(() => "");

const ref = join(dir, "reference");
const r0 = await runCli(args(ref));
if (r0.code !== 0) throw new Error(`reference run failed: ${r0.err}`);
const refDecisions = await read(ref, "decisions.jsonl");
const refSummary = await read(ref, "summary.json");

faultsOn = true;
let noLoss = 0;
let requests = 0;
let attempts = 0;
let failedAttempts = 0;
const before = server.count();
for (let i = 0; i < N; i++) {
  const run = join(dir, `faults-${i}`);
  const r = await runCli(args(run));
  const calls = (await read(run, "llm_calls.jsonl")).trim().split("\n").filter(Boolean)
    .map((l) => JSON.parse(l));
  attempts += calls.reduce((t, c) => t + c.attempts, 0);
  failedAttempts += calls.reduce(
    (t, c) =>
      t + (c.attempt_log ?? []).filter((a: { outcome: string }) => a.outcome !== "ok").length,
    0,
  );
  if (r.code === 0 && (await read(run, "decisions.jsonl")) === refDecisions) noLoss++;
  else console.error(`run ${i}: exit ${r.code} ${r.err.split("\n")[0]}`);
}
requests = server.count() - before;
faultsOn = false;

let identical = 0;
let midRun = 0;
for (let i = 0; i < M; i++) {
  const run = join(dir, `killed-${i}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args(run)],
    stdout: "null",
    stderr: "null",
  }).spawn();
  // the child needs ~0.5-1 s to start; the run itself takes ~1 s more
  await new Promise((r) => setTimeout(r, 400 + random() * 1400));
  try {
    child.kill("SIGKILL");
  } catch {
    // already done
  }
  await child.status;
  const done = await read(run, "summary.json");
  if (!done) {
    midRun++;
    const r = await runCli(["--resume", run, "--no-report", "--quiet"]);
    if (r.code !== 0) console.error(`resume ${i}: exit ${r.code} ${r.err.split("\n")[0]}`);
  }
  const same = (await read(run, "summary.json")) === refSummary &&
    (await read(run, "decisions.jsonl")) === refDecisions;
  if (same) identical++;
  else console.error(`killed run ${i}: differs from the reference`);
}

console.log(JSON.stringify(
  {
    rounds: ROUNDS,
    fault_runs: N,
    completed_no_lost_round: noLoss,
    faults_injected: faults,
    requests_seen_by_server: requests,
    attempts_logged: attempts,
    failed_attempts_logged: failedAttempts,
    killed_runs: M,
    killed_before_the_end: midRun,
    resumed_byte_identical: identical,
  },
  null,
  1,
));
await server.close();
