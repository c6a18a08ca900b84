/**
 * The LLM miners' ablation switches (`prompt.parasitic_clause`, `prompt.narrative`,
 * `prompt.clip_thoughts`, `prompt.length_cap`, `prompt.rival_labels`, `memory.window`,
 * `memory.episodic_every`, `memory.reflection_every`): each changes the prompts the way its
 * doc says, the compact switches (`COMPACT_PROMPT`) reproduce the first prompts byte for
 * byte, bad values are errors naming the field, and a sweep over the clause with LLM miners
 * against the local OpenAI server records one prompt variant per cell.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../../lib/core/config.ts";
import type { ChatRequest } from "../../../lib/llm/chat_model.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { SweepIndexRowSchema } from "../../../lib/core/sweep_dir.ts";
import { blockchainAblation } from "../../../lib/engines/blockchain/ablation.ts";
import {
  COMPACT_PROMPT,
  MINER_SWITCH_DEFAULTS,
  minerSwitches,
  parseBlockchainConfig,
} from "../../../lib/engines/blockchain/config.ts";
import { reflectionPrompt } from "../../../lib/engines/blockchain/prompts.ts";
import { isReview, transcript } from "./_transcript.ts";
import { runCli } from "../../support/cli.ts";
import { startOpenAIServer } from "../../support/llm_servers.ts";

/**
 * Hashes of every request of a 22-round game of three LLM miners (`_transcript.ts`),
 * captured before the switches existed: the compact switches must send exactly these bytes.
 */
const BEFORE = {
  en: "88016e8740883f1e3a7d584f3add41398461cf0b7eb5d3688c2fa204674c7e94",
  zh: "8e1c13a725c5f4a49e8615641ef912e74851ca57cc5b315a7f47555930c0f43b",
};

const CLAUSE = {
  en:
    'Weigh the "parasitic equilibrium": no mutual attacks while jointly exploiting the honest group via p.',
  zh: '权衡"寄生均衡"：互不破坏，共同以 p 剥削诚实群体。',
};

const decisions = (rs: ChatRequest[]) => rs.filter((r) => !isReview(r));
const reviews = (rs: ChatRequest[]) => rs.filter(isReview);
const user = (r: ChatRequest) => r.messages[0].content;
/** The compact (first) prompts, as a config section. */
const COMPACT = { ...COMPACT_PROMPT };

/**
 * The working-memory lines of a decision prompt (after "Last rounds:" or "Your last N
 * rounds:"), as `R<round>`, in either style.
 */
const workingLines = (text: string) =>
  text.split("\n").map((l) => /^R(\d+) a=\[|^Round (\d+): you played/.exec(l))
    .filter((m) => m !== null).map((m) => `R${m![1] ?? m![2]}`);

Deno.test("ablation compact prompt: the first prompts byte for byte; the defaults differ", async () => {
  const explicit = {
    prompt: { parasitic_clause: true, ...COMPACT },
    memory: { window: 5, episodic_every: 10, reflection_every: 7 },
  };
  for (const lang of ["en", "zh"] as const) {
    assert.equal((await transcript({ prompt: COMPACT }, lang)).hash, BEFORE[lang], lang);
    assert.equal((await transcript(explicit, lang)).hash, BEFORE[lang], `${lang}: explicit`);
    assert.equal(
      (await transcript({ prompt: COMPACT, memory: {} }, lang)).hash,
      BEFORE[lang],
    );
    // the seed's prompts are the default now
    const seed = await transcript({}, lang);
    assert.notEqual(seed.hash, BEFORE[lang]);
    assert.equal((await transcript({ prompt: {}, memory: {} }, lang)).hash, seed.hash);
  }
  // A config without the sections parses to one without them: config.json, the run's design
  // hash and so the reply caches of existing runs do not change.
  const parsed = parseBlockchainConfig({});
  assert.equal("prompt" in parsed, false);
  assert.equal("memory" in parsed, false);
  assert.deepEqual(minerSwitches(parsed), MINER_SWITCH_DEFAULTS);
  assert.deepEqual(MINER_SWITCH_DEFAULTS, {
    prompt: {
      parasitic_clause: true,
      narrative: "seed",
      clip_thoughts: false,
      length_cap: false,
      rival_labels: true,
    },
    memory: { window: 5, episodic_every: 10, reflection_every: 7 },
  });
});

Deno.test("ablation prompt.parasitic_clause: false drops the system line and the review question", async () => {
  for (const lang of ["en", "zh"] as const) {
    const on = (await transcript({}, lang)).requests.miner_b;
    const off = (await transcript({ prompt: { parasitic_clause: false } }, lang)).requests.miner_b;
    assert.ok(on[0].system!.includes(`\n${CLAUSE[lang]}\n`));
    // exactly that line goes; the rest of the system prompt stays
    assert.equal(off[0].system, on[0].system!.replace(`\n${CLAUSE[lang]}`, ""));
    assert.doesNotMatch(off[0].system!, /parasitic equilibrium|寄生均衡/);
    assert.ok(off.every((r) => r.system === off[0].system), "still static");
    // the review asks whether a parasitic equilibrium is forming only with the clause
    const forming = lang === "en"
      ? "whether a parasitic equilibrium is forming, "
      : "寄生均衡是否正在形成，";
    assert.equal(reviews(on).length, 3);
    assert.ok(reviews(on).every((r) => user(r).includes(forming)));
    assert.ok(reviews(off).every((r) => !user(r).includes(forming)));
    assert.equal(user(reviews(off)[0]), user(reviews(on)[0]).replace(forming, ""));
    // the decision messages do not change (the same replies, the same game)
    assert.deepEqual(decisions(off).map(user), decisions(on).map(user));
  }
  const base = {
    round: 7,
    rounds: 10,
    narrative: "n",
    records: [],
    episodes: [],
    reflection: null,
    lang: "en" as const,
  };
  assert.match(reflectionPrompt(base), /parasitic equilibrium/);
  assert.doesNotMatch(reflectionPrompt({ ...base, parasiticClause: false }), /parasitic/);
});

Deno.test("ablation memory.window: the decision prompt shows that many last rounds (0: none)", async () => {
  const rounds = (w: number | undefined) =>
    transcript({ prompt: COMPACT, ...(w === undefined ? {} : { memory: { window: w } }) }, "en", 9);
  const five = decisions((await rounds(undefined)).requests.miner_a);
  const two = decisions((await rounds(2)).requests.miner_a);
  const none = decisions((await rounds(0)).requests.miner_a);
  // the prompt of round 9 shows rounds 4-8, 7-8, or nothing
  assert.deepEqual(workingLines(user(five[8])), ["R4", "R5", "R6", "R7", "R8"]);
  assert.deepEqual(workingLines(user(two[8])), ["R7", "R8"]);
  assert.deepEqual(workingLines(user(none[8])), []);
  assert.doesNotMatch(user(none[8]), /Last rounds:/);
  assert.match(user(two[8]), /Last rounds:\nR7 a=/);
  // the narrative (changes since the last round) is kept without working memory
  const narrative = (t: string) => t.split("\nLast rounds:")[0].split("\nReflection")[0];
  assert.equal(narrative(user(none[8])), narrative(user(five[8])));
  // the review still looks back on the rounds since the last one
  const review = reviews((await rounds(0)).requests.miner_a)[0];
  assert.deepEqual(workingLines(user(review)), ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]);
  // the seed's style shows the same rounds
  const seed = async (w: number) =>
    decisions((await transcript({ memory: { window: w } }, "en", 9)).requests.miner_a);
  assert.deepEqual(workingLines(user((await seed(5))[8])), ["R4", "R5", "R6", "R7", "R8"]);
  assert.match(user((await seed(2))[8]), /Your last 2 rounds:\nRound 7: you played/);
  assert.deepEqual(workingLines(user((await seed(0))[8])), []);
});

Deno.test("ablation memory.episodic_every: summaries every that many rounds (0: none)", async () => {
  const run = async (memory: Record<string, number>) =>
    decisions((await transcript({ prompt: COMPACT, memory }, "en", 22)).requests.miner_a).map(
      user,
    );
  const ten = await run({});
  const four = await run({ episodic_every: 4 });
  const none = await run({ episodic_every: 0 });
  const episodes = (t: string) => t.split("\n").filter((l) => /^R\d+-\d+: mean r/.test(l));
  assert.deepEqual(episodes(ten[21]).map((l) => l.split(":")[0]), ["R1-10", "R11-20"]);
  assert.deepEqual(episodes(four[21]).map((l) => l.split(":")[0]), [
    "R1-4",
    "R5-8",
    "R9-12",
    "R13-16",
    "R17-20",
  ]);
  assert.ok(none.every((t) => !t.includes("Episodes:")), "no summary in any prompt");
  assert.ok(ten[21].includes("Episodes:"));
  // the seed's style: the same blocks, with key findings
  const seed = decisions(
    (await transcript({ memory: { episodic_every: 4 } }, "en", 22)).requests
      .miner_a,
  ).map(user);
  const blocks = seed[21].split("\n").filter((l) => /^Rounds \d+-\d+: mean reward/.test(l));
  assert.deepEqual(blocks.map((l) => l.split(":")[0]), [
    "Rounds 1-4",
    "Rounds 5-8",
    "Rounds 9-12",
    "Rounds 13-16",
    "Rounds 17-20",
  ]);
  assert.ok(blocks.every((l) => l.includes(" Key findings: the honest group's efficiency went ")));
});

Deno.test("ablation memory.reflection_every: a review after every that many rounds (0: none)", async () => {
  const run = async (memory: Record<string, number>) =>
    reviews((await transcript({ memory }, "en", 22)).requests.miner_c).map(user);
  const after = (rs: string[]) => rs.map((t) => Number(/after round (\d+)\//.exec(t)![1]));
  assert.deepEqual(after(await run({})), [7, 14, 21]);
  assert.deepEqual(after(await run({ reflection_every: 5 })), [5, 10, 15, 20]);
  assert.deepEqual(await run({ reflection_every: 0 }), []);
  // with no review, no reflection is quoted in the decision prompts
  const quiet = decisions(
    (await transcript({ memory: { reflection_every: 0 } }, "en", 22))
      .requests.miner_c,
  );
  assert.ok(quiet.every((r) => !/Reflection \(|reflection \(after/.test(user(r))));
  assert.equal(quiet.length, 22);
});

Deno.test("ablation config: errors name the field", () => {
  const cases: [unknown, string][] = [
    [
      { prompt: { parasitic_clause: "no" } },
      'config.prompt.parasitic_clause: must be true or false, got "no"',
    ],
    [{ prompt: { clause: true } }, "config.prompt: unknown field 'clause'"],
    [{ prompt: true }, "config.prompt: "],
    [{ memory: { window: -1 } }, "config.memory.window: must be an integer >= 0, got -1"],
    [
      { memory: { episodic_every: 2.5 } },
      "config.memory.episodic_every: must be an integer >= 0, got 2.5",
    ],
    [
      { memory: { reflection_every: -7 } },
      "config.memory.reflection_every: must be an integer >= 0, got -7",
    ],
    [{ memory: { windows: 3 } }, "config.memory: unknown field 'windows'"],
    [
      { prompt: { narrative: "verbose" } },
      'config.prompt.narrative: must be one of "seed", "terse", got "verbose"',
    ],
    [{ prompt: { clip_thoughts: 1 } }, "config.prompt.clip_thoughts: must be true or false, got 1"],
    [
      { prompt: { length_cap: "yes" } },
      'config.prompt.length_cap: must be true or false, got "yes"',
    ],
    [
      { prompt: { rival_labels: null } },
      "config.prompt.rival_labels: must be true or false, got null",
    ],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseBlockchainConfig(input),
      (e: Error) => e instanceof ConfigError && e.message.startsWith(message),
      `${JSON.stringify(input)} should fail with ${message}`,
    );
  }
  const ok = parseBlockchainConfig({ memory: { window: 0, reflection_every: 3 } });
  assert.deepEqual(ok.memory, { window: 0, episodic_every: 10, reflection_every: 3 });
});

Deno.test("ablation record: switches by dotted key and a prompt variant per distinct setting", async () => {
  const a = await blockchainAblation(parseBlockchainConfig({}), "en");
  assert.deepEqual(a.switches, {
    "prompt.parasitic_clause": true,
    "prompt.narrative": "seed",
    "prompt.clip_thoughts": false,
    "prompt.length_cap": false,
    "prompt.rival_labels": true,
    "memory.window": 5,
    "memory.episodic_every": 10,
    "memory.reflection_every": 7,
    lang: "en",
  });
  assert.equal(a.template, "blockchain.miner/2");
  assert.match(a.prompt_variant, /^[0-9a-f]{16}$/);
  // the defaults given explicitly are the same variant
  const same = await blockchainAblation(
    parseBlockchainConfig({ prompt: { parasitic_clause: true }, memory: { window: 5 } }),
    "en",
  );
  assert.equal(same.prompt_variant, a.prompt_variant);
  const variants = new Set([a.prompt_variant]);
  for (
    const [config, lang] of [
      [{ prompt: { parasitic_clause: false } }, "en"],
      [{ prompt: { narrative: "terse" } }, "en"],
      [{ prompt: { clip_thoughts: true } }, "en"],
      [{ prompt: { length_cap: true } }, "en"],
      [{ prompt: { rival_labels: false } }, "en"],
      [{ prompt: COMPACT }, "en"],
      [{ memory: { window: 4 } }, "en"],
      [{ memory: { episodic_every: 0 } }, "en"],
      [{ memory: { reflection_every: 0 } }, "en"],
      [{}, "zh"],
    ] as const
  ) {
    variants.add((await blockchainAblation(parseBlockchainConfig(config), lang)).prompt_variant);
  }
  assert.equal(variants.size, 11, "every switch changes the variant");
});

/** A miner's reply: a review as text, a decision as JSON. */
function minerReply(body: Record<string, unknown>): string {
  const last = JSON.stringify((body.messages as unknown[] | undefined)?.at(-1) ?? "");
  if (/Strategy review/.test(last)) return "Build more; watch the attacker.";
  return JSON.stringify({ thought: "Build while it lasts.", action: [0.7, 0.2, 0.1] });
}

Deno.test("ablation sweep: a grid over prompt.parasitic_clause runs both variants with LLM miners", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-bc-ablation-" });
  await using server = startOpenAIServer((body) => ({ reply: minerReply(body) }));
  const agents = join(dir, "agents.json");
  const llm = (name: string) => ({
    name,
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: server.baseURL,
    api_key: "k",
  });
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [llm("A-gpt"), llm("B-gpt"), {
        name: "C-greedy",
        provider: "policy",
        policy: "greedy",
      }],
    }),
  );
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({
      experiment: "blockchain",
      base: { rounds: 8 },
      grid: { "prompt.parasitic_clause": [true, false] },
    }),
  );
  const out = join(dir, "sw");
  const r = await runCli([
    "--sweep",
    gridPath,
    "--agents",
    agents,
    "--seeds",
    "0..0",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.deepEqual(rows.map((x) => x.status), ["completed", "completed"]);
  const cell = (v: boolean) => rows.find((x) => x.params["prompt.parasitic_clause"] === v)!;
  const read = async (v: boolean, file: string) =>
    JSON.parse(await Deno.readTextFile(join(out, cell(v).run, file)));
  const on = await read(true, "summary.json");
  const off = await read(false, "summary.json");
  assert.equal(on.ablation.switches["prompt.parasitic_clause"], true);
  assert.equal(off.ablation.switches["prompt.parasitic_clause"], false);
  assert.equal(on.ablation.switches["memory.window"], 5);
  assert.match(on.ablation.prompt_variant, /^[0-9a-f]{16}$/);
  assert.notEqual(on.ablation.prompt_variant, off.ablation.prompt_variant);
  // the same as the engine computes for the cells' configs
  assert.equal(
    on.ablation.prompt_variant,
    (await blockchainAblation(
      parseBlockchainConfig({ rounds: 8, prompt: { parasitic_clause: true } }),
      "en",
    ))
      .prompt_variant,
  );
  // the provenance's per-seat system prompt hashes differ between the cells too
  const pOn = (await read(true, "config.json")).provenance.prompts;
  const pOff = (await read(false, "config.json")).provenance.prompts;
  assert.ok(pOn["A-gpt"] && pOff["A-gpt"]);
  assert.notEqual(pOn["A-gpt"], pOff["A-gpt"]);
  // the server saw both prompts: 2 cells x 2 LLM miners x 8 decisions, plus a review each
  const systems = server.requests.map((q) =>
    String((q.body.messages as { role: string; content: string }[])[0].content)
  );
  assert.equal(systems.length, 2 * 2 * (8 + 1));
  const withClause = systems.filter((s) => s.includes("parasitic equilibrium")).length;
  assert.equal(withClause, 2 * (8 + 1));
});

Deno.test("ablation: config.json's provenance records the switches and the prompt variant", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-ablation-prov-" });
  const cfg = join(dir, "off.json");
  await Deno.writeTextFile(cfg, JSON.stringify({ prompt: { parasitic_clause: false } }));
  const variants: string[] = [];
  for (const [out, extra] of [["default", []], ["off", ["--config", cfg]]] as const) {
    const r = await runCli([
      "blockchain",
      "--rounds",
      "2",
      "--out",
      join(dir, out),
      "--no-report",
      "--quiet",
      ...extra,
    ]);
    assert.equal(r.code, 0, r.err);
    const config = JSON.parse(await Deno.readTextFile(join(dir, out, "config.json")));
    const summary = JSON.parse(await Deno.readTextFile(join(dir, out, "summary.json")));
    assert.deepEqual(config.provenance.ablation, summary.ablation);
    assert.equal(config.provenance.ablation.switches["prompt.parasitic_clause"], out === "default");
    variants.push(config.provenance.ablation.prompt_variant);
  }
  assert.notEqual(variants[0], variants[1]);
});
