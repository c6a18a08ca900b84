/**
 * `deno task run` starts light: the static import graph of `lib/cli/main.ts` (what loads
 * before `--help` or a flag error is answered) holds no engine, no LLM SDK, no polars, vega
 * or tokenizer; those load by dynamic `import()` once there is something to run. The
 * manifest that `--help` and the flag parser read instead of the registry agrees with
 * `registry.ts` and `commands.ts`, entry for entry.
 */
import assert from "node:assert/strict";
import { COMMANDS } from "../../lib/cli/commands.ts";
import { COMMAND_ENTRIES, EXPERIMENT_ENTRIES } from "../../lib/cli/manifest.ts";
import { EXPERIMENTS } from "../../lib/cli/registry.ts";
import { runCli } from "../support/cli.ts";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

/** The modules `entry` loads before running: its static imports, transitively. */
async function staticGraph(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpec = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpec.get(s)?.dependencies ?? []) {
      if (!d.isDynamic && d.code) stack.push(d.code.specifier);
    }
  }
  return [...seen];
}

const MAIN = new URL("../../lib/cli/main.ts", import.meta.url).href;
const HEAVY =
  /\/lib\/engines\/|\/lib\/(analysis|charts|reports|llm)\/|^npm:|nodejs-polars|vega|openai|anthropic|gpt-tokenizer/;

Deno.test("main.ts, serve.ts: their static import graphs load no engine, SDK, polars or vega", async () => {
  for (const entry of [MAIN, new URL("../../lib/cli/serve.ts", import.meta.url).href]) {
    const graph = await staticGraph(entry);
    assert.ok(graph.includes(entry));
    assert.ok(graph.some((s) => s.endsWith("/lib/cli/manifest.ts")), graph.join("\n"));
    const heavy = graph.filter((s) => HEAVY.test(s));
    assert.deepEqual(heavy, [], `${entry} loads at start-up:\n${heavy.join("\n")}`);
  }
  // the check itself can fail: the registry's graph is full of them
  const registry = await staticGraph(new URL("../../lib/cli/registry.ts", import.meta.url).href);
  assert.ok(registry.some((s) => HEAVY.test(s)));
});

Deno.test("manifest.ts: each entry loads its experiment alone, the registry's own object", async () => {
  for (const entry of EXPERIMENT_ENTRIES) {
    assert.equal(await entry.load(), EXPERIMENTS.find((e) => e.name === entry.name), entry.name);
  }
});

Deno.test("manifest.ts agrees with registry.ts and commands.ts (order, descriptions, flags, serve)", () => {
  assert.deepEqual(
    EXPERIMENT_ENTRIES.map((e) => ({
      name: e.name,
      description: e.description,
      flags: e.flags,
      servable: e.servable === true,
    })),
    EXPERIMENTS.map((e) => ({
      name: e.name,
      description: e.description,
      flags: e.flags,
      servable: typeof e.serve === "function",
    })),
  );
  assert.deepEqual(
    Object.entries(COMMAND_ENTRIES),
    Object.entries(COMMANDS).map(([name, c]) => [name, c.description]),
  );
});

Deno.test("--help lists every registered experiment, command and engine flag", async () => {
  const r = await runCli(["--help"]);
  assert.equal(r.code, 0, r.err);
  for (const e of EXPERIMENTS) {
    assert.match(r.out, new RegExp(`\\n  ${e.name} +${RegExp.escape(e.description)}\\n`));
    for (const [flag, f] of Object.entries(e.flags ?? {})) {
      assert.ok(r.out.includes(`--${flag}`) && r.out.includes(f.description), flag);
    }
  }
  for (const [name, c] of Object.entries(COMMANDS)) {
    assert.match(r.out, new RegExp(`\\n  ${name} +${RegExp.escape(c.description)}(\\n|$)`));
  }
});
