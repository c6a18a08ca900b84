/**
 * Hardening regressions at the CLI: values refused at validation (exit 2, naming the file,
 * agent and field, no run directory), secrets never printed or saved, and what a failed
 * run leaves behind (every attempt logged, the final error in the run directory, the
 * resume command printed).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, ipdReply, runCli } from "../support/cli.ts";
import { startAnthropicServer, startOpenAIServer } from "../support/llm_servers.ts";

const dir = await Deno.makeTempDir({ prefix: "lab-hard-" });
let serial = 0;

/** Writes an agents file with one OpenAI seat (extended by `extra`) and two policies. */
async function agentsFile(
  extra: Record<string, unknown>,
  baseURL = "http://127.0.0.1:9/v1",
): Promise<string> {
  const path = join(dir, `agents-${++serial}.json`);
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [
        {
          name: "llm",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: baseURL,
          api_key: "k",
          ...extra,
        },
        { name: "b", provider: "policy", policy: "honest" },
        { name: "c", provider: "policy", policy: "greedy" },
      ],
    }),
  );
  return path;
}

async function jsonFile(value: unknown): Promise<string> {
  const path = join(dir, `file-${++serial}.json`);
  await Deno.writeTextFile(path, JSON.stringify(value));
  return path;
}

const refused: { name: string; argv: () => Promise<string[]>; message: RegExp }[] = [
  {
    name: "timeout_ms of 2^31 (Node would clamp it to 1 ms)",
    argv: async () => ["blockchain", "--agents", await agentsFile({ timeout_ms: 2 ** 31 })],
    message: /^error: .*agents-\d+\.json\.agents\[0\]\.timeout_ms: must be at most 2147483647/,
  },
  ...["ftp://127.0.0.1/v1", "file:///etc/passwd", "javascript:alert(1)"].map((url) => ({
    name: `base_url ${url.split(":")[0]}:`,
    argv: async () => ["blockchain", "--agents", await agentsFile({ base_url: url })],
    message: /^error: .*agents-\d+\.json\.agents\[0\]\.base_url: must be an http: or https: URL/,
  })),
  {
    name: "base_url with credentials",
    argv: async () => [
      "blockchain",
      "--agents",
      await agentsFile({ base_url: "http://bob:hunter2@127.0.0.1:9/v1" }),
    ],
    message:
      /^error: .*agents-\d+\.json\.agents\[0\]\.base_url: must not contain credentials \(user:password@\); put the key in api_key_env$/,
  },
  {
    name: "an agent named constructor",
    argv: async () => ["blockchain", "--agents", await agentsFile({ name: "constructor" })],
    message: /^error: .*agents-\d+\.json\.agents\[0\]\.name: 'constructor' is reserved/,
  },
  {
    name: "a miner named constructor",
    argv: async () => [
      "blockchain",
      "--config",
      await jsonFile({ miners: ["constructor", "b", "c"] }),
    ],
    message: /^error: config\.miners\[0\]: 'constructor' is reserved/,
  },
  {
    name: "requests_per_minute 1.5",
    argv: async () => ["blockchain", "--agents", await agentsFile({ requests_per_minute: 1.5 })],
    message:
      /^error: .*agents-\d+\.json\.agents\[0\]\.requests_per_minute: expected an integer, got 1\.5$/,
  },
  {
    name: "--cache pointing to a file",
    argv:
      async () => ["blockchain", "--agents", await agentsFile({}), "--cache", await jsonFile({})],
    message: /^error: --cache: .*file-\d+\.json exists and is not a directory$/,
  },
  {
    name: "an unwritable --out",
    argv: () => Promise.resolve(["ipd", "--out", "/proc/lab-hardening/run"]),
    message: /^error: --out: cannot write under \/proc(\/lab-hardening\/run)?: /,
  },
  {
    name: "an unwritable --reports",
    argv: () => Promise.resolve(["ipd", "--reports", "/proc/lab-hardening/reports"]),
    message: /^error: --reports: cannot write under \/proc(\/lab-hardening\/reports)?: /,
  },
  {
    name: "--rounds 1000000000 on blockchain",
    argv: () => Promise.resolve(["blockchain", "--rounds", "1000000000"]),
    message: /^error: config\.rounds: must be at most 1000000, got 1000000000$/,
  },
  {
    name: "R: 1e308 (rewards would overflow)",
    argv: async () => ["blockchain", "--config", await jsonFile({ R: 1e308 })],
    message: /^error: config\.R: rewards would not be finite/,
  },
];

for (const c of refused) {
  Deno.test(`hardening: refused at validation: ${c.name}`, async () => {
    const argv = await c.argv();
    const out = join(dir, `run-${++serial}`);
    const r = await runCli([
      ...argv,
      ...(argv.includes("--out") ? [] : ["--out", out]),
      "--no-report",
      "--quiet",
    ].filter((a, _i, all) => !(a === "--no-report" && all.includes("--reports"))));
    assert.equal(r.code, 2, `exit code (stderr: ${r.err})`);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.match(r.err.trim(), c.message);
    assert.doesNotMatch(r.err, /--allow-/, "no Deno flag suggested");
    assert.equal(await exists(out), false, "no run directory left behind");
  });
}

Deno.test("hardening: duplicate names in a replay file are named as such, not config.miners", async () => {
  const record = (round: number) => ({
    round,
    action: [1, 0, 0],
    reward: 1,
    cumulative: round,
    self_eta: 1,
    honest_eta: 1,
  });
  const replay = await jsonFile({
    config: { alpha: [0.3, 0.3], honest_power: 0.4, rounds: 2 },
    agents: ["x", "x"].map((name) => ({ name, records: [record(1), record(2)] })),
    honest_group_efficiency_trace: [1, 1],
    honesty_convergence: true,
    parasitic_equilibrium: false,
    avg_late_constructive: 1,
    avg_late_parasitic: 0,
    avg_late_destructive: 0,
    reward_ranking: [0, 1],
  });
  const config = await jsonFile({ alpha: [0.3, 0.3], honest_power: 0.4, rounds: 2 });
  const r = await runCli([
    "blockchain",
    "--replay",
    replay,
    "--config",
    config,
    "--out",
    join(dir, "replay-dup"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err.trim(), /^error: --replay: .*: agents\[1\]\.name: duplicate miner name 'x'$/);
});

Deno.test("hardening: LAB_DEBUG never prints a literal key echoed by the server", async () => {
  const key = "literal-7f3a9c2e1d5b";
  await using server = startOpenAIServer([{
    status: 401,
    message: `Incorrect API key provided: Bearer ${key}. Basic Ym9iOmh1bnRlcjI=`,
  }]);
  const agents = await agentsFile({ api_key: key }, server.baseURL);
  Deno.env.set("LAB_DEBUG", "1");
  try {
    const r = await runCli([
      "blockchain",
      "--agents",
      agents,
      "--rounds",
      "2",
      "--out",
      join(dir, "debug"),
      "--no-report",
      "--quiet",
    ]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /HTTP 401/);
    assert.match(r.err, /cause:/, "LAB_DEBUG shows the cause chain");
    assert.doesNotMatch(r.err, new RegExp(key));
    assert.doesNotMatch(r.err, /Ym9iOmh1bnRlcjI/);
    for await (const e of Deno.readDir(join(dir, "debug"))) {
      const text = await Deno.readTextFile(join(dir, "debug", e.name));
      assert.doesNotMatch(text, new RegExp(key), e.name);
    }
  } finally {
    Deno.env.delete("LAB_DEBUG");
  }
});

Deno.test("hardening: a server answering 500 leaves every attempt, the final error and the resume command", async () => {
  await using server = startOpenAIServer([{ status: 500 }]);
  const agents = await agentsFile({ max_attempts: 2 }, server.baseURL);
  const run = join(dir, "fail500");
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "2",
    "--out",
    run,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 1, r.err);
  assert.equal(server.count(), 2);
  assert.match(r.err, new RegExp(`run: ${run}`));
  assert.match(r.err, new RegExp(`resume with: deno task run --resume ${run}`));
  const rows = (await Deno.readTextFile(join(run, "llm_calls.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, 1, "the failed call has a row");
  assert.equal(rows[0].attempts, 2);
  assert.equal(rows[0].failed, true);
  assert.match(rows[0].error, /HTTP 500/);
  assert.deepEqual(rows[0].attempt_log.map((a: { outcome: string }) => a.outcome), [
    "server",
    "server",
  ]);
  const error = JSON.parse(await Deno.readTextFile(join(run, "error.json")));
  assert.equal(error.step, 1);
  assert.match(error.error, /HTTP 500/);
  // the run stays resumable (here it fails again the same way)
  const again = await runCli(["--resume", run, "--agents", agents, "--no-report", "--quiet"]);
  assert.equal(again.code, 1, again.err);
  assert.equal(server.count(), 4);
});

Deno.test("hardening: resume allows changes that do not alter the experiment", async () => {
  await using server = startOpenAIServer([{ reply: '{"thought": "t", "action": [1, 0, 0]}' }]);
  const before = await agentsFile({}, server.baseURL);
  const run = join(dir, "resume-ok");
  const cut = await runCli([
    "blockchain",
    "--agents",
    before,
    "--rounds",
    "4",
    "--out",
    run,
    "--max-tokens",
    "500",
    "--no-report",
    "--quiet",
  ]);
  assert.equal(cut.code, 3, cut.err);
  Deno.env.set("LAB_HARDENING_KEY", "k2");
  try {
    const after = await agentsFile({
      api_key: undefined,
      api_key_env: "LAB_HARDENING_KEY",
      timeout_ms: 5000,
      max_attempts: 3,
      requests_per_minute: 600,
      tokens_per_minute: 1_000_000,
      concurrency: 2,
    }, server.baseURL);
    const ok = await runCli([
      "--resume",
      run,
      "--agents",
      after,
      "--max-tokens",
      "1000000",
      "--no-report",
      "--quiet",
    ]);
    assert.equal(ok.code, 0, ok.err);
    const changed = await agentsFile({ temperature: 0.3 }, server.baseURL);
    const bad = await runCli(["--resume", run, "--agents", changed, "--no-report", "--quiet"]);
    assert.equal(bad.code, 2);
  } finally {
    Deno.env.delete("LAB_HARDENING_KEY");
  }
});

Deno.test("hardening: structured outputs are sent to OpenAI and Anthropic and answered in kind", async () => {
  const reply = { thought: "build", action: [0.5, 0.25, 0.25] };
  await using openai = startOpenAIServer([{ structured: reply }]);
  await using anthropic = startAnthropicServer([{ structured: reply }]);
  const agents = await jsonFile({
    agents: [
      {
        name: "o",
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: openai.baseURL,
        api_key: "k",
        structured: true,
      },
      {
        name: "a",
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        base_url: anthropic.baseURL,
        api_key: "k",
        structured: true,
      },
      { name: "c", provider: "policy", policy: "honest" },
    ],
  });
  const run = join(dir, "structured");
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "3",
    "--out",
    run,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const o = openai.requests[0].body as { response_format?: Record<string, unknown> };
  assert.equal(o.response_format?.type, "json_schema");
  const js = o.response_format?.json_schema as { strict: boolean; schema: { required: string[] } };
  assert.equal(js.strict, true);
  assert.deepEqual(js.schema.required.sort(), ["action", "rival_labels", "thought"]);
  const a = anthropic.requests[0].body as {
    tools?: { name: string; input_schema: unknown }[];
    tool_choice?: { type: string; name: string };
  };
  assert.equal(a.tool_choice?.type, "tool");
  assert.equal(a.tool_choice?.name, a.tools?.[0].name);
  const rows = (await Deno.readTextFile(join(run, "decisions.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l)).filter((d) => d.agent !== "c");
  assert.equal(rows.length, 6);
  for (const d of rows) {
    assert.equal(d.parse_ok, true);
    assert.deepEqual(d.action, [0.5, 0.25, 0.25]);
  }
});

Deno.test("hardening: an IPD LLM run without structured output sends no response_format", async () => {
  await using server = startOpenAIServer((body) => ({ reply: ipdReply(body) }));
  const agents = await jsonFile({
    agents: [
      {
        name: "gpt",
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: server.baseURL,
        api_key: "k",
      },
      { name: "tft", provider: "policy", policy: "tit_for_tat" },
    ],
  });
  const r = await runCli([
    "ipd",
    "--agents",
    agents,
    "--rounds",
    "2",
    "--out",
    join(dir, "ipd-plain"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  assert.equal(server.requests[0].body.response_format, undefined);
});

Deno.test("hardening: a blockchain action with negative parts is marked repaired", async () => {
  await using server = startOpenAIServer([
    { reply: '{"thought": "t", "action": [-0.3, 0.8, 0.5]}' },
  ]);
  const agents = await agentsFile({}, server.baseURL);
  const run = join(dir, "repaired");
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "2",
    "--out",
    run,
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = (await Deno.readTextFile(join(run, "decisions.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l)).filter((d) => d.agent === "llm");
  assert.equal(rows.length, 2);
  for (const d of rows) {
    assert.equal(d.repaired, true);
    assert.equal(d.fallback, false);
    assert.deepEqual(d.action.map((x: number) => Math.round(x * 1e9) / 1e9), [
      0,
      0.615384615,
      0.384615385,
    ]);
  }
  const others = (await Deno.readTextFile(join(run, "decisions.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l)).filter((d) => d.agent !== "llm");
  assert.ok(others.every((d) => d.repaired === undefined));
});
