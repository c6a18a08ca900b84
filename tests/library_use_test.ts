/**
 * The toolkit used as a library from another Deno project: a temporary project whose
 * deno.json maps `@llm-game-lab/lab` to this checkout (by path, and through `links` to the
 * package of this deno.json) plays a scripted IPD game, as the README shows.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const { name, version } = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));

const SCRIPT = `import { ipdExperiment, openRun, runToEnd } from "@llm-game-lab/lab";
const dir = await Deno.makeTempDir({ prefix: "lab-consumer-run-" });
const run = await runToEnd(
  await openRun({ experiment: ipdExperiment, config: { rounds: 5 }, seed: 1, runsRoot: dir, reportsRoot: null }),
);
console.log(JSON.stringify({ status: run.outcome.status, steps: run.summary.steps }));
`;

async function consumer(
  config: Record<string, unknown>,
  script = SCRIPT,
  expected: unknown = { status: "completed", steps: 5 },
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lab-consumer-" });
  try {
    await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(config));
    await Deno.writeTextFile(join(dir, "main.ts"), script);
    const p = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(p.stdout).trim();
    assert.ok(p.success, new TextDecoder().decode(p.stderr));
    assert.deepEqual(JSON.parse(out.split("\n").at(-1)!), expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("library: another project imports the toolkit by path and plays an IPD game", () =>
  consumer({ imports: { "@llm-game-lab/lab": join(ROOT, "mod.ts") } }));

Deno.test("library: another project links the package (deno.json `links`) and plays", () =>
  consumer({ imports: { "@llm-game-lab/lab": `jsr:${name}@${version}` }, links: [ROOT] }));

Deno.test("library: the record helpers are the package's ./record-helpers export", () =>
  consumer(
    {
      imports: { "@llm-game-lab/lab": `jsr:${name}@${version}`, zod: "npm:zod@4.1.12" },
      links: [ROOT],
    },
    `import { z } from "zod";
import { decisionRecordObject } from "@llm-game-lab/lab/record-helpers";
const Row = decisionRecordObject.extend({ action: z.enum(["C", "D"]) });
const row = Row.parse({ v: 1, round: 1, agent: "p", action: "C", reward: 3, parse_ok: true });
console.log(JSON.stringify({ fallback: row.fallback, bad: Row.safeParse({ ...row, action: "X" }).success }));
`,
    { fallback: false, bad: false },
  ));
