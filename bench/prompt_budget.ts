/**
 * Prints the LLM miner's prompt budget: input tokens of a realistic round-30 decision
 * request with full memory, in Chinese and English, counted with the real tokenizer, for the
 * seed-faithful default prompt and the compact one (`COMPACT_PROMPT`). The target of at most
 * 1,000 tokens is the compact prompt's (the seed's prompt carries cumulative rewards, rival
 * states and the last 5 rounds' thoughts in full, about twice as much; see
 * `bench/rq2_prompt_tokens.ts`).
 *
 * Run: `deno run -A bench/prompt_budget.ts`
 *
 * @module
 */
import { markdownTable } from "./_table.ts";
import { COMPACT_PROMPT } from "../lib/engines/blockchain/config.ts";
import { measurePromptBudget } from "../lib/engines/blockchain/prompt_budget.ts";
import { LANGS } from "../lib/engines/blockchain/translator.ts";

/** The target for one compact decision request, in input tokens. */
const TARGET = 1000;

const rows = [false, true].flatMap((compact) =>
  LANGS.map((lang) => ({
    lang,
    prompt: compact ? "compact" : "seed (default)",
    compact,
    ...measurePromptBudget(lang, compact ? COMPACT_PROMPT : {}),
  }))
);
const header = ["prompt", "lang", "system", "user", "total", `<= ${TARGET}`];
const table = markdownTable(header, [
  ...rows.map((r) => [
    r.prompt,
    r.lang,
    r.system,
    r.user,
    r.total,
    r.compact ? (r.total <= TARGET ? "yes" : "NO") : "-",
  ]),
], "right");
console.log("LLM miner, one round-30 decision request (o200k_base tokens)\n");
for (const line of table) console.log(line);
if (rows.some((r) => r.compact && r.total > TARGET)) Deno.exitCode = 1;
