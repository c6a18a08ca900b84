/**
 * Input tokens per decision of the RQ2 LLM miners, in the seed's prompt style (the default)
 * and in the compact one (`COMPACT_PROMPT`: terse narrative, clipped thoughts, length caps,
 * no rival labels), in English and Chinese, counted with the real tokenizer (`o200k_base`):
 *
 * 1. **Recorded states**: the original authors' 30-round run (`rq2_result.json`, three LLM
 *    miners, kappa 0.3) replayed through the engine; each miner's memory holds its recorded
 *    thoughts (saved clipped to 80 characters by the original code), and the decision
 *    request every miner would send in every round (90 decisions) is built and counted. The
 *    run's reflections were not recorded: the sample reflection of `prompt_budget.ts` stands
 *    in after rounds 7, 14, 21 and 28. Skipped when the reference data is absent.
 * 2. **Round-30 scenario** of `prompt_budget.ts` (miner_a's request with full memory and
 *    thoughts of about 150 characters).
 *
 * Text only (system + user + chat overhead); with structured output the reply schema is
 * input too, and its tokens are printed apart.
 *
 * Run: `deno run -A bench/rq2_prompt_tokens.ts`
 *
 * @module
 */
import { markdownTable } from "./_table.ts";
import { findReference } from "../lib/core/reference.ts";
import { countRequestTokens, countTokens } from "../lib/llm/tokens.ts";
import { replySchema } from "../lib/llm/structured.ts";
import {
  COMPACT_PROMPT,
  type MinerPromptSwitches,
  parseBlockchainConfig,
} from "../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../lib/engines/blockchain/engine.ts";
import { minerPrompts, minerWireSchema, roundRecord } from "../lib/engines/blockchain/llm_miner.ts";
import { MinerMemory } from "../lib/engines/blockchain/memory.ts";
import { measurePromptBudget, sampleReflection } from "../lib/engines/blockchain/prompt_budget.ts";
import { loadRq2Result } from "../lib/engines/blockchain/replay_file.ts";
import { type Lang, LANGS } from "../lib/engines/blockchain/translator.ts";

const STYLES: Record<string, Partial<MinerPromptSwitches>> = {
  seed: {},
  compact: { ...COMPACT_PROMPT },
};

/** Tokens of every decision request of the recorded run, in one style and language. */
function recordedRun(path: string, prompt: Partial<MinerPromptSwitches>, lang: Lang): number[] {
  const run = loadRq2Result(JSON.parse(Deno.readTextFileSync(path)));
  const config = parseBlockchainConfig({
    alpha: run.agents.map((a) => a.alpha),
    honest_power: run.honestPower,
    rounds: run.rounds,
    kappa: 0.3,
    miners: run.agents.map((a) => a.name),
    ...(Object.keys(prompt).length ? { prompt } : {}),
  });
  const engine = new BlockchainEngine(config);
  const memories = config.miners.map(() => new MinerMemory());
  let view = engine.reset({ seed: 0 });
  const tokens: number[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    config.miners.forEach((name, index) => {
      const { system, user } = minerPrompts({
        name,
        index,
        config,
        lang,
        memory: memories[index],
        round,
        observation: view.observations[name],
        info: view.infos[name],
      });
      tokens.push(countRequestTokens({ system, messages: [{ role: "user", content: user }] }));
    });
    const actions = Object.fromEntries(
      run.agents.map((a) => [a.name, a.records[round - 1].action]),
    );
    const step = engine.step(actions);
    config.miners.forEach((name, index) => {
      const thought = run.agents[index].records[round - 1].thought || undefined;
      memories[index].record(roundRecord({
        round,
        action: actions[name],
        reward: step.rewards[name],
        observation: step.observations[name],
        info: step.infos[name],
        events: step.events,
      }, { thought, parseOk: true }));
      if (round % 7 === 0) memories[index].setReflection(round, sampleReflection(lang));
    });
    view = step;
  }
  return tokens;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Prints a Markdown table. */
function table(header: string[], rows: (string | number)[][]): void {
  for (const line of markdownTable(header, rows)) console.log(line);
  console.log();
}

const reference = findReference("blockchain/rq2_result.json");
if (reference === null) {
  console.log("Recorded states: skipped (rq2_result.json not found).\n");
} else {
  console.log("1. Recorded states (rq2_result.json, 90 decisions), input tokens per decision:\n");
  const rows: (string | number)[][] = [];
  for (const lang of LANGS) {
    for (const [style, prompt] of Object.entries(STYLES)) {
      const t = recordedRun(reference, prompt, lang);
      rows.push([lang, style, Math.round(mean(t)), Math.min(...t), Math.max(...t)]);
    }
  }
  table(["lang", "style", "mean", "min", "max"], rows);
}

console.log("2. Round-30 scenario (prompt_budget.ts), input tokens of the request:\n");
const rows: (string | number)[][] = [];
for (const lang of LANGS) {
  for (const [style, prompt] of Object.entries(STYLES)) {
    const b = measurePromptBudget(lang, prompt);
    rows.push([lang, style, b.system, b.user, b.total]);
  }
}
table(["lang", "style", "system", "user", "total"], rows);

const rivals = ["miner_b", "miner_c"];
const schemaTokens = (labels: boolean) =>
  countTokens(JSON.stringify(replySchema("miner_reply", minerWireSchema(rivals, labels))!.json));
console.log(
  `Reply schema (structured output, 2 rivals): ${schemaTokens(true)} tokens with rival_labels, ` +
    `${schemaTokens(false)} without.`,
);
