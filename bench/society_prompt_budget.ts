/**
 * Prints the LLM citizen's prompt budget: input tokens (system + user, o200k_base) of one
 * citizen-day decision request in a realistic game state, at 6 and at 200 citizens, in
 * Chinese and English, with the default prompt (the seed's two hints and the consumption line
 * included) and without those three lines. The target, at most 700 tokens at 6 citizens, is
 * the compact prompt's own: the one without them (the seed's lines add about 42 tokens).
 *
 * Run: `deno run -A bench/society_prompt_budget.ts`
 *
 * @module
 */
import { markdownTable } from "./_table.ts";
import { measurePromptBudget } from "../lib/engines/society/prompt_budget.ts";
import { LANGS } from "../lib/engines/society/prompts.ts";

/** The target for one decision request at 6 citizens, in input tokens. */
const TARGET = 700;

/** The switches that turn the seed's hints and the consumption line off. */
const WITHOUT_SEED_LINES = {
  prompt: { hint_token_exhaustion: false, hint_elimination_cost: false, show_consumption: false },
};

const rows = [6, 200].flatMap((citizens) =>
  [true, false].flatMap((seedLines) =>
    LANGS.map((lang) => ({
      citizens,
      lang,
      prompt: seedLines ? "default" : "without hints/consumption",
      checked: citizens === 6 && !seedLines,
      ...measurePromptBudget({ citizens, lang, config: seedLines ? {} : WITHOUT_SEED_LINES }),
    }))
  )
);
const header = [
  "citizens",
  "prompt",
  "lang",
  "day",
  "proposals",
  "memory",
  "system",
  "user",
  "total",
  `<= ${TARGET}`,
];
const table = markdownTable(header, [
  ...rows.map((r) => [
    r.citizens,
    r.prompt,
    r.lang,
    r.day,
    r.proposals,
    r.memory,
    r.system,
    r.user,
    r.total,
    r.checked ? (r.total <= TARGET ? "yes" : "NO") : "-",
  ]),
], "right");
console.log("LLM citizen, one citizen-day decision request (o200k_base tokens)\n");
for (const line of table) console.log(line);
if (rows.some((r) => r.checked && r.total > TARGET)) Deno.exitCode = 1;
