/** `deno task run --version`: the toolkit's version from deno.json, and Deno's. */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { runCli } from "../support/cli.ts";

Deno.test("--version prints the toolkit's and Deno's versions, exit 0", async () => {
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^LLM Game Lab ${denoJson.version.replaceAll(".", "\\.")}\\b`));
  assert.match(r.out, new RegExp(`Deno ${Deno.version.deno.replaceAll(".", "\\.")}$`));
});
