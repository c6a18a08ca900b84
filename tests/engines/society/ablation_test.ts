/**
 * The LLM citizens' ablation switches (`prompt.style`, `prompt.show_token_budget`,
 * `prompt.hint_token_exhaustion`, `prompt.hint_elimination_cost`, `prompt.show_consumption`,
 * with `memory_length`): each changes the prompts the way its doc says, the seed's hints and
 * consumption line are on by default (issue 19) and switching them off gives the prompts of
 * before the switches byte for byte, bad values are errors naming the field, and the run's
 * summary records the switches and their prompt variant. (The verbose style has its own
 * tests in `variants_test.ts`.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { SweepIndexRowSchema } from "../../../lib/core/sweep_dir.ts";
import { runCli } from "../../support/cli.ts";
import { startOpenAIServer } from "../../support/llm_servers.ts";
import { ConfigError } from "../../../lib/core/config.ts";
import type { ChatRequest } from "../../../lib/llm/chat_model.ts";
import { societyAblation } from "../../../lib/engines/society/ablation.ts";
import {
  CITIZEN_SWITCH_DEFAULTS,
  citizenSwitches,
  parseSocietyConfig,
} from "../../../lib/engines/society/config.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { dayPrompt, systemPrompt } from "../../../lib/engines/society/prompts.ts";
import { transcript } from "./_transcript.ts";

/**
 * Hashes of every request of 4 days of six LLM citizens (`_transcript.ts`), captured before
 * the switches existed: with the hints and the consumption line off, exactly these bytes.
 */
const BEFORE = {
  en: "8909e4c2d4b29db2c6808e24aa8f4fdf073b719a4b8f901300c5af18d2c61824",
  zh: "641816ea22b045da691c1245133f508300577ee56de58f2d575225c27a8456b1",
};

const HINT_TOKENS = {
  en:
    " When the tokens run out, the shelter's resources are nearly gone too (not exactly, but the trend is the same).",
  zh: "Token耗尽时，避难所资源也将快耗尽（不完全等同，但趋势一致）。",
};
const HINT_ELIMINATION = {
  en: " Eliminations make survival harder for everyone.",
  zh: "淘汰会让所有人的生存都更困难。",
};
const TOKEN_LINE = {
  en: /^Tokens: consumed \d+ \| remaining \d+$/m,
  zh: /^全局Token：已用\d+ \| 剩余\d+$/m,
};

const CONSUMPTION_LINE = {
  en: /^Your last day cost \d+ game tokens\.$/m,
  zh: /^你上一天消耗：\d+Token$/m,
};

/** The switches that give the prompt of before the switches (the seed's additions off). */
const OFF = { hint_token_exhaustion: false, hint_elimination_cost: false, show_consumption: false };

const user = (r: ChatRequest) => r.messages[0].content;
const lineOf = (text: string, start: string) => text.split("\n").find((l) => l.startsWith(start))!;

Deno.test("society ablation: the seed's additions off, the prompts are byte-identical to before the switches", async () => {
  const explicit = {
    prompt: { style: "compact", show_token_budget: true, ...OFF },
    memory_length: 5,
  };
  for (const lang of ["en", "zh"] as const) {
    assert.equal((await transcript({ prompt: OFF }, lang)).hash, BEFORE[lang], `${lang}: off`);
    assert.equal((await transcript(explicit, lang)).hash, BEFORE[lang], `${lang}: explicit`);
    // the defaults (the seed's v3 prompt) are not the old bytes, and the same with or
    // without an empty section
    const byDefault = (await transcript({}, lang)).hash;
    assert.notEqual(byDefault, BEFORE[lang]);
    assert.equal((await transcript({ prompt: {} }, lang)).hash, byDefault);
  }
  const parsed = parseSocietyConfig({});
  assert.equal("prompt" in parsed, false, "the parsed config (and its hashes) do not change");
  assert.deepEqual(citizenSwitches(parsed), CITIZEN_SWITCH_DEFAULTS);
  assert.deepEqual(CITIZEN_SWITCH_DEFAULTS, {
    style: "compact",
    show_token_budget: true,
    hint_token_exhaustion: true,
    hint_elimination_cost: true,
    show_consumption: true,
  });
});

Deno.test("society ablation defaults: the seed's two hints and the consumption line are on, nothing else changes", async () => {
  for (const lang of ["en", "zh"] as const) {
    const before = (await transcript({ prompt: OFF }, lang, 3)).requests.gemini;
    const now = (await transcript({}, lang, 3)).requests.gemini;
    assert.equal(
      now[0].system,
      before[0].system!
        .replace(
          lineOf(before[0].system!, lang === "en" ? "Each elimination" : "每次淘汰"),
          (l) => l + HINT_ELIMINATION[lang],
        )
        .replace(
          lineOf(before[0].system!, lang === "en" ? "Game tokens:" : "游戏Token："),
          (l) => l + HINT_TOKENS[lang],
        ),
    );
    // day 1: no consumption yet; then the last day's cost, before the global token line
    assert.doesNotMatch(user(now[0]), CONSUMPTION_LINE[lang]);
    assert.equal(user(now[0]), user(before[0]));
    for (const day of [1, 2]) {
      const spent = CONSUMPTION_LINE[lang].exec(user(now[day]))![0];
      assert.equal(user(now[day]).replace(spent + "\n", ""), user(before[day]));
      const lines = user(now[day]).split("\n");
      assert.equal(lines.indexOf(spent) + 1, lines.findIndex((l) => TOKEN_LINE[lang].test(l)));
    }
  }
  // the figure is what the engine charged the citizen on the last day: on day 1 claude's vote
  // on proposal 0 is dropped and its private message costs 1 AP: 1500 + 100
  const run = (await transcript({}, "en", 2)).requests.claude;
  assert.match(user(run[1]), /^Your last day cost 1600 game tokens\.$/m);
  const off = (await transcript({ prompt: { show_consumption: false } }, "en", 2)).requests.claude;
  assert.doesNotMatch(user(off[1]), CONSUMPTION_LINE.en);
});

Deno.test("society ablation hints: each adds the seed's sentence to its rule, nothing else", async () => {
  const none = { hint_token_exhaustion: false, hint_elimination_cost: false };
  for (const lang of ["en", "zh"] as const) {
    const base = (await transcript({ prompt: none }, lang, 1)).requests.claude[0].system!;
    const tokens = (await transcript({ prompt: { ...none, hint_token_exhaustion: true } }, lang, 1))
      .requests.claude[0].system!;
    const elim = (await transcript({ prompt: { ...none, hint_elimination_cost: true } }, lang, 1))
      .requests.claude[0].system!;
    const both = (await transcript({}, lang, 1)).requests.claude[0].system!;
    const tokenRule = lang === "en" ? "Game tokens:" : "游戏Token：";
    const decayRule = lang === "en" ? "Each elimination" : "每次淘汰";
    assert.ok(
      !base.includes(HINT_TOKENS[lang].trim()) && !base.includes(HINT_ELIMINATION[lang].trim()),
    );
    assert.equal(lineOf(tokens, tokenRule), lineOf(base, tokenRule) + HINT_TOKENS[lang]);
    assert.equal(tokens.replace(HINT_TOKENS[lang], ""), base, "only the hint is added");
    assert.equal(lineOf(elim, decayRule), lineOf(base, decayRule) + HINT_ELIMINATION[lang]);
    assert.equal(elim.replace(HINT_ELIMINATION[lang], ""), base, "only the hint is added");
    assert.equal(both.replace(HINT_TOKENS[lang], "").replace(HINT_ELIMINATION[lang], ""), base);
  }
});

Deno.test("society ablation prompt.show_token_budget: false hides every figure of the budget", async () => {
  for (const lang of ["en", "zh"] as const) {
    const shown = (await transcript({}, lang, 3)).requests.qwen;
    const hidden = (await transcript({ prompt: { show_token_budget: false } }, lang, 3)).requests
      .qwen;
    // the system prompt keeps the rule without the total
    assert.ok(shown[0].system!.includes("200000"));
    assert.ok(!hidden[0].system!.includes("200000"));
    const total = lang === "en" ? "Game tokens: 200000 for" : "游戏Token：全程共200000，";
    const none = lang === "en" ? "Game tokens: one budget for" : "游戏Token：全程一个总预算，";
    assert.equal(hidden[0].system, shown[0].system!.replace(total, none));
    // the day messages lose the token line and nothing else
    for (let day = 0; day < 3; day++) {
      assert.match(user(shown[day]), TOKEN_LINE[lang]);
      assert.doesNotMatch(user(hidden[day]), TOKEN_LINE[lang]);
      assert.doesNotMatch(user(hidden[day]), /Tokens|Token：/);
      assert.equal(
        user(hidden[day]),
        user(shown[day]).replace(TOKEN_LINE[lang], "").replace("\n\n", "\n"),
      );
    }
  }
  // dayPrompt's own option
  const view = new SocietyEngine(parseSocietyConfig({})).reset({ seed: 0 });
  const o = view.observations.claude;
  assert.match(dayPrompt({ observation: o, memory: [], lang: "en" }), /Tokens: consumed 0/);
  assert.doesNotMatch(
    dayPrompt({ observation: o, memory: [], lang: "en", showTokenBudget: false }),
    /Tokens/,
  );
  assert.ok(
    systemPrompt({
      name: "claude",
      config: parseSocietyConfig({ prompt: { show_token_budget: false } }),
      lang: "en",
    })
      .includes("The game ends when they cannot pay a day"),
    "the end rule stays",
  );
});

Deno.test("society ablation memory_length: the day message shows that many memory lines", async () => {
  const memory = (n: number) =>
    transcript({ memory_length: n }, "en", 3).then((t) =>
      user(t.requests.gemini[2]).split("\n").filter((l) => /^\[D\d+\]/.test(l)).length
    );
  assert.equal(await memory(5), 5);
  assert.equal(await memory(2), 2);
  assert.equal(await memory(0), 0);
});

Deno.test("society ablation config: errors name the field", () => {
  const cases: [unknown, string][] = [
    [
      { prompt: { show_token_budget: 1 } },
      "config.prompt.show_token_budget: must be true or false, got 1",
    ],
    [
      { prompt: { hint_token_exhaustion: "yes" } },
      'config.prompt.hint_token_exhaustion: must be true or false, got "yes"',
    ],
    [
      { prompt: { hint_elimination_cost: null } },
      "config.prompt.hint_elimination_cost: must be true or false, got null",
    ],
    [{ prompt: { hints: true } }, "config.prompt"],
    [
      { prompt: { show_consumption: "no" } },
      'config.prompt.show_consumption: must be true or false, got "no"',
    ],
    [
      { prompt: { style: "long" } },
      'config.prompt.style: must be "compact" or "verbose", got "long"',
    ],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseSocietyConfig(input),
      (e: Error) => e instanceof ConfigError && e.message.startsWith(message),
      `${JSON.stringify(input)} should fail with ${message}`,
    );
  }
  assert.throws(
    () => parseSocietyConfig({ prompt: { hints: true } }),
    (e: Error) => /hints/.test(e.message),
  );
});

Deno.test("society ablation record: switches by dotted key and a prompt variant per setting", async () => {
  const a = await societyAblation(parseSocietyConfig({}), "en");
  assert.deepEqual(a.switches, {
    "prompt.style": "compact",
    "prompt.show_token_budget": true,
    "prompt.hint_token_exhaustion": true,
    "prompt.hint_elimination_cost": true,
    "prompt.show_consumption": true,
    memory_length: 5,
    lang: "en",
  });
  assert.equal(a.template, "society.citizen/2");
  assert.match(a.prompt_variant, /^[0-9a-f]{16}$/);
  const same = await societyAblation(
    parseSocietyConfig({ prompt: { show_token_budget: true }, days: 3 }),
    "en",
  );
  assert.equal(same.prompt_variant, a.prompt_variant, "only the switches count");
  const variants = new Set([a.prompt_variant]);
  for (
    const [config, lang] of [
      [{ prompt: { show_token_budget: false } }, "en"],
      [{ prompt: { hint_token_exhaustion: false } }, "en"],
      [{ prompt: { hint_elimination_cost: false } }, "en"],
      [{ prompt: { show_consumption: false } }, "en"],
      [{ prompt: { style: "verbose" } }, "en"],
      [{ memory_length: 3 }, "en"],
      [{}, "zh"],
    ] as const
  ) {
    variants.add((await societyAblation(parseSocietyConfig(config), lang)).prompt_variant);
  }
  assert.equal(variants.size, 8, "every switch changes the variant");
});

Deno.test("society ablation sweep: a grid over prompt.show_token_budget records both variants", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-ablation-" });
  await using server = startOpenAIServer(() => ({
    reply: JSON.stringify({ request: 30, actions: [], statement: "ok" }),
  }));
  const llm = (name: string) => ({
    name,
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: server.baseURL,
    api_key: "k",
  });
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [llm("ann"), llm("bob"), { name: "cid", provider: "policy", policy: "selfish" }],
    }),
  );
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({
      experiment: "society",
      base: { days: 2 },
      grid: { "prompt.show_token_budget": [true, false] },
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
  const summary = async (v: boolean) => {
    const row = rows.find((x) => x.params["prompt.show_token_budget"] === v)!;
    return JSON.parse(await Deno.readTextFile(join(out, row.run, "summary.json")));
  };
  const shown = await summary(true);
  const hidden = await summary(false);
  assert.equal(shown.ablation.switches["prompt.show_token_budget"], true);
  assert.equal(hidden.ablation.switches["prompt.show_token_budget"], false);
  assert.notEqual(shown.ablation.prompt_variant, hidden.ablation.prompt_variant);
  assert.equal(
    hidden.ablation.prompt_variant,
    (await societyAblation(parseSocietyConfig({ prompt: { show_token_budget: false } }), "en"))
      .prompt_variant,
  );
  // 2 cells x 2 LLM citizens x 2 days; the token line only in the cell that shows it
  const users = server.requests.map((q) =>
    (q.body.messages as { content: string }[]).map((m) => m.content).join("\n")
  );
  assert.equal(users.length, 8);
  assert.equal(users.filter((u) => TOKEN_LINE.en.test(u)).length, 4);
});

Deno.test("prompt_variant: the proposal rules the prompt states are part of it", async () => {
  const plain = await societyAblation(parseSocietyConfig({}), "en");
  const v3 = await societyAblation(parseSocietyConfig({ variant: "v3" }), "en");
  const noAppeal = await societyAblation(parseSocietyConfig({ proposals: { appeal: null } }), "en");
  assert.equal(
    v3.prompt_variant,
    plain.prompt_variant,
    "naming the default variant changes nothing",
  );
  assert.deepEqual(noAppeal.switches, plain.switches);
  assert.notEqual(noAppeal.prompt_variant, plain.prompt_variant);
});
