import assert from "node:assert/strict";
import { countRequestTokens } from "../../../lib/llm/tokens.ts";
import { COMPACT_PROMPT, parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import { LABELS } from "../../../lib/engines/blockchain/labels.ts";
import type { RoundRecord } from "../../../lib/engines/blockchain/memory.ts";
import {
  budgetScenario,
  measurePromptBudget,
} from "../../../lib/engines/blockchain/prompt_budget.ts";
import {
  clipEnd,
  decisionPrompt,
  episodeLine,
  reflectionPrompt,
  roundLine,
  systemPrompt,
  THOUGHT_CHARS,
} from "../../../lib/engines/blockchain/prompts.ts";
import {
  cpd,
  initialSnapshot,
  LANGS,
  narrate,
  num,
  signed,
  snapshotOf,
} from "../../../lib/engines/blockchain/translator.ts";

const config = parseBlockchainConfig({});
/** The first (compact) prompts: these tests pin their texts. */
const compact = parseBlockchainConfig({ prompt: { ...COMPACT_PROMPT } });
const COMPACT = { ...COMPACT_PROMPT, parasitic_clause: true };
const rivals = [{ name: "miner_b", alpha: 0.2 }, { name: "miner_c", alpha: 0.15 }];
const allLabels = (lang: "zh" | "en") => Object.values(LABELS).map((l) => l[lang]);

function record(round: number, thought?: string): RoundRecord {
  return {
    round,
    action: [0.6, 0.3, 0.1],
    thought,
    parseOk: true,
    reward: 4.1234,
    efficiency: 0.95,
    honestEfficiency: 0.4,
    rivalEfficiency: 0.875,
    rivals: { miner_b: 0.9, miner_c: 0.85 },
  };
}

Deno.test("compact numbers", () => {
  assert.deepEqual([num(0.4), num(-0.05), num(12.345), num(1), num(-0.001)], [
    ".40",
    "-.05",
    "12.35",
    "1.00",
    ".00",
  ]);
  assert.deepEqual([signed(0.05), signed(-0.1), signed(0.001)], ["+.05", "-.10", "±0"]);
  assert.equal(cpd([0.6, 0.3, 0.1]), "[.60,.30,.10]");
  assert.equal(cpd([1, 0, 0]), "[1,0,0]");
});

Deno.test("system prompt: identity, rules with the config's numbers, setting, format", () => {
  const en = systemPrompt({ name: "miner_a", alpha: 0.25, config: compact, rivals, lang: "en" });
  for (
    const part of [
      "miner_a",
      "α=0.25",
      "miner_b (α=0.2)",
      "miner_c (α=0.15)",
      "honest group (α=0.4) always plays [1,0,0]",
      "3 miners",
      "U = R·α·c + R·p·η̄^β − λ·d² (R=10, β=1.5, λ=2)",
      "η ← clamp(η − κ·Σd + γ, η_min, 1)",
      "κ=0.2, γ=0.05, η_min=0.1",
      "Label each rival",
      "parasitic equilibrium",
      "situation, rival labels, honest trend, cost/benefit, social reasoning, decision",
      '{"thought": "...", "action": [c, p, d]}',
    ]
  ) assert.ok(en.includes(part), `missing ${part}`);
  const custom = parseBlockchainConfig({ R: 12, beta: 2, lambda: 3, kappa: 0.3, gamma: 0.1 });
  const other = systemPrompt({ name: "miner_a", alpha: 0.25, config: custom, rivals, lang: "zh" });
  assert.ok(other.includes("R=12, β=2, λ=3"));
  assert.ok(other.includes("κ=0.3, γ=0.1, η_min=0.1"));
  assert.ok(other.includes("寄生均衡"));
  assert.ok(other.includes("态势、对手标签、诚实群体趋势、成本收益、社会推理、决策"));
  // Static: no round numbers, same text each time.
  assert.equal(
    systemPrompt({ name: "miner_a", alpha: 0.25, config: compact, rivals, lang: "en" }),
    en,
  );
  assert.ok(!/round \d|\d+\/\d+/i.test(en));
  assert.ok(en.includes('"thought" ≤50 words'));
  // the seed's: the label rule, rival_labels asked for, no length cap, no line legend
  for (const lang of LANGS) {
    const seed = systemPrompt({ name: "miner_a", alpha: 0.25, config, rivals, lang });
    assert.ok(
      seed.includes(
        '{"thought": "...", "rival_labels": {"miner_b": "...", "miner_c": "..."}, "action": [c, p, d]}',
      ),
    );
    assert.ok(seed.includes("honest_builder") && seed.includes("parasitic_free_rider"));
    assert.ok(seed.includes(lang === "en" ? "c ≥ 0.6 honest builder" : "c ≥ 0.6 诚实建设者"));
    assert.doesNotMatch(seed, /≤50 words|≤60字|ηR=/);
    assert.ok(!/round \d|\d+\/\d+/i.test(seed));
  }
  const capped = parseBlockchainConfig({ prompt: { length_cap: true, rival_labels: false } });
  const zhCapped = systemPrompt({
    name: "miner_a",
    alpha: 0.25,
    config: capped,
    rivals,
    lang: "zh",
  });
  assert.ok(zhCapped.includes("thought ≤60字"));
  assert.ok(zhCapped.includes('只回答 JSON：{"thought": "...", "action": [c, p, d]}'));
});

Deno.test("prompts: labels appear in the prompt's language only", () => {
  const engine = new BlockchainEngine(config);
  engine.reset({ seed: 0 });
  const view = engine.step({
    miner_a: [0.6, 0.3, 0.1],
    miner_b: [0.2, 0.3, 0.5],
    miner_c: [0.2, 0.7, 0.1],
  });
  const info = view.infos.miner_a;
  for (const lang of LANGS) {
    const other = lang === "zh" ? "en" : "zh";
    const system = systemPrompt({ name: "miner_a", alpha: 0.25, config: compact, rivals, lang });
    for (const label of allLabels(lang)) assert.ok(system.includes(label), `${lang}: ${label}`);
    for (const label of allLabels(other)) assert.ok(!system.includes(label), `${lang}: ${label}`);
    // the seed's asks for label keys (English identifiers), but names labels in its language
    const seed = systemPrompt({ name: "miner_a", alpha: 0.25, config, rivals, lang });
    for (const label of allLabels(lang)) assert.ok(seed.includes(label), `${lang}: ${label}`);
    if (lang === "zh") {
      for (const name of ["honest builder", "parasitic free-rider", "balanced strategist"]) {
        assert.ok(!seed.includes(name), name);
      }
    }
    const narrative = narrate({
      observation: view.observations.miner_a,
      info,
      previous: initialSnapshot(info, 1),
      config,
      lang,
    });
    assert.ok(narrative.includes(LABELS.attacker[lang]));
    assert.ok(narrative.includes(LABELS.parasitic_free_rider[lang]));
    assert.ok(!narrative.includes(LABELS.attacker[other]));
  }
});

Deno.test("translator: honest trend, rival labels and efficiency changes, own change", () => {
  const engine = new BlockchainEngine(config);
  engine.reset({ seed: 0 });
  const first = engine.view();
  const r1 = narrate({
    observation: first.observations.miner_a,
    info: first.infos.miner_a,
    config,
    lang: "en",
  });
  assert.match(r1, /miner_b: no move yet, η 1\.00\./);
  let view = engine.step({ miner_a: [1, 0, 0], miner_b: [0, 0, 1], miner_c: [0, 0, 1] });
  let previous = initialSnapshot(view.infos.miner_a, 1);
  let text = narrate({
    observation: view.observations.miner_a,
    info: view.infos.miner_a,
    previous,
    config,
    lang: "en",
  });
  assert.equal(
    text,
    [
      "Network: others' mean η .78; total d last round 2.00.",
      "Honest group: η .65 (-.35), falling.",
      "miner_b: attacker (d 1), η .85 (-.15).",
      "miner_c: attacker (d 1), η .85 (-.15).",
      "You: η .65 (-.35).",
    ].join("\n"),
  );
  for (let k = 0; k < 2; k++) {
    previous = snapshotOf(view.infos.miner_a);
    view = engine.step({ miner_a: [1, 0, 0], miner_b: [0, 0, 1], miner_c: [0, 0, 1] });
  }
  text = narrate({
    observation: view.observations.miner_a,
    info: view.infos.miner_a,
    previous,
    config,
    lang: "zh",
  });
  assert.match(text, /诚实群体：η \.10 \(-\.20\)，已触底。/);
  previous = snapshotOf(view.infos.miner_a);
  view = engine.step({ miner_a: [1, 0, 0], miner_b: [1, 0, 0], miner_c: [1, 0, 0] });
  text = narrate({
    observation: view.observations.miner_a,
    info: view.infos.miner_a,
    previous,
    config,
    lang: "en",
  });
  assert.match(text, /Honest group: η \.15 \(\+\.05\), rising\./);
  assert.match(text, /miner_b: honest builder \(d 0\)/);
  assert.match(text, /You: η \.15 \(\+\.05\)\./);
});

Deno.test("decision prompt: round, narrative, memory lines, answer instruction", () => {
  const long = `${"x".repeat(300)}. Decision: build.`;
  const memory = {
    working: [record(11, "short"), record(12, long)],
    episodes: [{
      from: 1,
      to: 10,
      meanReward: 4.2,
      firstHalf: [0.5, 0.3, 0.2],
      secondHalf: [0.62, 0.25, 0.13],
      best: { round: 4, reward: 6.1 },
      worst: { round: 9, reward: 1.02 },
    }],
    reflection: { round: 7, text: "Build more." },
  };
  const en = decisionPrompt({
    round: 13,
    rounds: 30,
    narrative: "N",
    memory,
    lang: "en",
    style: COMPACT,
  });
  const lines = en.split("\n");
  assert.equal(lines[0], "Round 13/30.");
  assert.equal(lines[1], "N");
  assert.ok(
    en.includes("R1-10: mean r 4.20; c .50→.62 p .30→.25 d .20→.13; best R4 6.10, worst R9 1.02"),
  );
  assert.ok(en.includes("Reflection (R7): Build more."));
  assert.ok(en.includes("R11 a=[.60,.30,.10] r=4.12 η=.95 ηH=.40 ηR=.88 | short"));
  const r12 = lines.find((l) => l.startsWith("R12 "))!;
  const shown = r12.split(" | ")[1];
  assert.ok([...shown].length <= THOUGHT_CHARS.en);
  assert.ok(shown.endsWith("Decision: build."));
  assert.equal(lines.at(-1), "Answer with the JSON object only.");
  const zh = decisionPrompt({
    round: 13,
    rounds: 30,
    narrative: "N",
    memory,
    lang: "zh",
    style: COMPACT,
  });
  assert.match(zh, /^第 13\/30 轮。/);
  assert.ok(zh.includes("情节总结"));
  assert.ok(zh.includes("反思（R7）：Build more."));
  assert.ok(zh.endsWith("只回答 JSON 对象。"));
  const empty = decisionPrompt({
    round: 1,
    rounds: 30,
    narrative: "N",
    memory: { working: [], episodes: [], reflection: null },
    lang: "en",
  });
  assert.equal(empty, "Round 1/30.\nN\nAnswer with the JSON object only.");
  // the seed's style: the thought in full, the same memory in words
  const seed = decisionPrompt({ round: 13, rounds: 30, narrative: "N", memory, lang: "en" });
  assert.ok(seed.includes(`Your reasoning: ${long}`), "the whole thought");
  assert.ok(seed.includes("Latest reflection (after round 7): Build more."));
  assert.ok(seed.includes("Your last 2 rounds:\nRound 11: you played [0.60, 0.30, 0.10]"));
  assert.ok(seed.includes("Rounds 1-10: mean reward 4.20"));
  const clipped = decisionPrompt({
    round: 13,
    rounds: 30,
    narrative: "N",
    memory,
    lang: "en",
    style: { ...COMPACT, narrative: "seed" },
  });
  assert.ok(!clipped.includes(long));
  assert.ok(clipped.includes("Your reasoning: …"));
});

Deno.test("round and episode lines; clipping keeps the end of a thought", () => {
  assert.equal(roundLine(record(12), "en"), "R12 a=[.60,.30,.10] r=4.12 η=.95 ηH=.40 ηR=.88");
  assert.equal(
    roundLine({ ...record(3, "t"), parseOk: false }, "zh"),
    "R3 a=[.60,.30,.10] r=4.12 η=.95 ηH=.40 ηR=.88 （回复无效，按默认 [1,0,0]）",
  );
  assert.equal(clipEnd("short", 10), "short");
  assert.equal(
    clipEnd("First idea. Then more. Decision: build.", 30),
    "…Then more. Decision: build.",
  );
  const zh = clipEnd("甲".repeat(60) + "。决定：建设为主。", THOUGHT_CHARS.zh);
  assert.ok([...zh].length <= THOUGHT_CHARS.zh && zh.endsWith("决定：建设为主。"));
  const e = {
    from: 11,
    to: 20,
    meanReward: 2.5,
    firstHalf: [1, 0, 0],
    secondHalf: [0.5, 0.5, 0],
    best: { round: 12, reward: 3 },
    worst: { round: 19, reward: 2 },
  };
  assert.equal(
    episodeLine(e, "zh"),
    "R11-20：平均收益 2.50；c 1.00→.50 p .00→.50 d .00→.00；最佳 R12 3.00，最差 R19 2.00。",
  );
});

Deno.test("reflection prompt: short plain-text review of own history", () => {
  for (const lang of LANGS) {
    const text = reflectionPrompt({
      round: 14,
      rounds: 30,
      narrative: "N",
      records: [record(13, "secret"), record(14)],
      episodes: [],
      reflection: { round: 7, text: "Old plan." },
      lang,
      style: COMPACT,
    });
    assert.ok(text.includes(lang === "en" ? "≤120 words" : "不超过120字"));
    assert.ok(text.includes(lang === "en" ? "not JSON" : "不要 JSON"));
    assert.ok(text.includes("R13 a=[.60,.30,.10] r=4.12"));
    assert.ok(text.includes("Old plan."));
    assert.ok(!text.includes("secret"));
    // the seed's: no cap, the rounds in words, still no thought
    const seed = reflectionPrompt({
      round: 14,
      rounds: 30,
      narrative: "N",
      records: [record(13, "secret"), record(14)],
      episodes: [],
      reflection: { round: 7, text: "Old plan." },
      lang,
    });
    assert.doesNotMatch(seed, /≤120 words|不超过120字/);
    assert.ok(seed.includes(lang === "en" ? "Round 13: you played" : "第 13 轮：你出"));
    assert.ok(!seed.includes("secret"));
  }
});

Deno.test("prompt budget: the compact round-30 decision with full memory fits 1000 tokens", () => {
  for (const lang of LANGS) {
    const budget = measurePromptBudget(lang, COMPACT_PROMPT);
    assert.ok(budget.total <= 1000, `${lang}: ${budget.total} tokens`);
    const { request, system, user, engine, memory } = budgetScenario(lang, COMPACT_PROMPT);
    assert.equal(budget.total, countRequestTokens(request));
    assert.ok(budget.system > 0 && budget.user > 0 && budget.system + budget.user < budget.total);
    // Nothing the SPEC lists was dropped.
    assert.match(user, lang === "en" ? /^Round 30\/30\./ : /^第 30\/30 轮。/);
    const info = engine.view().infos.miner_a;
    assert.equal(info.rivals.length, 2);
    for (const rival of info.rivals) {
      assert.ok(rival.label !== null);
      assert.ok(
        user.includes(`${rival.name}${lang === "en" ? ": " : "："}${LABELS[rival.label][lang]}`),
      );
      assert.ok(user.includes(`η ${num(rival.efficiency)} (`));
    }
    assert.ok(user.includes(`η ${num(engine.honestEfficiency())} (`));
    assert.ok(/rising|falling|at floor|stable|上升|下降|已触底|持平/.test(user));
    for (const part of ["R=10", "β=1.5", "λ=2", "κ=0.2", "γ=0.05", "η_min=0.1", "α=0.25"]) {
      assert.ok(system.includes(part), `${lang}: ${part}`);
    }
    assert.equal(memory.episodes.length, 2);
    for (const e of memory.episodes) assert.ok(user.includes(episodeLine(e, lang)));
    assert.ok(memory.reflection);
    assert.ok(user.includes(memory.reflection.text), `${lang}: reflection`);
    for (let round = 25; round <= 29; round++) {
      assert.match(user, new RegExp(`\\nR${round} a=\\[[^\\n]* ηR=[^\\n]* \\| \\S`));
    }
  }
});
