/**
 * `deno bench -A bench/parse_bench.ts`: the reply parser on a normal reply and on the
 * pathological inputs that made the old search quadratic ("{" x 16,000 took 5-7 s, x 100,000
 * took 236 s). Every case should now take time linear in its length.
 *
 * @module
 */
import { z } from "zod";
import { parseReply, vectorLike } from "../lib/llm/parse.ts";

const schema = z.object({ thought: z.string().optional(), action: vectorLike(3) });
const F = "```";

const normal =
  `<think>The opponent attacked twice; defect a little.</think>\nMy move:\n${F}json\n` +
  `{"thought": "对手是攻击者，所以……", "Action": [0.6，0.3，0.1],}\n${F}`;

const cases: [string, string][] = [
  ["normal reply (think + fence + repairs)", normal],
  ['"{" x 16,000', "{".repeat(16_000)],
  ['"{" x 100,000', "{".repeat(100_000)],
  ['"{x " x 33,000 (100k chars)', "{x ".repeat(33_333)],
  ['"{#" x 50,000 (braces in comments)', "{#".repeat(50_000)],
  ['"{x \\"" x 33,000 (braces in strings)', '{x"'.repeat(33_333)],
  ["quotes that never close, 100k chars", "{x " + '"a"b'.repeat(25_000)],
  ['"<think>" x 14,000', "<think>".repeat(14_285)],
  ['"[1." runs of dots, 100k chars', "[" + "1.".repeat(50_000)],
  [
    "nested groups failing late, 100k chars",
    "[a ".repeat(60) + "a ".repeat(50_000) + "@" + "]".repeat(60),
  ],
  ["reply nested 4,000 deep", `{"action": ${"[".repeat(4000)}1,0,0${"]".repeat(4000)}}`],
  ["100k chars of prose, then the JSON", "x ".repeat(50_000) + '{"action": [0.5, 0.3, 0.2]}'],
];

for (const [name, text] of cases) {
  Deno.bench(name, { group: "parse" }, () => {
    parseReply(text, schema);
  });
}
