/**
 * A run killed mid-way (SIGKILL, no chance to clean up) resumes from its logs and ends with
 * the same summary.json as an uninterrupted run with the same seed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { ipdReply, runCli } from "../support/cli.ts";

const MAIN = new URL("../../lib/cli/main.ts", import.meta.url).pathname;

Deno.test("resume after a run killed mid-way gives the uninterrupted summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-kill-" });
  await using server = startOpenAIServer((body) => ({
    delayMs: 60,
    then: { reply: ipdReply(body) },
  }));
  const agentsPath = join(dir, "agents.json");
  await Deno.writeTextFile(
    agentsPath,
    JSON.stringify({
      agents: [
        {
          name: "gpt",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: server.baseURL,
          api_key_env: "LAB_TEST_KEY",
        },
        { name: "rnd", provider: "policy", policy: "random" },
      ],
    }),
  );
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
  for (let i = 0; i < 400; i++) {
    await new Promise((r) => setTimeout(r, 25));
    try {
      if ((await Deno.readTextFile(decisions)).split("\n").length > 10) break;
    } catch { /* not yet */ }
  }
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
