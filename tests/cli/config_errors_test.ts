/**
 * Bad flags, values and config files: a one-line error naming the flag, field or line,
 * exit code 2, and no run directory left behind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { COMMANDS } from "../../lib/cli/commands.ts";
import { EXPERIMENTS } from "../../lib/cli/registry.ts";
import { exists, runCli } from "../support/cli.ts";

const dir = await Deno.makeTempDir({ prefix: "lab-cfg-" });
async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await Deno.writeTextFile(p, text);
  return p;
}

const cases: {
  name: string;
  argv: () => string[] | Promise<string[]>;
  message: string | RegExp;
}[] = [
  {
    name: "unknown flag",
    argv: () => ["ipd", "--colour", "red"],
    message: "error: --colour: unknown flag (see --help)",
  },
  {
    name: "bad seed",
    argv: () => ["ipd", "--seed", "abc"],
    message: "error: --seed: expected an integer >= 0, got 'abc'",
  },
  {
    name: "bad rounds",
    argv: () => ["ipd", "--rounds", "0"],
    message: "error: --rounds: expected an integer >= 1, got '0'",
  },
  {
    name: "bad lang",
    argv: () => ["ipd", "--lang", "fr"],
    message: "error: --lang: expected zh or en, got 'fr'",
  },
  {
    name: "unknown experiment",
    argv: () => ["chess"],
    // Every registered experiment, then the commands, in registry order.
    message: `error: experiment 'chess' is unknown; expected one of ${
      [...EXPERIMENTS.map((e) => e.name), ...Object.keys(COMMANDS)].join(", ")
    }`,
  },
  {
    name: "bad seeds range",
    argv: () => ["--sweep", "g.json", "--seeds", "5..2"],
    message: "error: --seeds: 5..2 is empty",
  },
  {
    name: "bad shard",
    argv: () => ["--sweep", "g.json", "--seeds", "0..1", "--shard", "2/2"],
    message: "error: --shard: expected i/n with 0 <= i < n (e.g. 0/4), got '2/2'",
  },
  {
    name: "seeds with --seed",
    argv: () => ["ipd", "--seeds", "0..3", "--seed", "2"],
    message: "error: --seed: not with --seeds",
  },
  {
    name: "seeds without an experiment or a grid",
    argv: () => ["--seeds", "0..3"],
    message: "error: --seeds: name one experiment, or give a grid file with --sweep",
  },
  {
    name: "workers without sweep or seeds",
    argv: () => ["ipd", "--workers", "2"],
    message: "error: --workers: only with --sweep or --seeds",
  },
  {
    name: "offline without cache",
    argv: () => ["ipd", "--offline"],
    message: "error: --offline: needs --cache DIR",
  },
  {
    name: "bad max-usd",
    argv: () => ["ipd", "--max-usd", "0"],
    message: "error: --max-usd: expected a positive decimal number, got '0'",
  },
  {
    name: "max-usd in hex",
    argv: () => ["ipd", "--max-usd", "0x10"],
    message: "error: --max-usd: expected a positive decimal number, got '0x10'",
  },
  {
    name: "empty flag value",
    argv: () => ["ipd", "--out", ""],
    message: "error: --out: needs a value, got an empty string",
  },
  {
    name: "bad max-fallback",
    argv: () => ["ipd", "--max-fallback", "1.5"],
    message: "error: --max-fallback: expected a share between 0 and 1, got '1.5'",
  },
  {
    name: "bad checkpoint-every",
    argv: () => ["ipd", "--checkpoint-every", "0"],
    message: "error: --checkpoint-every: expected a positive integer or a keyword, got '0'",
  },
  {
    name: "bad log-decisions",
    argv: () => ["ipd", "--log-decisions", "some"],
    message: "error: --log-decisions: expected a positive integer or a keyword, got 'some'",
  },
  {
    name: "negative value taken for a flag",
    argv: () => ["ipd", "--max-usd", "-1"],
    message: "error: --max-usd: the value looks like a flag; write --max-usd=VALUE",
  },
  {
    name: "missing config file",
    argv: () => ["ipd", "--config", join(dir, "nope.json")],
    message: `error: --config: ${join(dir, "nope.json")}: file not found`,
  },
  {
    name: "config JSON syntax error names the line",
    argv: async () => [
      "ipd",
      "--config",
      await file("syntax.json", '{\n  "rounds": 5,\n  "players": [\'a\', "b"]\n}'),
    ],
    message: /^error: .*syntax\.json: invalid JSON at line 3 column \d+/,
  },
  {
    name: "config not an object",
    argv: async () => ["ipd", "--config", await file("arr.json", "[1, 2]")],
    message: /arr\.json: expected a JSON object of engine parameters/,
  },
  {
    name: "config unknown field",
    argv: async () => ["ipd", "--config", await file("unk.json", '{"round": 5}')],
    message: "error: config: unknown field 'round'",
  },
  {
    name: "config bad type",
    argv: async () => ["ipd", "--config", await file("type.json", '{"rounds": "five"}')],
    message: /^error: config\.rounds: Invalid input: expected number, received string$/,
  },
  {
    name: "config bad nested value",
    argv: async () => [
      "ipd",
      "--config",
      await file("pay.json", '{"payoffs": {"T": 1, "R": 3, "P": 1, "S": 0}}'),
    ],
    message: "error: config.payoffs: need T > R > P > S",
  },
  {
    name: "empty config file",
    argv: async () => ["ipd", "--config", await file("empty.json", "  \n")],
    message: /empty\.json: file is empty/,
  },
  {
    name: "agents file bad provider",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ag1.json",
        '{"agents": [{"name": "a", "provider": "gemini", "model": "x"}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message:
      /ag1\.json\.agents\[0\]\.provider: Invalid option: expected one of "openai"\|"anthropic"\|"policy"/,
  },
  {
    name: "agents file missing model",
    argv: async () => [
      "ipd",
      "--agents",
      await file("ag2.json", '{"agents": [{"name": "a", "provider": "openai"}]}'),
    ],
    message: /ag2\.json\.agents\[0\]\.model: required when provider is 'openai'/,
  },
  {
    name: "agents file duplicate names",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ag3.json",
        '{"agents": [{"name": "a", "provider": "policy", "policy": "grim"}, {"name": "a", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: /ag3\.json\.agents\[1\]\.name: duplicate agent name 'a'/,
  },
  {
    name: "agents file wrong count for the engine",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ag4.json",
        '{"agents": [{"name": "a", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: "error: agents: the IPD needs exactly 2 agents, got 1",
  },
  {
    name: "agents file unknown policy",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ag5.json",
        '{"agents": [{"name": "a", "provider": "policy", "policy": "nice"}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: /policy 'nice' is not an IPD policy; expected one of always_cooperate/,
  },
  {
    name: "agents file literal key field typo",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ag6.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "apikey": "x"}]}',
      ),
    ],
    message: /ag6\.json\.agents\[0\]: unknown field 'apikey'/,
  },
  {
    name: "missing API key",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ag7.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "api_key_env": "LAB_TEST_NO_SUCH_KEY"}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: "error: agents 'a': no API key: set LAB_TEST_NO_SUCH_KEY or api_key_env",
  },
  {
    name: "replay on an engine without replay",
    argv: async () => ["ipd", "--replay", await file("r.json", "{}")],
    message: "error: --replay: the ipd experiment has no replay",
  },
  {
    name: "agents with replay",
    argv: async () => [
      "blockchain",
      "--replay",
      await file("r2.json", "{}"),
      "--agents",
      await file(
        "ag_replay.json",
        '{"agents": [{"name": "a", "provider": "policy", "policy": "greedy"}]}',
      ),
    ],
    message: "error: --agents: not with --replay (the recorded run plays every seat)",
  },
  {
    name: "blockchain unknown policy in the agents file",
    argv: async () => [
      "blockchain",
      "--agents",
      await file(
        "bp.json",
        '{"agents": [{"name": "a", "provider": "policy", "policy": "honest"}, {"name": "b", "provider": "policy", "policy": "nice"}, {"name": "c", "provider": "policy", "policy": "greedy"}]}',
      ),
    ],
    message:
      /^error: agents\[1\]\.policy: 'nice' is not a blockchain policy; expected one of honest, random, /,
  },
  {
    name: "blockchain replay policy needs --replay",
    argv: async () => [
      "blockchain",
      "--agents",
      await file(
        "br.json",
        '{"agents": [{"name": "a", "provider": "policy", "policy": "replay"}, {"name": "b", "provider": "policy", "policy": "honest"}, {"name": "c", "provider": "policy", "policy": "greedy"}]}',
      ),
    ],
    message:
      /agents\[0\]\.policy: 'replay' is not a blockchain policy; .*\(replay a recorded run with --replay FILE\)$/,
  },
  {
    name: "malformed replay file",
    argv: async () => ["blockchain", "--replay", await file("bad_rq2.json", '{"agents": []}')],
    message: /^error: --replay: .*bad_rq2\.json: rq2_result/,
  },
  {
    name: "--max-usd with a model missing from the pricing table",
    argv: async () => [
      "ipd",
      "--max-usd",
      "1",
      "--agents",
      await file(
        "up.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "my-new-model", "api_key": "k"}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message:
      `error: agents 'a': --max-usd needs a price for model 'my-new-model': add "price": {"input": ..., "output": ...} (dollars per 1M tokens) to its entry in the agents file, or use --max-tokens`,
  },
  {
    name: "--max-usd with a name that extends a priced one (gpt-4.1-pico is not gpt-4.1)",
    argv: async () => [
      "ipd",
      "--max-usd",
      "1",
      "--agents",
      await file(
        "up2.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "gpt-4.1-pico", "api_key": "k"}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: /^error: agents 'a': --max-usd needs a price for model 'gpt-4\.1-pico': add "price"/,
  },
  {
    name: "agents file negative price",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "pr1.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "api_key": "k", "price": {"input": -0.1, "output": 0.4}}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message:
      /pr1\.json\.agents\[0\]\.price\.input: must be >= 0 \(dollars per 1M tokens\), got -0\.1$/,
  },
  {
    name: "agents file price without output",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "pr2.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "api_key": "k", "price": {"input": 0.1}}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: /pr2\.json\.agents\[0\]\.price\.output: required \(dollars per 1M tokens\)$/,
  },
  {
    name: "agents file price not a number",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "pr3.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "api_key": "k", "price": {"input": 0.1, "output": "0.4"}}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message:
      /pr3\.json\.agents\[0\]\.price\.output: expected a number of dollars per 1M tokens, got "0\.4"$/,
  },
  {
    name: "agents file price with an unknown field",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "pr4.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "api_key": "k", "price": {"input": 0.1, "output": 0.4, "cache_read": 0.01}}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: /pr4\.json\.agents\[0\]\.price: unknown field 'cache_read'/,
  },
  {
    name: "agents file price on a policy",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "pr5.json",
        '{"agents": [{"name": "a", "provider": "policy", "policy": "grim", "price": {"input": 1, "output": 1}}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: /pr5\.json\.agents\[0\]\.price: only for LLM agents \(a policy makes no calls\)$/,
  },
  {
    name: "agents file with two prices for one model",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "pr6.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "api_key": "k", "price": {"input": 1, "output": 2}}, {"name": "b", "provider": "openai", "model": "m", "api_key": "k", "price": {"input": 1, "output": 3}}]}',
      ),
    ],
    message:
      /pr6\.json\.agents\[1\]\.price: differs from agents\[0\]\.price for model 'm'; a model name has one price$/,
  },
  {
    name: "api_key_env named but unset, with a base_url",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ue.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "base_url": "https://api.deepseek.com/v1", "api_key_env": "LAB_TEST_UNSET_KEY"}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: "error: agents 'a': no API key: set LAB_TEST_UNSET_KEY or api_key_env",
  },
  {
    name: "a key in api_key_env",
    argv: async () => [
      "ipd",
      "--agents",
      await file(
        "ke.json",
        '{"agents": [{"name": "a", "provider": "openai", "model": "m", "api_key_env": "sk_live_abcdef"}, {"name": "b", "provider": "policy", "policy": "grim"}]}',
      ),
    ],
    message: /agents\[0\]\.api_key_env: must name an environment variable, not hold the key$/,
  },
  {
    name: "--out is a file",
    argv: async () => ["ipd", "--out", await file("afile.txt", "x")],
    message: /^error: --out: .*afile\.txt exists and is not a directory$/,
  },
  {
    name: "--resume with a flag the run already fixed",
    argv: () => ["--resume", dir, "--rounds", "5"],
    message: "error: --rounds: not with --resume (a run keeps the settings it began with)",
  },
  {
    name: "--sweep with --seed",
    argv: () => ["--sweep", "g.json", "--seeds", "0..1", "--seed", "3"],
    message: `error: --seed: not with --sweep (the grid file's "base" and --seeds set these)`,
  },
  {
    name: "seed out of range",
    argv: () => ["ipd", "--seed", "4294967296"],
    message: "error: --seed: must be at most 4294967295, got '4294967296'",
  },
];

Deno.test("config error: the registry lists the built-in experiments first", () => {
  assert.deepEqual(EXPERIMENTS.slice(0, 2).map((e) => e.name), ["blockchain", "ipd"]);
});

for (const c of cases) {
  Deno.test(`config error: ${c.name}`, async () => {
    const out = join(dir, `run-${c.name.replace(/\W+/g, "_")}`);
    const argv = await c.argv();
    const noOut = ["--sweep", "--resume", "--out"].some((f) => argv.includes(f));
    const r = await runCli([...argv, ...(noOut ? [] : ["--out", out]), "--quiet"]);
    assert.equal(r.code, 2, `exit code (stderr: ${r.err})`);
    const line = r.err.trim();
    assert.equal(line.split("\n").length, 1, `one line: ${line}`);
    if (typeof c.message === "string") assert.equal(line, c.message);
    else assert.match(line, c.message);
    assert.equal(await exists(out), false, "no run directory left behind");
  });
}
