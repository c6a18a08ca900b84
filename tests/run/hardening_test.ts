/**
 * Hardening regressions of the run layer and the fixes others made earlier, checked here
 * where no test covered them: concurrent atomic writes, the grid cap, the one redaction
 * function, and which agents-file changes a resume allows.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { redactSecrets } from "../../lib/core/redact.ts";
import { writeJsonAtomic } from "../../lib/core/run_log.ts";
import { agentsDifference } from "../../lib/run/open.ts";
import { gridCells, MAX_GRID_CELLS, setPath } from "../../lib/core/sweep_dir.ts";

Deno.test("hardening: concurrent writeJsonAtomic calls on one path never share a temp file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-atomic-" });
  const path = join(dir, "x.json");
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => writeJsonAtomic(path, { i, pad: "x".repeat(5000) })),
  );
  const value = JSON.parse(await Deno.readTextFile(path));
  assert.equal(typeof value.i, "number", "one whole write won");
  const left = [];
  for await (const e of Deno.readDir(dir)) left.push(e.name);
  assert.deepEqual(left, ["x.json"], "no temp file left behind");
});

Deno.test("hardening: a grid over the cell cap is refused before it is expanded", () => {
  const values = Array.from({ length: 101 }, (_, i) => i);
  assert.equal(
    gridCells({ grid: { a: values.slice(0, 100), b: values.slice(0, 100) } }).length,
    MAX_GRID_CELLS,
  );
  assert.throws(
    () => gridCells({ grid: { a: values, b: values } }),
    /^ConfigError: grid: 10201 cells is more than the maximum of 10000$|grid: 10201 cells/,
  );
  assert.throws(() => setPath({}, "__proto__.polluted", 1), /__proto__/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("hardening: redactSecrets scrubs URL credentials, auth headers and key shapes", () => {
  const line = redactSecrets(
    "connect http://bob:hunter2@h/v1 Authorization: Bearer sk-proj-abcdefghijklmnop Basic Ym9iOmh1bnRlcjI= x-api-key: abcdefgh12345678",
  );
  for (
    const secret of ["hunter2", "sk-proj-abcdefghijklmnop", "Ym9iOmh1bnRlcjI", "abcdefgh12345678"]
  ) {
    assert.ok(!line.includes(secret), `${secret} in ${line}`);
  }
  assert.equal(redactSecrets("literal-key-123", ["literal-key-123"]), "<redacted>");
});

Deno.test("hardening: resume compares only the fields that change the experiment", () => {
  const before = [
    { name: "a", provider: "openai", model: "m", api_key: "<redacted>", timeout_ms: 1000 },
    { name: "b", provider: "policy", policy: "honest" },
  ];
  const after = [
    {
      name: "a",
      provider: "openai",
      model: "m",
      api_key_env: "KEY",
      timeout_ms: 5000,
      max_attempts: 3,
      requests_per_minute: 60,
      tokens_per_minute: 10_000,
      concurrency: 2,
    },
    { name: "b", provider: "policy", policy: "honest" },
  ];
  assert.equal(agentsDifference(before, after), null);
  for (
    const [field, value] of [
      ["model", "m2"],
      ["temperature", 0.5],
      ["max_tokens", 10],
      ["base_url", "http://h/v1"],
      ["structured", true],
    ] as const
  ) {
    const changed = after.map((a, i) => i === 0 ? { ...a, [field]: value } : a);
    assert.match(
      agentsDifference(before, changed) ?? "",
      new RegExp(`^agents\\[0\\]\\.${field}: `),
    );
  }
  assert.match(agentsDifference(before, after.slice(0, 1)) ?? "", /began with 2 agents/);
});
