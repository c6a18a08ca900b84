/**
 * Config messages: numbers that are not finite, deeply nested JSON, a byte-order mark, and
 * long keys or values echoed in a message.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import {
  ConfigError,
  describeZodError,
  jsonErrorAt,
  parseJsonText,
  parseWith,
  readJsonFile,
} from "../../lib/core/config.ts";

const Kappa = z.object({ kappa: z.number(), name: z.string().optional() }).strict();

/** The ConfigError message that `f` throws. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${e}`);
    return e.message;
  }
  assert.fail("no error thrown");
}

Deno.test("config: 1e400 (Infinity once parsed) is 'must be a finite number', not 'received number'", () => {
  for (const [text, shown] of [["1e400", "Infinity"], ["-1e400", "-Infinity"]]) {
    const input = parseJsonText(`{"kappa": ${text}}`, "c.json");
    assert.equal(
      messageOf(() => parseWith(Kappa, input, "config")),
      `config.kappa: must be a finite number, got ${shown}`,
    );
  }
  // In a union, and without the input at hand.
  const Union = z.object({ kappa: z.union([z.number(), z.array(z.number())]) });
  assert.equal(
    messageOf(() => parseWith(Union, { kappa: Infinity }, "config")),
    "config.kappa: must be a finite number, got Infinity",
  );
  const error = Kappa.safeParse({ kappa: Infinity }).error!;
  assert.equal(describeZodError(error, "config"), "config.kappa: must be a finite number");
  // Other number errors keep zod's message.
  assert.equal(
    messageOf(() => parseWith(Kappa, { kappa: "3" }, "config")),
    "config.kappa: Invalid input: expected number, received string",
  );
});

Deno.test("config: deeply nested invalid JSON gets its real line and column", () => {
  const text = "[".repeat(20_000) + "x";
  assert.equal(
    messageOf(() => parseJsonText(text, "deep.json")),
    'deep.json: invalid JSON at line 1 column 20001: expected a value, found "x"',
  );
  const objects = '{"a":'.repeat(20_000) + "1" + "}".repeat(19_999) + "]";
  assert.deepEqual(jsonErrorAt(objects), { offset: objects.length - 1, expected: "',' or '}'" });
  // Valid JSON of any depth has no error.
  assert.equal(jsonErrorAt("[".repeat(100_000) + "]".repeat(100_000)), undefined);
});

Deno.test("config: jsonErrorAt() finds the same errors as before on ordinary JSON", () => {
  const cases: [string, number, string][] = [
    ['{\n  "a": 1,\n  "b": ,\n}', 19, "a value"],
    ['{"a" 1}', 5, "':'"],
    ["{a: 1}", 1, "a double-quoted property name"],
    ['{"a": 1,}', 8, "a double-quoted property name"],
    ["[1, 2", 5, "',' or ']'"],
    ['{"a": "x\ny"}', 8, "a closing '\"'"],
    ["[1] 2", 4, "end of input"],
    ['{"a": [1, {"b": tru}]}', 16, "a value"],
  ];
  for (const [text, offset, expected] of cases) {
    assert.deepEqual(jsonErrorAt(text), { offset, expected }, text);
  }
  assert.equal(jsonErrorAt('{"a": [1, {"b": true}], "c": "\\"q\\""}'), undefined);
});

Deno.test("config: a UTF-8 byte-order mark at the start of a file is accepted", async () => {
  assert.deepEqual(parseJsonText('\uFEFF{"kappa": 1}', "bom.json"), { kappa: 1 });
  const dir = await Deno.makeTempDir();
  const path = join(dir, "bom.json");
  await Deno.writeFile(
    path,
    new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"kappa": 2}')]),
  );
  assert.deepEqual(await readJsonFile(path), { kappa: 2 });
  // Other invisible characters are still errors, and are named as such.
  assert.equal(
    messageOf(() => parseJsonText('\u200b{"kappa": 1}', "zw.json")),
    "zw.json: invalid JSON at line 1 column 1: expected a value, found U+200B (invisible)",
  );
});

Deno.test("config: echoed keys and values are clipped to about 80 characters", () => {
  const long = "k".repeat(10_000_000);
  const unknown = messageOf(() => parseWith(Kappa, { kappa: 1, [long]: 1 }, "config"));
  assert.equal(unknown, `config: unknown field '${"k".repeat(79)}…'`);
  const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x${i}`, i]));
  assert.equal(
    messageOf(() => parseWith(Kappa, { kappa: 1, ...many }, "config")),
    "config: unknown fields 'x0', 'x1', 'x2', 'x3', 'x4' (and 7 more)",
  );
  const Record = z.record(z.string(), z.number());
  const inPath = messageOf(() => parseWith(Record, { [long]: "x" }, "agents"));
  assert.equal(
    inPath,
    `agents.${"k".repeat(79)}…: Invalid input: expected number, received string`,
  );
  const Named = z.object({ name: z.string().refine(() => false, { message: "bad ".repeat(100) }) });
  const refined = messageOf(() => parseWith(Named, { name: "n" }, "config"));
  assert.ok(refined.length <= "config.name: ".length + 160, `${refined.length} chars`);
  assert.ok(refined.endsWith("…"));
});
