/**
 * A run killed mid-way (SIGKILL, no chance to clean up) resumes from its logs and ends with
 * the same summary.json as an uninterrupted run with the same seed; so does a run stopped
 * with Ctrl-C (SIGINT), which stops cleanly at a checkpoint and exits 130.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { exists, ipdReply, runCli } from "../support/cli.ts";

const MAIN = new URL("../../lib/cli/main.ts", import.meta.url).pathname;

/** Writes the agents file: an LLM seat on the local server (key from the env) and a policy. */
async function writeAgents(dir: string, baseURL: string): Promise<string> {
  const agentsPath = join(dir, "agents.json");
  await Deno.writeTextFile(
    agentsPath,
    JSON.stringify({
      agents: [
        {
          name: "gpt",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: baseURL,
          api_key_env: "LAB_TEST_KEY",
        },
        { name: "rnd", provider: "policy", policy: "random" },
      ],
    }),
  );
  return agentsPath;
}

/** Waits until `path` has more than `lines` lines (at most 10 s). */
async function waitForLines(path: string, lines: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    await new Promise((r) => setTimeout(r, 25));
    try {
      if ((await Deno.readTextFile(path)).split("\n").length > lines) return;
    } catch { /* not yet */ }
  }
}

Deno.test("resume after a run killed mid-way gives the uninterrupted summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-kill-" });
  await using server = startOpenAIServer((body) => ({
    delayMs: 60,
    then: { reply: ipdReply(body) },
  }));
  const agentsPath = await writeAgents(dir, server.baseURL);
  const env = { ...Deno.env.toObject(), LAB_TEST_KEY: "k" };
  const killedDir = join(dir, "killed");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "ipd",
      "--agents",
      agentsPath,
      "--rounds",
      "20",
      "--seed",
      "3",
      "--out",
      killedDir,
      "--no-report",
      "--quiet",
    ],
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  // wait until some rounds are logged, then kill without warning
  const decisions = join(killedDir, "decisions.jsonl");
  await waitForLines(decisions, 10);
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.success, false, "the child was killed before finishing");
  const linesAtKill = (await Deno.readTextFile(decisions)).trim().split("\n").length;
  assert.ok(linesAtKill >= 10 && linesAtKill < 40, `killed mid-way (${linesAtKill} rows)`);

  Deno.env.set("LAB_TEST_KEY", "k");
  try {
    const resumed = await runCli(["--resume", killedDir, "--no-report", "--quiet"]);
    assert.equal(resumed.code, 0, resumed.err);
    const full = await runCli([
      "ipd",
      "--agents",
      agentsPath,
      "--rounds",
      "20",
      "--seed",
      "3",
      "--out",
      join(dir, "full"),
      "--no-report",
      "--quiet",
    ]);
    assert.equal(full.code, 0, full.err);
  } finally {
    Deno.env.delete("LAB_TEST_KEY");
  }
  assert.equal(
    await Deno.readTextFile(join(killedDir, "summary.json")),
    await Deno.readTextFile(join(dir, "full", "summary.json")),
  );
  const rows = (await Deno.readTextFile(decisions)).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(rows.length, 40, "every round logged exactly once");
  assert.deepEqual(
    rows.map((r) => r.round),
    Array.from({ length: 40 }, (_, i) => Math.floor(i / 2) + 1),
  );
});

Deno.test("Ctrl-C stops a run cleanly at a checkpoint (exit 130); resume gives the full summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-sigint-" });
  await using server = startOpenAIServer((body) => ({
    delayMs: 60,
    then: { reply: ipdReply(body) },
  }));
  const agentsPath = await writeAgents(dir, server.baseURL);
  const runDir = join(dir, "stopped");
  const args = ["--agents", agentsPath, "--rounds", "20", "--seed", "3", "--no-report"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "ipd", ...args, "--out", runDir, "--quiet"],
    env: { ...Deno.env.toObject(), LAB_TEST_KEY: "k" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await waitForLines(join(runDir, "decisions.jsonl"), 6);
  child.kill("SIGINT");
  const { code, stderr } = await child.output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 130, err);
  const m = /stopped after step (\d+): interrupted/.exec(err);
  assert.ok(m, err);
  const steps = Number(m[1]);
  assert.ok(steps >= 3 && steps < 20, `stopped mid-way (step ${steps})`);
  assert.ok(err.includes(`resume with: deno task run --resume ${runDir}`), err);
  assert.ok(!err.includes("--max-tokens"), "no budget hint for an interrupt");
  assert.equal(await exists(join(runDir, ".lock")), false, "the lock is released");
  assert.equal(await exists(join(runDir, "summary.json")), false);
  const checkpoints = (await Deno.readTextFile(join(runDir, "checkpoints.jsonl"))).trim()
    .split("\n").map((l) => JSON.parse(l));
  assert.equal(checkpoints.at(-1).round, steps, "the last checkpoint is the stop");
  assert.deepEqual(checkpoints.at(-1).validity, { llm_decisions: steps, fallbacks: 0 });

  Deno.env.set("LAB_TEST_KEY", "k");
  try {
    const resumed = await runCli(["--resume", runDir, "--no-report", "--quiet"]);
    assert.equal(resumed.code, 0, resumed.err);
    const full = await runCli(["ipd", ...args, "--out", join(dir, "full"), "--quiet"]);
    assert.equal(full.code, 0, full.err);
  } finally {
    Deno.env.delete("LAB_TEST_KEY");
  }
  assert.equal(
    await Deno.readTextFile(join(runDir, "summary.json")),
    await Deno.readTextFile(join(dir, "full", "summary.json")),
  );
  assert.equal(server.count(), 20 + 20, "the resumed run did not repeat the steps before the stop");
});

/**
 * Starts a scripted run, sends Ctrl-C `afterMs` after its first checkpoint, and returns the
 * step it says it stopped after (it must exit 130, interrupted).
 */
async function interruptedAt(args: string[], afterMs: number, prefix: string): Promise<number> {
  const runDir = join(await Deno.makeTempDir({ prefix }), "run");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args, "--out", runDir, "--no-report", "--quiet"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // the round-0 checkpoint is written when the run starts
  await waitForLines(join(runDir, "checkpoints.jsonl"), 0);
  await new Promise((r) => setTimeout(r, afterMs));
  child.kill("SIGINT");
  const { code, stderr } = await child.output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 130, err);
  const m = /stopped after step (\d+): interrupted/.exec(err);
  assert.ok(m, err);
  return Number(m[1]);
}

Deno.test("Ctrl-C stops a long scripted run (synchronous steps) cleanly, mid-way", async () => {
  const args = ["ipd", "--rounds", "10000000", "--log-decisions", "none"];
  const step = await interruptedAt([...args, "--checkpoint-every", "end"], 500, "lab-sigint-sync-");
  assert.ok(step > 0 && step < 10_000_000, `stopped mid-way (step ${step})`);
});

Deno.test("Ctrl-C stops a run of slow synchronous steps (a large scripted society) mid-way", async () => {
  const config = JSON.stringify({ citizens: 3000, days: 30 });
  const day = await interruptedAt(["society", "--config", config], 300, "lab-sigint-slow-");
  assert.ok(day < 30, `stopped mid-way (day ${day})`);
});
