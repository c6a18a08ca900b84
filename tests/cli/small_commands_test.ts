/**
 * The small commands outside `deno task run`, `deno task fetch-reference` and `deno task
 * notebooks`, run as the tasks run them (a `deno run` child): `--version` prints the same
 * line as `deno task run --version`, `--help` prints the usage, and an unknown flag or a
 * stray argument is one line naming it, exit 2, before anything is downloaded or executed.
 */
import assert from "node:assert/strict";
import { runCli } from "../support/cli.ts";

const SCRIPTS = {
  "fetch-reference": new URL("../../lib/cli/fetch_reference.ts", import.meta.url).pathname,
  notebooks: new URL("../../lib/cli/notebooks.ts", import.meta.url).pathname,
};

async function run(script: string, args: string[]) {
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    // an unreachable mirror: a test that downloaded anything would fail loudly
    env: { LAB_REFERENCE_BASE_URL: "http://127.0.0.1:9/none", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: p.code, out: text(p.stdout), err: text(p.stderr) };
}

/** The version line without the `, modified` mark (other edits may come and go meanwhile). */
const stable = (line: string) => line.trim().replace(", modified)", ")");

for (const [name, script] of Object.entries(SCRIPTS)) {
  Deno.test(`${name} --version prints the line of deno task run --version, exit 0`, async () => {
    const [r, ref] = await Promise.all([run(script, ["--version"]), runCli(["--version"])]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "");
    assert.match(r.out, /^LLM Game Lab \S+ .*; Deno \S+\n$/);
    assert.equal(stable(r.out), stable(ref.out));
  });

  Deno.test(`${name} --help prints its usage, exit 0`, async () => {
    const r = await run(script, ["--help"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^deno task ${name} `));
    assert.match(r.out, /--version/);
  });

  Deno.test(`${name} --bogus is one line naming the flag, exit 2`, async () => {
    const r = await run(script, ["--bogus"]);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, "");
    assert.equal(r.err, "error: --bogus: unknown flag (see --help)\n");
  });

  Deno.test(`${name} with a stray argument is one line naming it, exit 2`, async () => {
    const r = await run(script, ["stray"]);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, "");
    assert.equal(r.err, "error: stray: unexpected argument (see --help)\n");
  });
}
