/**
 * The shelter's LLM citizen prompt, compact against verbose: the input tokens (o200k_base) of
 * one citizen-day decision request in a realistic game state (`prompt_budget.ts`), for the
 * v3 rules (the default) and the v2 preset, each in both prompt styles, in English and
 * Chinese, at 6 citizens; with the real tokens per citizen-day (input + the typical reply)
 * and how many citizens the default 200,000-token budget carries for 10 days at that cost.
 *
 * Run: `deno run -A bench/shelter_prompt_tokens.ts`
 *
 * @module
 */
import { markdownTable } from "./_table.ts";
import { countTokens } from "../lib/llm/tokens.ts";
import { measurePromptBudget } from "../lib/engines/society/prompt_budget.ts";
import { societySampleReply } from "../lib/engines/society/profile.ts";
import { LANGS } from "../lib/engines/society/prompts.ts";
import { tokenCapacity } from "../lib/engines/society/token_capacity.ts";

const OUTPUT = countTokens(societySampleReply({ messages: [] }));

const cases: [string, Record<string, unknown>][] = [
  ["v3 compact (default)", {}],
  ["v3 verbose", { prompt: { style: "verbose" } }],
  ["v3 compact, no hints/consumption", {
    prompt: { hint_token_exhaustion: false, hint_elimination_cost: false, show_consumption: false },
  }],
  ["v2 verbose (preset)", { variant: "v2" }],
  ["v2 compact", { variant: "v2", prompt: { style: "compact" } }],
];

const header = [
  "prompt",
  "lang",
  "day",
  "proposals",
  "memory",
  "system",
  "user",
  "input",
  "+ reply",
  "citizens x 10 days in 200k",
];
const rows = cases.flatMap(([label, config]) =>
  LANGS.map((lang) => {
    const b = measurePromptBudget({ citizens: 6, lang, config });
    const perDay = b.total + OUTPUT;
    return [
      label,
      lang,
      b.day,
      b.proposals,
      b.memory,
      b.system,
      b.user,
      b.total,
      perDay,
      tokenCapacity(200_000, perDay, { citizens: 6, days: 10 }).citizens,
    ].map(String);
  })
);
console.log(
  `Shelter citizen, one citizen-day decision request (o200k_base), 6 citizens; reply ${OUTPUT} tokens\n`,
);
for (const line of markdownTable(header, rows)) console.log(line);
