/**
 * The agents file's `hash_power` from the CLI: it replaces the seat's `config.alpha` entry
 * (the engine's payoffs and the LLM miner's prompt use it), the hash powers in effect are
 * recorded in `config.json`'s provenance, and bad values are refused with exit 2 and one line
 * naming the field. Experiments without hash powers refuse the field (`checkAgentFields`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../lib/core/config.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import { BlockchainDecisionSchema } from "../../lib/engines/blockchain/decision_row.ts";
import { checkAgentFields, parseAgentsFile } from "../../lib/llm/agents_file.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { exists, runCli } from "../support/cli.ts";

/** Writes an agents file (as raw text when given a string) and returns its path. */
async function writeAgents(dir: string, content: unknown): Promise<string> {
  const path = join(dir, "agents.json");
  await Deno.writeTextFile(
    path,
    typeof content === "string" ? content : JSON.stringify({ agents: content }),
  );
  return path;
}

/** Round 1's reward of each miner (an honest miner earns `R · alpha` while efficiencies are 1). */
async function firstRewards(out: string): Promise<Record<string, number>> {
  const rows = await readJsonl(join(out, "decisions.jsonl"), BlockchainDecisionSchema);
  return Object.fromEntries(rows.filter((r) => r.round === 1).map((r) => [r.agent, r.reward]));
}

const honest = (name: string, hash_power?: number) => ({
  name,
  provider: "policy",
  policy: "honest",
  ...(hash_power === undefined ? {} : { hash_power }),
});

Deno.test("hash_power: replaces config.alpha per seat, in payoffs and provenance", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-hp-" });
  // the default run: config.alpha [0.25, 0.20, 0.15], no hash_powers in provenance
  const plain = join(dir, "plain");
  const agents0 = await writeAgents(dir, [honest("a"), honest("b"), honest("c")]);
  const r0 = await runCli([
    "blockchain",
    "--agents",
    agents0,
    "--rounds",
    "3",
    "--out",
    plain,
    "--quiet",
  ]);
  assert.equal(r0.code, 0, r0.err);
  assert.deepEqual(await firstRewards(plain), { a: 2.5, b: 2, c: 1.5 });
  const config0 = JSON.parse(await Deno.readTextFile(join(plain, "config.json")));
  assert.equal(config0.provenance.hash_powers, undefined);

  // every seat gives one: 0.3 + 0.2 + 0.1 + honest 0.4 = 1
  const out = join(dir, "run");
  const agents = await writeAgents(dir, [honest("a", 0.3), honest("b", 0.2), honest("c", 0.1)]);
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "3",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rewards = await firstRewards(out);
  assert.deepEqual(Object.keys(rewards), ["a", "b", "c"]);
  for (const [name, alpha] of [["a", 0.3], ["b", 0.2], ["c", 0.1]] as const) {
    assert.ok(Math.abs(rewards[name] - 10 * alpha) < 1e-12, `${name}: ${rewards[name]}`);
  }
  const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.deepEqual(config.provenance.hash_powers, {
    alpha: [0.3, 0.2, 0.1],
    honest_power: 0.4,
    from: { a: "agents file", b: "agents file", c: "agents file" },
  });
  assert.deepEqual(config.agents.map((a: { hash_power: number }) => a.hash_power), [0.3, 0.2, 0.1]);

  // some seats: the others keep their alpha entry (c: config.alpha[2] = 0.15)
  const mixed = join(dir, "mixed");
  const agents2 = await writeAgents(dir, [honest("a", 0.3), honest("b", 0.15), honest("c")]);
  const r2 = await runCli([
    "blockchain",
    "--agents",
    agents2,
    "--rounds",
    "3",
    "--out",
    mixed,
    "--quiet",
  ]);
  assert.equal(r2.code, 0, r2.err);
  const config2 = JSON.parse(await Deno.readTextFile(join(mixed, "config.json")));
  assert.deepEqual(config2.provenance.hash_powers, {
    alpha: [0.3, 0.15, 0.15],
    honest_power: 0.4,
    from: { a: "agents file", b: "agents file", c: "config.alpha[2]" },
  });
  // config.json's config stays the config as given (the SPEC's defaults here)
  assert.deepEqual(config2.config.alpha, [0.25, 0.2, 0.15]);
  const m = await firstRewards(mixed);
  assert.ok(
    Math.abs(m.a - 3) < 1e-12 && Math.abs(m.b - 1.5) < 1e-12 && Math.abs(m.c - 1.5) < 1e-12,
    JSON.stringify(m),
  );
});

Deno.test("hash_power: every agent giving one seats any number of miners", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-hp4-" });
  const out = join(dir, "run");
  const agents = await writeAgents(dir, [
    honest("a", 0.15),
    honest("b", 0.15),
    honest("c", 0.15),
    honest("d", 0.15),
  ]);
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "2",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rewards = await firstRewards(out);
  assert.deepEqual(Object.keys(rewards), ["a", "b", "c", "d"]);
  for (const v of Object.values(rewards)) assert.ok(Math.abs(v - 1.5) < 1e-12, String(v));
});

Deno.test("hash_power: an LLM miner's prompt states the hash power it was given", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-hpllm-" });
  await using server = startOpenAIServer(() => ({
    reply: JSON.stringify({ thought: "build", action: [1, 0, 0] }),
  }));
  const agents = await writeAgents(dir, [
    {
      name: "gpt",
      provider: "openai",
      model: "gpt-4o-mini",
      base_url: server.baseURL,
      api_key: "k",
      hash_power: 0.32,
    },
    honest("b", 0.13),
    honest("c"),
  ]);
  const out = join(dir, "run");
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "1",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const system = JSON.stringify(server.requests[0].body.messages);
  assert.match(system, /0\.32/);
  assert.match(system, /b \(α=0\.13\)/);
  assert.match(system, /c \(α=0\.15\)/);
});

Deno.test("hash_power: bad values exit 2 with one line naming the field", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-hpbad-" });
  const cases: [string | unknown[], string][] = [
    [[honest("a", 0), honest("b"), honest("c")], "agents[0].hash_power: must be > 0 and <= 1"],
    [[honest("a"), honest("b", -0.2), honest("c")], "agents[1].hash_power: must be > 0 and <= 1"],
    [[honest("a", 1.5), honest("b"), honest("c")], "agents[0].hash_power: must be > 0 and <= 1"],
    [
      [honest("a"), honest("b"), { ...honest("c"), hash_power: "0.15" }],
      'agents[2].hash_power: expected a number (a share of the hash power, e.g. 0.25), got "0.15"',
    ],
    [
      '{"agents": [{"name": "a", "provider": "policy", "policy": "honest", "hash_power": 1e400}]}',
      "agents[0].hash_power: must be a finite number, got Infinity",
    ],
  ];
  for (const [content, message] of cases) {
    const agents = await writeAgents(dir, content);
    const out = join(dir, "run");
    const r = await runCli(["blockchain", "--agents", agents, "--out", out, "--quiet"]);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err.split("\n").length, 1, r.err);
    assert.ok(r.err.startsWith(`error: --agents: ${agents}.${message}`), r.err);
    assert.equal(await exists(out), false);
  }
});

Deno.test("hash_power: hash powers that do not sum to 1, or too few, are refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-hpsum-" });
  const run = async (content: unknown[], ...extra: string[]) => {
    const agents = await writeAgents(dir, content);
    const r = await runCli([
      "blockchain",
      "--agents",
      agents,
      "--out",
      join(dir, "run"),
      "--quiet",
      ...extra,
    ]);
    assert.equal(r.code, 2, r.err);
    assert.equal(await exists(join(dir, "run")), false);
    return r.err;
  };
  // 0.3 + 0.2 + 0.15 + 0.4 = 1.05: nothing is normalised (SPEC: they must sum to 1)
  assert.equal(
    await run([honest("a", 0.3), honest("b"), honest("c")]),
    "error: agents[0].hash_power: the hash powers (0.3 + 0.2 + 0.15) and config.honest_power " +
      "(0.4) sum to 1.05, not 1; change the agents' hash_power, config.alpha or config.honest_power",
  );
  assert.match(
    await run([honest("a"), honest("b", 0.2), honest("c", 0.3)]),
    /^error: agents\[1\]\.hash_power: the hash powers \(0\.25 \+ 0\.2 \+ 0\.3\) .* sum to 1\.15, not 1;/,
  );
  // an agent without hash_power needs its alpha entry
  assert.equal(
    await run([honest("a", 0.3), honest("b"), honest("c"), honest("d")]),
    "error: agents: the agents file lists 4 miners but config.alpha gives 3 hash powers " +
      "(give every agent a hash_power, or one alpha entry per agent)",
  );
});

Deno.test("hash_power: experiments without hash powers refuse it, naming the field", () => {
  const file = parseAgentsFile(
    { agents: [honest("a"), { ...honest("b"), hash_power: 0.5 }] },
    "agents.json",
  );
  checkAgentFields(file.agents, "blockchain", ["hash_power"]);
  checkAgentFields([honest("a") as never], "ipd");
  for (const experiment of ["ipd", "society", "delegation"]) {
    assert.throws(
      () => checkAgentFields(file.agents, experiment),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `agents[1].hash_power: the ${experiment} experiment does not use it (a miner's hash power in the blockchain game); remove it`,
    );
  }
});

Deno.test("hash_power: the ipd, society and delegation commands refuse it with exit 2, naming the field", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-hp-" });
  const seats: Record<string, unknown[]> = {
    ipd: [honest("a"), { ...honest("b"), hash_power: 0.5 }],
    society: [honest("a"), { ...honest("b"), hash_power: 0.5 }],
    delegation: [honest("a"), { ...honest("b"), hash_power: 0.5 }],
  };
  for (const [experiment, agents] of Object.entries(seats)) {
    const path = join(dir, `${experiment}.json`);
    await Deno.writeTextFile(path, JSON.stringify({ agents }));
    const out = join(dir, experiment);
    const r = await runCli([experiment, "--agents", path, "--out", out, "--quiet"]);
    assert.equal(r.code, 2, `${experiment}: ${r.err}`);
    assert.equal(
      r.err.trim(),
      `error: agents[1].hash_power: the ${experiment} experiment does not use it (a miner's hash power in the blockchain game); remove it`,
    );
    assert.equal(await exists(join(out, "decisions.jsonl")), false, `${experiment}: nothing run`);
  }
});

Deno.test("hash_power: the report names the seated miners and the hash powers that played, and computes the baseline", async () => {
  const { blockchainReport } = await import("../../lib/engines/blockchain/report.ts");
  const { blockchainSummaryReport } = await import(
    "../../lib/engines/blockchain/report_no_rows.ts"
  );
  const { documentMarkdown } = await import("../../lib/reports/render_document.ts");
  const dir = await Deno.makeTempDir({ prefix: "lab-hp-" });
  const agents = await writeAgents(dir, [honest("a", 0.5), honest("b", 0.1)]);
  const out = join(dir, "run");
  const r = await runCli(["blockchain", "--agents", agents, "--rounds", "4", "--out", out]);
  assert.equal(r.code, 0, r.err);
  for (const doc of [await blockchainReport(out), await blockchainSummaryReport(out)]) {
    const md = documentMarkdown(doc);
    assert.match(md, /\| alpha \| \[0\.5, 0\.1\] \|/);
    assert.match(md, /\| miners \| \[a, b\] \|/);
    assert.doesNotMatch(md, /could not be computed/);
  }
});
