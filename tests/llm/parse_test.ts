import assert from "node:assert/strict";
import { z } from "zod";
import {
  ActionParseError,
  extractJson,
  normalizeKeys,
  numberLike,
  parseReply,
  retryPrompt,
  vectorLike,
} from "../../lib/llm/parse.ts";

/** Rounds every number in a value to 9 decimals, so floats compare with a tolerance. */
function roundDeep(value: unknown): unknown {
  if (typeof value === "number") return Math.round(value * 1e9) / 1e9;
  if (Array.isArray(value)) return value.map(roundDeep);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)]));
  }
  return value;
}

function assertApproxEqual(actual: unknown, expected: unknown, message?: string): void {
  assert.deepEqual(roundDeep(actual), roundDeep(expected), message);
}

const F = "```";

const schemas = {
  /** The blockchain game's action: a probability vector over three moves. */
  vector: z.object({ thought: z.string().optional(), action: vectorLike(3) }),
  /** The prisoner's dilemma's action, upper-cased and NFKC-normalised first. */
  choice: z.object({
    action: z.preprocess(
      (v) => typeof v === "string" ? v.normalize("NFKC").trim().toUpperCase() : v,
      z.enum(["C", "D"]),
    ),
  }),
  /** Any object: shows what extraction produced, with normalised keys. */
  loose: z.looseObject({}),
};

interface Case {
  name: string;
  raw: string;
  schema?: keyof typeof schemas;
  /** The parsed value, or a substring of the error. */
  expected: { value: unknown } | { error: string };
}

const corpus: Case[] = [
  {
    name: "plain valid JSON",
    raw: '{"thought": "ok", "action": [0.5, 0.3, 0.2]}',
    expected: { value: { thought: "ok", action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "json code fence inside prose",
    raw: `Here is my move:\n${F}json\n{"action": [0.2, 0.3, 0.5]}\n${F}\nGood luck!`,
    expected: { value: { action: [0.2, 0.3, 0.5] } },
  },
  {
    name: "fence without a language",
    raw: `${F}\n{"action": [0.1, 0.1, 0.8]}\n${F}`,
    expected: { value: { action: [0.1, 0.1, 0.8] } },
  },
  {
    name: "fenced JSON preferred over JSON in prose",
    raw: `I first thought {"action": [1, 0, 0]} but:\n${F}json\n{"action": [0, 1, 0]}\n${F}`,
    expected: { value: { action: [0, 1, 0] } },
  },
  {
    name: "several fences: the last one wins",
    raw: `Format:\n${F}json\n{"action": [p1, p2, p3]}\n${F}\nMine:\n${F}json\n` +
      `{"action": [0.4, 0.4, 0.2]}\n${F}`,
    expected: { value: { action: [0.4, 0.4, 0.2] } },
  },
  {
    name: "several fences: the last one that parses wins",
    raw: `${F}json\n{"action": [0.6, 0.2, 0.2]}\n${F}\nTo check:\n${F}python\nprint(sum(x))\n${F}`,
    expected: { value: { action: [0.6, 0.2, 0.2] } },
  },
  {
    name: "JSON in prose before and after",
    raw: 'I think cooperation is best. {"action": [1, 0, 0]} That is my final answer.',
    expected: { value: { action: [1, 0, 0] } },
  },
  {
    name: "think block with a decoy object",
    raw: '<think>Maybe {"action": [0, 0, 1]}? No.</think>\n{"action": [1, 0, 0]}',
    expected: { value: { action: [1, 0, 0] } },
  },
  {
    name: "object only inside the think block",
    raw: '<think>I will go with {"action": [0.3, 0.3, 0.4]}</think>Done.',
    expected: { value: { action: [0.3, 0.3, 0.4] } },
  },
  {
    name: "closing </think> without an opening tag",
    raw: 'Reasoning {"action": [0, 1, 0]} ...</think>{"action": [0.1, 0.1, 0.8]}',
    expected: { value: { action: [0.1, 0.1, 0.8] } },
  },
  {
    name: "a fenced draft inside the think block does not beat the answer",
    raw: `<think>Draft:\n${F}json\n{"action": [0, 0, 1]}\n${F}</think>Final: {"action": [1, 0, 0]}`,
    expected: { value: { action: [1, 0, 0] } },
  },
  {
    name: "unfinished JSON in the think block is ignored",
    raw: '<think>I might write {"action": [0.5, </think>{"action": [0.2, 0.2, 0.6]}',
    expected: { value: { action: [0.2, 0.2, 0.6] } },
  },
  {
    name: "unclosed <think> (cut off while thinking) still yields its object",
    raw: '<think>Let me consider {"action": [0.2, 0.2, 0.6]} hmm, but',
    expected: { value: { action: [0.2, 0.2, 0.6] } },
  },
  {
    name: "trailing commas",
    raw: '{"action": [0.5, 0.3, 0.2,],}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "Python dict with single quotes",
    raw: "{'thought': 'defect now', 'action': [0.1, 0.1, 0.8]}",
    expected: { value: { thought: "defect now", action: [0.1, 0.1, 0.8] } },
  },
  {
    name: "escaped and unescaped apostrophes in single-quoted strings",
    raw: "{'thought': 'it\\'s fine, they don't attack', 'action': [1, 0, 0]}",
    expected: { value: { thought: "it's fine, they don't attack", action: [1, 0, 0] } },
  },
  {
    name: "unquoted keys",
    raw: '{thought: "hmm", action: [0.4, 0.4, 0.2]}',
    expected: { value: { thought: "hmm", action: [0.4, 0.4, 0.2] } },
  },
  {
    name: "Chinese reply with full-width commas in the vector",
    raw: '{"thought": "对手是攻击者，所以……", "action": [0.6，0.3，0.1]}',
    expected: { value: { thought: "对手是攻击者，所以……", action: [0.6, 0.3, 0.1] } },
  },
  {
    name: "Chinese reply in full-width punctuation throughout",
    raw: "｛“thought”：“对手说“合作”，但我不信”，“action”：［０.２，０.３，０.５］｝",
    expected: { value: { thought: "对手说“合作”，但我不信", action: [0.2, 0.3, 0.5] } },
  },
  {
    name: "Chinese prose around the JSON",
    raw: '我的决定如下：{"thought": "保持诚实", "action": [0.7, 0.2, 0.1]}。谢谢！',
    expected: { value: { thought: "保持诚实", action: [0.7, 0.2, 0.1] } },
  },
  {
    name: "Chinese think block then a fence",
    raw: `<think>对手上一轮攻击了我……{"action": [1, 0, 0]}</think>\n${F}json\n` +
      `{"thought":"以牙还牙","action":[0.1,0.1,0.8]}\n${F}`,
    expected: { value: { thought: "以牙还牙", action: [0.1, 0.1, 0.8] } },
  },
  {
    name: "ideographic commas in the vector",
    raw: '{"action": [0.5、0.3、0.2]}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "full-width brackets around an ASCII vector",
    raw: '{"action": ［0.6, 0.3, 0.1］}',
    expected: { value: { action: [0.6, 0.3, 0.1] } },
  },
  {
    name: "full-width digits and percent in strings",
    raw: '{"action": ["５０％", "３０％", "２０％"]}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "line and block comments",
    raw: '{\n  // my reasoning\n  "action": [0.5, 0.25, 0.25] /* sums to 1 */\n}',
    expected: { value: { action: [0.5, 0.25, 0.25] } },
  },
  {
    name: "smart quotes as delimiters, apostrophe kept in the text",
    raw: "{“action”: [0.3, 0.3, 0.4], “thought”: “they’re nice”}",
    expected: { value: { action: [0.3, 0.3, 0.4], thought: "they’re nice" } },
  },
  {
    name: "byte order marks and a full-width space",
    raw: '\uFEFF{"action":\uFEFF[0.2,\u3000 0.2, 0.6]}',
    expected: { value: { action: [0.2, 0.2, 0.6] } },
  },
  {
    name: "unbalanced trailing text",
    raw: '{"action": [0.5, 0.3, 0.2]}}} ] )',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "raw newline inside a string",
    raw: '{"thought": "line one\nline two", "action": [0.5, 0.5, 0]}',
    expected: { value: { thought: "line one\nline two", action: [0.5, 0.5, 0] } },
  },
  {
    name: "unescaped quotes inside a string",
    raw: '{"thought": "he said "cooperate" but lied", "action": [0, 0, 1]}',
    expected: { value: { thought: 'he said "cooperate" but lied', action: [0, 0, 1] } },
  },
  {
    name: "escaped quotes and a URL inside a string",
    raw: '{"thought": "he said \\"hi\\", see http://x.y/z", "action": [0, 1, 0]}',
    expected: { value: { thought: 'he said "hi", see http://x.y/z', action: [0, 1, 0] } },
  },
  {
    name: "missing commas between fields and entries",
    raw: '{"thought": "x"\n "action": [0.5 0.3 0.2]}',
    expected: { value: { thought: "x", action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "numbers as strings",
    raw: '{"action": ["0.5", " 0.3 ", "0.2"]}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "percentages as strings",
    raw: '{"action": ["50%", "30%", "20%"]}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "bare percentages",
    raw: "{'action': [50%, 30%, 20%]}",
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "integer percentages summing to 100",
    raw: '{"action": [60, 30, 10]}',
    expected: { value: { action: [0.6, 0.3, 0.1] } },
  },
  {
    name: "rounded percentages summing to 99",
    raw: '{"action": [33, 33, 33]}',
    expected: { value: { action: [0.33, 0.33, 0.33] } },
  },
  {
    name: "vector written as a string",
    raw: '{"action": "[0.5, 0.3, 0.2]"}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "vector written as slash-separated percentages",
    raw: '{"action": "50%/30%/20%"}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "Python tuple",
    raw: "{'action': (0.2, 0.3, 0.5)}",
    expected: { value: { action: [0.2, 0.3, 0.5] } },
  },
  {
    name: "explicit plus signs and leading dots",
    raw: '{"action": [+.5, .3, .2]}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "capitalised keys",
    raw: '{"Thought": "x", "Action": [1, 0, 0]}',
    expected: { value: { thought: "x", action: [1, 0, 0] } },
  },
  {
    name: "upper-case keys",
    raw: '{"THOUGHT": "y", "ACTION": "0.5,0.3,0.2"}',
    expected: { value: { thought: "y", action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "one level of decision wrapper",
    raw: '{"decision": {"action": [0.2, 0.3, 0.5]}}',
    expected: { value: { action: [0.2, 0.3, 0.5] } },
  },
  {
    name: "response wrapper merged with its siblings",
    raw: '{"thought": "x", "Response": {"Action": [0.2, 0.3, 0.5]}}',
    expected: { value: { thought: "x", action: [0.2, 0.3, 0.5] } },
  },
  {
    name: "two wrapper levels are not unwrapped",
    raw: '{"answer": {"decision": {"action": [0.2, 0.3, 0.5]}}}',
    expected: { error: "action: missing required field" },
  },
  {
    name: "wrapper with a bad inner action reports the inner error",
    raw: '{"decision": {"action": [0.5, 0.5]}}',
    expected: { error: "action: expected 3 numbers, got 2" },
  },
  {
    name: "two JSON objects: the last one wins",
    raw: '{"action": [0.1, 0.1, 0.8]}\nActually, let me revise: {"action": [0.4, 0.4, 0.2]}',
    expected: { value: { action: [0.4, 0.4, 0.2] } },
  },
  {
    name: "an array in prose does not beat the object",
    raw: '[Round 3] My move: {"action": [0.3, 0.3, 0.4]} [end]',
    expected: { value: { action: [0.3, 0.3, 0.4] } },
  },
  {
    name: "negative and out-of-range numbers pass through unchanged",
    raw: '{"action": [-0.1, 0.6, 0.5]}',
    expected: { value: { action: [-0.1, 0.6, 0.5] } },
  },
  {
    name: "truncated mid-string",
    raw: '{"thought": "The opponent has attacked twice, so I',
    expected: { error: "never closed" },
  },
  {
    name: "truncated Chinese reply",
    raw: '{"thought": "对手是攻击者，所以',
    expected: { error: "never closed" },
  },
  {
    name: "truncated inside an unclosed fence",
    raw: `${F}json\n{"action": [0.5, 0.3`,
    expected: { error: "never closed" },
  },
  {
    name: "truncated revision does not fall back on the draft",
    raw: 'Draft {"action": [0.5, 0.3, 0.2]} wait, no: {"action": [0.4, 0.4',
    expected: { error: "never closed" },
  },
  {
    name: "truncated last fence does not fall back on an earlier fence",
    raw: `${F}json\n{"action": [0.5, 0.3, 0.2]}\n${F}\nRevised:\n${F}json\n{"action": [0.4,`,
    expected: { error: "never closed" },
  },
  { name: "empty reply", raw: "", expected: { error: "the reply is empty" } },
  { name: "whitespace-only reply", raw: "  \n\t ", expected: { error: "the reply is empty" } },
  {
    name: "no JSON at all",
    raw: "I choose to cooperate this round.",
    expected: { error: "no JSON object found" },
  },
  {
    name: "mismatched brackets",
    raw: '{"action": [0.5, 0.3, 0.2}',
    expected: { error: "mismatched brackets" },
  },
  {
    name: "garbage inside the object",
    raw: '{"action" = [0.5, 0.3, 0.2]}',
    expected: { error: "malformed JSON" },
  },
  {
    name: "too few numbers",
    raw: '{"action": [0.5, 0.5]}',
    expected: { error: "action: expected 3 numbers, got 2" },
  },
  {
    name: "non-numeric entry",
    raw: '{"action": [0.5, "high", 0.2]}',
    expected: { error: 'action[1]: expected a number, got "high"' },
  },
  {
    name: "NaN entry",
    raw: '{"action": [NaN, 0.5, 0.5]}',
    expected: { error: 'action[0]: expected a number, got "NaN"' },
  },
  {
    name: "missing action",
    raw: '{"thought": "thinking..."}',
    expected: { error: "action: missing required field" },
  },
  {
    name: "action of the wrong type",
    raw: '{"action": {"cooperate": 0.5}}',
    expected: { error: "action: expected a list of 3 numbers, got object" },
  },
  {
    name: "bare array instead of an object",
    raw: "[0.5, 0.3, 0.2]",
    expected: { error: "reply: expected object, received array" },
  },
  {
    name: "choice: lower case",
    raw: '{"action": "c"}',
    schema: "choice",
    expected: { value: { action: "C" } },
  },
  {
    name: "choice: bare word and unquoted key",
    raw: "Final answer: {action: D}",
    schema: "choice",
    expected: { value: { action: "D" } },
  },
  {
    name: "choice: full-width letter, Chinese punctuation",
    raw: "我选择背叛：｛“action”：“Ｄ”｝",
    schema: "choice",
    expected: { value: { action: "D" } },
  },
  {
    name: "choice: prose braces before the answer",
    raw: 'The options are {C, D}. I pick {"action": "D"}.',
    schema: "choice",
    expected: { value: { action: "D" } },
  },
  {
    name: "choice: capitalised key in a fence",
    raw: `I will cooperate.\n${F}json\n{"Action": " c "}\n${F}`,
    schema: "choice",
    expected: { value: { action: "C" } },
  },
  {
    name: "choice: an option outside the enum",
    raw: '{"action": "defect"}',
    schema: "choice",
    expected: { error: 'action: Invalid option: expected one of "C"|"D"' },
  },
  {
    name: "loose: Python literals",
    raw: "{'action': 'C', 'confident': True, 'doubt': False, 'note': None}",
    schema: "loose",
    expected: { value: { action: "C", confident: true, doubt: false, note: null } },
  },
  {
    name: "a reply nested 4,000 deep fails cleanly instead of overflowing the stack",
    raw: `{"action": ${"[".repeat(3999)}1, 0, 0${"]".repeat(3999)}}`,
    expected: { error: "is nested deeper than 64 levels" },
  },
  {
    name: "2,000 unclosed braces count as JSON nested too deep, even before valid JSON",
    raw: "{ ".repeat(2000) + "<think>".repeat(500) + '{"action": [0.5, 0.3, 0.2]}',
    expected: { error: "is nested deeper than 64 levels" },
  },
  {
    name: "JSON after prose full of unclosed comments and quotes is still found",
    raw: "{#".repeat(2000) + '\n{x "a"b'.repeat(500) + '\n{"action": [0.5, 0.3, 0.2]}',
    expected: { value: { action: [0.5, 0.3, 0.2] } },
  },
  {
    name: "loose: hash comments and nested keys normalised",
    raw: '{"Action": "C",  # cooperate\n "Meta": {"Round": 3}}',
    schema: "loose",
    expected: { value: { action: "C", meta: { round: 3 } } },
  },
];

Deno.test("parseReply() handles the corpus of awkward replies", async (t) => {
  assert.ok(corpus.length >= 45, `corpus has only ${corpus.length} cases`);
  assert.equal(new Set(corpus.map((c) => c.name)).size, corpus.length, "case names repeat");
  for (const c of corpus) {
    await t.step(c.name, () => {
      const result = parseReply(c.raw, schemas[c.schema ?? "vector"]);
      if ("value" in c.expected) {
        assert.ok(result.ok, result.ok ? "" : `unexpected failure: ${result.error}`);
        assertApproxEqual(result.value, c.expected.value);
      } else {
        assert.ok(!result.ok, `expected a failure, got ${JSON.stringify(result)}`);
        assert.ok(
          result.error.includes(c.expected.error),
          `error ${JSON.stringify(result.error)} lacks ${JSON.stringify(c.expected.error)}`,
        );
        assert.ok(!/\n/.test(result.error), "the error is not one line");
        assert.equal(result.raw, c.raw);
      }
    });
  }
});

Deno.test("extractJson() returns objects, arrays and repaired values", () => {
  assert.deepEqual(extractJson("x = [1, 2, 3]"), [1, 2, 3]);
  assert.deepEqual(extractJson("{'a': 'x', b: [True, None,], c: \"50%\"}"), {
    a: "x",
    b: [true, null],
    c: "50%",
  });
  assert.deepEqual(extractJson('{"a": 50%}'), { a: "50%" });
  assert.deepEqual(extractJson('{"a": {"b": "}"}, "c": "{"}'), { a: { b: "}" }, c: "{" });
  assert.deepEqual(extractJson("{}"), {});
  assert.deepEqual(extractJson("{a: toString, b: constructor}"), {
    a: "toString",
    b: "constructor",
  });
});

Deno.test("extractJson() throws ActionParseError with the raw reply", () => {
  const raw = 'Sure! {"action": [0.5, 0.3';
  assert.throws(() => extractJson(raw), ActionParseError);
  try {
    extractJson(raw);
    assert.fail("extractJson() did not throw");
  } catch (e) {
    assert.ok(e instanceof ActionParseError);
    assert.equal(e.name, "ActionParseError");
    assert.equal(e.raw, raw);
    assert.match(e.reason, /never closed/);
    assert.equal(e.message, `Cannot parse the model's reply: ${e.reason}`);
  }
  assert.throws(() => extractJson("no json here"), /no JSON object found/);
});

Deno.test("numberLike accepts number spellings and rejects the rest", () => {
  const accepted: [unknown, number][] = [
    [0.3, 0.3],
    [-2, -2],
    ["0.3", 0.3],
    [" 0.3 ", 0.3],
    ["30%", 0.3],
    ["30 %", 0.3],
    ["０.３", 0.3],
    ["３０％", 0.3],
    [".5", 0.5],
    ["+1e-2", 0.01],
  ];
  for (const [input, expected] of accepted) {
    assertApproxEqual(numberLike.parse(input), expected, `input ${JSON.stringify(input)}`);
  }
  const rejected: unknown[] = [NaN, Infinity, "", "abc", "0.3abc", "NaN", "1/3", null, true, [1]];
  for (const input of rejected) {
    const r = numberLike.safeParse(input);
    assert.equal(r.success, false, `input ${String(input)} was accepted`);
    assert.match(r.error!.issues[0].message, /^expected a number, got /);
  }
});

Deno.test("vectorLike(n) accepts arrays and strings of numbers", () => {
  const v = vectorLike(3);
  const accepted: [unknown, number[]][] = [
    [[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]],
    [["0.5", "30%", 0.2], [0.5, 0.3, 0.2]],
    ["[0.5, 0.3, 0.2]", [0.5, 0.3, 0.2]],
    ["0.5,0.3,0.2", [0.5, 0.3, 0.2]],
    ["50%/30%/20%", [0.5, 0.3, 0.2]],
    ["０.５，０.３，０.２", [0.5, 0.3, 0.2]],
    ["(0.5 0.3 0.2)", [0.5, 0.3, 0.2]],
    [[50, 30, 20], [0.5, 0.3, 0.2]],
    [[100, 0, 0], [1, 0, 0]],
    ["60, 30, 10", [0.6, 0.3, 0.1]],
    [[2, 3, 4], [2, 3, 4]],
    [[1, 0, 0], [1, 0, 0]],
  ];
  for (const [input, expected] of accepted) {
    assertApproxEqual(v.parse(input), expected, `input ${JSON.stringify(input)}`);
  }
  assert.deepEqual(vectorLike(2).parse(["-1", "2"]), [-1, 2]);
});

Deno.test("vectorLike(n) rejects wrong lengths and entries with clear messages", () => {
  const v = vectorLike(3);
  const messages = (input: unknown) =>
    v.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}:${i.message}`);
  assert.deepEqual(messages([0.5, 0.5]), [":expected 3 numbers, got 2"]);
  assert.deepEqual(messages(""), [":expected 3 numbers, got 0"]);
  assert.deepEqual(messages("0.5,0.3,0.1,0.1"), [":expected 3 numbers, got 4"]);
  assert.deepEqual(messages([1, "x", NaN]), [
    '1:expected a number, got "x"',
    "2:expected a number, got NaN",
  ]);
  assert.deepEqual(messages(0.5), [":expected a list of 3 numbers, got 0.5"]);
  assert.deepEqual(messages(null), [":expected a list of 3 numbers, got null"]);
});

Deno.test("vectorLike(n) reads percentages only when asked and when they sum to 100", () => {
  assert.deepEqual(vectorLike(3, { percentages: false }).parse([50, 30, 20]), [50, 30, 20]);
  assert.deepEqual(vectorLike(3).parse([50, 30, 25]), [50, 30, 25]);
  assert.deepEqual(vectorLike(3).parse([-50, 100, 50]), [-50, 100, 50]);
  assert.throws(() => vectorLike(0), RangeError);
  assert.throws(() => vectorLike(2.5), /'n' must be a positive integer, got 2.5/);
});

Deno.test("normalizeKeys() lower-cases keys recursively, preferring lower-case originals", () => {
  assert.deepEqual(normalizeKeys({ Action: 1, " THOUGHT ": { Why: [{ A: 1 }] } }), {
    action: 1,
    thought: { why: [{ a: 1 }] },
  });
  assert.deepEqual(normalizeKeys({ Action: 1, action: 2 }), { action: 2 });
  assert.deepEqual(normalizeKeys({ action: 2, Action: 1 }), { action: 2 });
  assert.deepEqual(normalizeKeys({ ACTION: 1, Action: 2 }), { action: 1 });
  assert.equal(normalizeKeys("Text"), "Text");
});

Deno.test("parseReply() keeps schema strictness and camelCase keys written exactly", () => {
  const strict = z.strictObject({ action: z.string() });
  const extra = parseReply('{"action": "C", "extra": 1}', strict);
  assert.ok(!extra.ok);
  assert.match(extra.error, /^reply: Unrecognized key: "extra"$/);
  assert.deepEqual(parseReply('{"Action": "C"}', strict), { ok: true, value: { action: "C" } });
  const camel = z.object({ targetId: z.number() });
  assert.deepEqual(parseReply('{"targetId": 3}', camel), { ok: true, value: { targetId: 3 } });
});

Deno.test("retryPrompt() shows the error and asks for only the JSON object", () => {
  const prompt = retryPrompt("action: expected 3 numbers, got 2");
  assert.match(prompt, /could not be parsed: action: expected 3 numbers, got 2\n/);
  assert.match(prompt, /only the JSON object/);
});
