/**
 * Limits of the reply parser: replies that are too deep, too long or built to make a search
 * slow fail cleanly (never throw), and the work stays linear in the reply's length. Work is
 * counted in scanner steps, not timed: timing belongs in `bench/parse_bench.ts`.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import {
  extractJson,
  MAX_JSON_DEPTH,
  MAX_REPLY_CHARS,
  MAX_SCAN_STEPS,
  normalizeKeys,
  parseReply,
  type ScanWork,
  vectorLike,
} from "../../lib/llm/parse.ts";
import { Rng } from "../../lib/core/rng.ts";

const schema = z.object({ thought: z.string().optional(), action: vectorLike(3) });

/** `{"action": [[…[1,0,0]…]]}` with `depth` brackets in all. */
function nested(depth: number): string {
  const inner = depth - 1; // the object's own brace is one level
  return `{"action": ${"[".repeat(inner)}1,0,0${"]".repeat(inner)}}`;
}

/** Steps that extractJson takes on `text`, whether it finds JSON or not. */
function steps(text: string): number {
  const work: ScanWork = { steps: 0 };
  try {
    extractJson(text, work);
  } catch {
    // failures count too
  }
  return work.steps;
}

Deno.test("parseReply() fails cleanly on a reply nested 4,000 deep (it used to overflow the stack)", () => {
  const raw = nested(4000);
  const result = parseReply(raw, schema);
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.match(result.error, new RegExp(`nested deeper than ${MAX_JSON_DEPTH} levels`));
  assert.equal(result.raw, raw);
  assert.ok(result.error.length < 200, `error too long: ${result.error.length}`);
});

Deno.test("extractJson() reads JSON exactly MAX_JSON_DEPTH deep and refuses one level more", () => {
  const ok = extractJson(nested(MAX_JSON_DEPTH)) as { action: unknown };
  let node: unknown = ok.action;
  let depth = 1; // the object
  while (Array.isArray(node)) {
    depth++;
    node = node[0];
  }
  assert.equal(depth, MAX_JSON_DEPTH);
  assert.throws(() => extractJson(nested(MAX_JSON_DEPTH + 1)), /nested deeper than/);
  // Deep JSON hidden in the thinking is reported too, not as "no JSON found".
  assert.throws(() => extractJson(`<think>${nested(200)}</think>no JSON here`), /nested deeper/);
});

Deno.test("normalizeKeys() handles a value nested 100,000 deep without recursion", () => {
  let value: unknown = { Leaf: 1 };
  for (let i = 0; i < 100_000; i++) value = i % 2 ? [value] : { Inner: value };
  let node = normalizeKeys(value);
  let depth = 0;
  for (;;) {
    if (Array.isArray(node)) node = node[0];
    else if ((node as Record<string, unknown>).inner !== undefined) {
      node = (node as Record<string, unknown>).inner;
    } else break;
    depth++;
  }
  assert.equal(depth, 100_000);
  assert.deepEqual(node, { leaf: 1 });
});

Deno.test("normalizeKeys() keeps a '__proto__' key as data, never as the prototype", () => {
  const parsed = JSON.parse('{"__proto__": {"polluted": true}, "A": 1}');
  const out = normalizeKeys(parsed) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ["__proto__", "a"]);
  assert.equal((out as { polluted?: boolean }).polluted, undefined);
});

Deno.test("a reply longer than MAX_REPLY_CHARS fails at once, saying so", () => {
  const raw = "x".repeat(MAX_REPLY_CHARS) + '{"action": [1, 0, 0]}';
  const result = parseReply(raw, schema);
  assert.ok(!result.ok);
  assert.equal(
    result.error,
    `the reply is too long: ${raw.length} characters, at most ${MAX_REPLY_CHARS} are searched`,
  );
  assert.equal(steps(raw), 0, "a too-long reply is not scanned at all");
  // Just under the limit, the same JSON is still found.
  const fits = "x".repeat(MAX_REPLY_CHARS - 40) + '{"action": [1, 0, 0]}';
  assert.deepEqual(parseReply(fits, schema), { ok: true, value: { action: [1, 0, 0] } });
});

/** Families of input that made the old search quadratic, at `n` characters or so. */
const pathological: Record<string, (n: number) => string> = {
  "open braces": (n) => "{".repeat(n),
  "open braces with words": (n) => "{x ".repeat(n / 3),
  "braces in line comments": (n) => "{#".repeat(n / 2),
  "braces in block comments": (n) => "{/*".repeat(n / 3),
  "quotes that never close": (n) => "{x " + '"a"b'.repeat(n / 4),
  "braces in strings": (n) => '{x"'.repeat(n / 3),
  "unclosed think tags": (n) => "<think>".repeat(n / 7),
  "runs of dots": (n) => "[" + "1.".repeat(n / 2),
  "mismatched brackets": (n) => '{"a"]'.repeat(n / 5),
  "nested groups that fail": (n) => ("{a ".repeat(60) + "}".repeat(60)).repeat(n / 240),
  "nested groups that fail late": (n) =>
    "[a ".repeat(60) + "a ".repeat(n / 2) + "@" + "]".repeat(60),
  "unclosed fences": (n) => "```json\n{".repeat(n / 9),
  "a normal reply after prose": (n) => "x ".repeat(n / 2) + '{"action": [0.5, 0.3, 0.2]}',
};

Deno.test("the search is linear: steps per char stay flat (at most 10) from 4k to 16k chars", async (t) => {
  for (const [name, make] of Object.entries(pathological)) {
    await t.step(name, () => {
      const small = make(4_000);
      const large = make(16_000);
      const a = steps(small);
      const b = steps(large);
      assert.ok(a > 0 && b > 0, "no steps counted");
      assert.ok(b / large.length <= 10, `${(b / large.length).toFixed(1)} steps per char`);
      // Quadratic work would show as steps per char growing with the length (about 4x here).
      const [perSmall, perLarge] = [a / small.length, b / large.length];
      assert.ok(perLarge <= 1.2 * perSmall + 1, `steps per char ${perSmall} -> ${perLarge}`);
      assert.doesNotThrow(() => parseReply(large, schema));
    });
  }
});

Deno.test("a reply of MAX_REPLY_CHARS stays well within MAX_SCAN_STEPS (the budget is a backstop)", () => {
  for (const name of ["quotes that never close", "nested groups that fail late"]) {
    // Inside a fence, so the text is searched twice (the whole answer, then the fence).
    const body = pathological[name](MAX_REPLY_CHARS - 1000);
    const raw = "```json\n" + body + "\n```";
    assert.ok(raw.length <= MAX_REPLY_CHARS);
    const used = steps(raw);
    assert.ok(used < MAX_SCAN_STEPS / 2, `${name}: ${used} steps`);
    const result = parseReply(raw, schema);
    assert.ok(!result.ok && !/gave up/.test(result.error), name);
  }
});

Deno.test("parseReply() turns a schema that throws into a failed parse", () => {
  const throwing = z.object({ action: z.string() }).transform(() => {
    throw new TypeError("boom");
  });
  const result = parseReply('{"action": "C"}', throwing);
  assert.deepEqual(result, {
    ok: false,
    error: "the reply could not be validated: TypeError: boom",
    raw: '{"action": "C"}',
  });
});

Deno.test("parseReply() clips what a schema error echoes (a 10,000-char unknown key)", () => {
  const strict = z.object({ action: z.string() }).strict();
  const key = "k".repeat(10_000);
  const result = parseReply(`{"action": "C", "${key}": 1}`, strict);
  assert.ok(!result.ok);
  assert.ok(result.error.length <= 420, `error of ${result.error.length} chars`);
  assert.match(result.error, /^reply: Unrecognized key: "kkk+…$/);
});

// ---------------------------------------------------------------------------------------
// Fuzz: seeded mutations of typical replies never throw and stay within a linear budget.

const SEEDS = [
  '{"thought": "ok", "action": [0.5, 0.3, 0.2]}',
  "```json\n{'action': (0.2, 0.3, 0.5), note: None,}\n```",
  '<think>maybe {"action": [0, 0, 1]}</think>{"Action": "50%/30%/20%"}',
  "｛“thought”：“对手说“合作”，但我不信”，“action”：［０.２，０.３，０.５］｝",
  '{\n  // reasoning\n  "action": [0.5, 0.25, 0.25] /* sums */ # done\n}',
  '{"thought": "he said "hi" to me", "action": [+.5, .3, .2]}',
  'Draft {"action": [0.5, 0.3, 0.2]} wait, no: {"action": [0.4, 0.4',
];
const ALPHABET = [
  ..."{}[]()\"'“”‘’,;:#/*\\ \n\t0123456789.-+eE%ax_",
  "｛",
  "｝",
  "：",
  "，",
  "、",
  "<think>",
  "</think>",
  "```",
  "True",
  "\uFEFF",
  "\u3000",
];

function mutate(rng: Rng, text: string): string {
  let s = text;
  const edits = rng.int(1, 8);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(0, s.length);
    switch (rng.int(0, 5)) {
      case 0: // insert a token
        s = s.slice(0, at) + ALPHABET[rng.int(0, ALPHABET.length - 1)] + s.slice(at);
        break;
      case 1: // delete a slice
        s = s.slice(0, at) + s.slice(Math.min(s.length, at + rng.int(1, 6)));
        break;
      case 2: { // repeat a short slice many times (long, repetitive replies)
        const piece = s.slice(at, at + rng.int(1, 4)) || "{";
        s = s.slice(0, at) + piece.repeat(rng.int(2, 3000)) + s.slice(at);
        break;
      }
      case 3: // splice in another seed
        s = s.slice(0, at) + SEEDS[rng.int(0, SEEDS.length - 1)] + s.slice(at);
        break;
      case 4: { // wrap in brackets, up to far too deep
        const depth = rng.int(1, 5000);
        s = `{"action": ${"[".repeat(depth)}${s}${"]".repeat(depth)}}`;
        break;
      }
      default: // truncate
        s = s.slice(0, at);
    }
  }
  return s;
}

Deno.test("fuzz: 400 seeded mutated replies never throw and take linear work", () => {
  const rng = new Rng(20240611);
  let totalSteps = 0;
  let totalChars = 0;
  let parsed = 0;
  for (let k = 0; k < 400; k++) {
    const raw = mutate(rng, SEEDS[k % SEEDS.length]);
    const work: ScanWork = { steps: 0 };
    try {
      extractJson(raw, work);
    } catch (e) {
      assert.equal((e as Error).name, "ActionParseError", `case ${k}: ${e}`);
    }
    const result = parseReply(raw, schema);
    assert.equal(typeof result.ok, "boolean", `case ${k}`);
    if (result.ok) parsed++;
    else assert.ok(!/\n/.test(result.error), `case ${k}: the error is not one line`);
    assert.ok(work.steps > 0 || raw.trim() === "", `case ${k}: no steps counted`);
    assert.ok(
      work.steps <= 25 * raw.length + 100,
      `case ${k}: ${work.steps} steps for ${raw.length} chars: ${JSON.stringify(raw.slice(0, 80))}`,
    );
    totalSteps += work.steps;
    totalChars += raw.length;
  }
  assert.ok(totalSteps <= 15 * totalChars, `${totalSteps} steps for ${totalChars} chars in all`);
  assert.ok(totalChars > 100_000, `only ${totalChars} chars fuzzed`);
  assert.ok(parsed > 40, `only ${parsed} of 400 mutated replies parsed: mutations too harsh`);
});
