/**
 * Prints the LLM miner's prompt budget: input tokens of a realistic round-30 decision
 * request with full memory, in Chinese and English, counted with the real tokenizer.
 *
 * Run: `deno run -A bench/prompt_budget.ts`
 *
 * @module
 */
import { measurePromptBudget } from "../lib/engines/blockchain/prompt_budget.ts";
import { LANGS } from "../lib/engines/blockchain/translator.ts";

/** The target for one decision request, in input tokens. */
const TARGET = 1000;

const rows = LANGS.map((lang) => ({ lang, ...measurePromptBudget(lang) }));
const header = ["lang", "system", "user", "total", `<= ${TARGET}`];
const table = [
  header,
  ...rows.map((r) => [r.lang, r.system, r.user, r.total, r.total <= TARGET ? "yes" : "NO"]),
].map((row) => row.map(String));
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row: string[]) => `| ${row.map((c, i) => c.padStart(widths[i])).join(" | ")} |`;
console.log("LLM miner, round-30 decision request (o200k_base tokens)\n");
console.log(line(table[0]));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of table.slice(1)) console.log(line(row));
if (rows.some((r) => r.total > TARGET)) Deno.exitCode = 1;
