/**
 * The seed's prompts (the default): the narrative carries every participant's cumulative
 * reward and the standings with qualitative cues, the working memory shows the last 5
 * rounds in full (each rival's move, the whole thought), the episodic summaries carry key
 * findings, and no length cap is asked for; each switch of the compact form works alone.
 */
import assert from "node:assert/strict";
import { countRequestTokens } from "../../../lib/llm/tokens.ts";
import { cellConfig } from "../../../lib/core/sweep_dir.ts";
import { blockchainAblation } from "../../../lib/engines/blockchain/ablation.ts";
import { COMPACT_PROMPT, parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import { LABELS, strategyLabel } from "../../../lib/engines/blockchain/labels.ts";
import { summarize } from "../../../lib/engines/blockchain/memory.ts";
import {
  budgetScenario,
  measurePromptBudget,
} from "../../../lib/engines/blockchain/prompt_budget.ts";
import { episodeLine, seedRoundLine } from "../../../lib/engines/blockchain/prompts.ts";
import { fixed, move, narrateSeed } from "../../../lib/engines/blockchain/seed_narrative.ts";
import { initialSnapshot, LANGS } from "../../../lib/engines/blockchain/translator.ts";
import { transcript } from "./_transcript.ts";

const config = parseBlockchainConfig({});

Deno.test("seed narrative: cumulative rewards, standings, last moves and cues, in both languages", () => {
  const engine = new BlockchainEngine(config);
  const first = engine.reset({ seed: 0 });
  engine.step({ miner_a: [1, 0, 0], miner_b: [0.2, 0.3, 0.5], miner_c: [0.2, 0.7, 0.1] });
  const view = engine.step({
    miner_a: [0.5, 0.5, 0],
    miner_b: [0.2, 0.3, 0.5],
    miner_c: [0.7, 0.3, 0],
  });
  const info = view.infos.miner_a;
  const obs = view.observations.miner_a;
  for (const lang of LANGS) {
    const text = narrateSeed({
      observation: obs,
      info,
      previous: initialSnapshot(info, 1),
      config,
      lang,
    });
    const lines = text.split("\n");
    assert.equal(lines.length, 6, text);
    // every cumulative reward, as the engine has it
    assert.ok(text.includes(fixed(obs.cumulative_reward)), "own cumulative reward");
    assert.ok(text.includes(fixed(info.honest_group.cumulative_reward)), "honest group's");
    for (const r of info.rivals) {
      assert.ok(lines.some((l) => l.startsWith(r.name) && l.includes(fixed(r.cumulative_reward))));
      assert.ok(text.includes(move(r.last_action!)), `${r.name}'s last move`);
      assert.ok(text.includes(LABELS[r.label!][lang]));
    }
    assert.ok(text.includes(fixed(obs.last_reward)), "own last reward");
    // standings: everyone by cumulative reward, highest first, with the miner's rank
    const standings = lines.at(-1)!;
    const order = [
      { name: lang === "en" ? "you" : "你", cum: obs.cumulative_reward },
      ...info.rivals.map((r) => ({ name: r.name, cum: r.cumulative_reward })),
      {
        name: lang === "en" ? "honest group" : "诚实群体",
        cum: info.honest_group.cumulative_reward,
      },
    ].sort((a, b) => b.cum - a.cum);
    const list = order.map((x) => `${x.name} ${fixed(x.cum)}`).join(" > ");
    assert.ok(standings.includes(list), standings);
    const rank = order.findIndex((x) => x.name === "you" || x.name === "你") + 1;
    assert.ok(standings.includes(lang === "en" ? `you rank ${rank} of 4` : `你排第 ${rank}/4`));
    // the seed's qualitative cue for an attacker
    assert.ok(
      text.includes(
        lang === "en"
          ? "it is attacking and may cost you efficiency"
          : "正在发动攻击，可能对你造成效率损失",
      ),
    );
  }
  // before the first round: no moves, no standings
  const opening = narrateSeed({
    observation: first.observations.miner_a,
    info: first.infos.miner_a,
    config,
    lang: "en",
  });
  assert.match(opening, /No round has been played yet/);
  assert.doesNotMatch(opening, /Standings/);
  assert.throws(
    () =>
      narrateSeed({
        observation: obs,
        info,
        config,
        lang: "fr" as "en",
      }),
    RangeError,
  );
});

Deno.test("seed memory: round lines in full with rivals' moves; summaries with key findings", () => {
  const long = `${"Weigh the rivals. ".repeat(30)}Decision: build.`;
  const record = {
    round: 12,
    action: [0.6, 0.3, 0.1],
    thought: long,
    parseOk: true,
    reward: 4.1234,
    efficiency: 0.95,
    honestEfficiency: 0.4,
    rivalEfficiency: 0.875,
    rivals: { miner_b: 0.9, miner_c: 0.85 },
    rivalActions: { miner_b: [0.3, 0.3, 0.4], miner_c: [1, 0, 0] },
  };
  const en = seedRoundLine(record, "en");
  assert.ok(en.startsWith("Round 12: you played [0.60, 0.30, 0.10], reward 4.12;"));
  assert.ok(en.includes("miner_b 0.90, miner_c 0.85"));
  assert.ok(
    en.includes("miner_b [0.30, 0.30, 0.40] (attacker), miner_c [1, 0, 0] (honest builder)"),
  );
  assert.ok(en.endsWith(`Your reasoning: ${long.trim()}`), "the whole thought");
  assert.ok(seedRoundLine(record, "en", true, true).length < en.length, "clipped when asked");
  const zh = seedRoundLine({ ...record, parseOk: false }, "zh");
  assert.ok(zh.includes("（攻击者）") && zh.endsWith("回复无效，按默认 [1,0,0]。"));
  // key findings from the data: honest efficiency, rivals' mean moves and labels, halves
  const base = { parseOk: true, efficiency: 1, rivalEfficiency: 1, rivals: {} };
  const block = [1, 2, 3, 4].map((round) => ({
    ...base,
    round,
    action: round <= 2 ? [1, 0, 0] : [0, 1, 0],
    reward: round,
    honestEfficiency: 1 - round / 10,
    rivalActions: { miner_b: round % 2 ? [0, 0.5, 0.5] : [0.2, 0.4, 0.4] },
  }));
  const s = summarize(block);
  assert.deepEqual(s.findings!.honest, [0.9, 0.6]);
  assert.deepEqual(s.findings!.rewardHalves, [1.5, 3.5]);
  assert.deepEqual(s.findings!.rivalMeans.miner_b.map((x) => Math.round(x * 100) / 100), [
    0.1,
    0.45,
    0.45,
  ]);
  assert.equal(s.findings!.rivalLabels.miner_b, strategyLabel([0.1, 0.45, 0.45]));
  const line = episodeLine(s, "en", "seed");
  assert.ok(line.includes("Key findings: the honest group's efficiency went 0.90 → 0.60"), line);
  assert.ok(line.includes("miner_b acted as an attacker on average [0.10, 0.45, 0.45]"), line);
  assert.ok(line.includes("your mean reward went 1.50 → 3.50"), line);
  assert.ok(line.includes("best round 4 (4.00, you played [0, 1, 0])"), line);
  assert.ok(episodeLine(s, "zh", "seed").includes("关键发现：诚实群体效率 0.90 → 0.60"));
  // a summary of an older state (no findings) still reads
  const { findings: _, ...old } = s;
  assert.doesNotMatch(episodeLine(old, "en", "seed"), /Key findings/);
  assert.equal(episodeLine(s, "en"), episodeLine(old, "en"), "the terse line has no findings");
});

Deno.test("seed prompts: round 30 has 5 full rounds, summaries with findings, all rewards", () => {
  for (const lang of LANGS) {
    const { user, system, engine, memory, request } = budgetScenario(lang);
    const info = engine.view().infos.miner_a;
    // cumulative rewards of everyone and the standings
    for (const r of info.rivals) assert.ok(user.includes(fixed(r.cumulative_reward)), r.name);
    assert.ok(user.includes(fixed(info.honest_group.cumulative_reward)));
    assert.ok(user.includes(fixed(engine.view().observations.miner_a.cumulative_reward)));
    assert.match(user, lang === "en" ? /\nStandings by cumulative reward: / : /\n累计收益排名：/);
    // the last 5 rounds in full: every thought whole
    for (const r of memory.view().working) {
      assert.ok(user.includes(r.thought!), `${lang}: round ${r.round}'s whole thought`);
    }
    assert.equal(memory.view().working.length, 5);
    const keyFindings = lang === "en" ? "Key findings:" : "关键发现：";
    assert.equal(user.split(keyFindings).length - 1, 2, "two summaries with findings");
    assert.ok(user.includes(memory.reflection!.text));
    assert.doesNotMatch(system, /≤50 words|≤60字/);
    // measured: larger than the compact request, as the seed's fuller state costs
    const seed = measurePromptBudget(lang);
    const compact = measurePromptBudget(lang, COMPACT_PROMPT);
    assert.equal(seed.total, countRequestTokens(request));
    assert.ok(seed.total > compact.total, `${lang}: ${seed.total} vs ${compact.total}`);
    // a guard against growth: 1979 (en) and 2158 (zh) tokens when measured
    assert.ok(seed.total <= 2500, `${lang}: ${seed.total} tokens`);
  }
});

Deno.test("compact switches one at a time: each changes its part only", async () => {
  const req = async (prompt: Record<string, unknown>) =>
    (await transcript({ prompt }, "en", 9)).requests.miner_a;
  const seed = await req({});
  const clip = await req({ clip_thoughts: true });
  const cap = await req({ length_cap: true });
  const terse = await req({ narrative: "terse" });
  const noLabels = await req({ rival_labels: false });
  const user = (r: { messages: { content: string }[] }) => r.messages[0].content;
  // the transcript's thoughts are short: clipping changes nothing there, the system neither
  assert.equal(clip[0].system, seed[0].system);
  assert.deepEqual(clip.map(user), seed.map(user));
  // the cap: one system line, and the review's head
  assert.match(cap[0].system!, /"thought" ≤50 words/);
  assert.doesNotMatch(seed[0].system!, /≤/);
  assert.deepEqual(cap.slice(0, 7).map(user), seed.slice(0, 7).map(user));
  assert.match(user(cap[7]), /Reply in plain text \(not JSON\), ≤120 words\./);
  assert.match(user(seed[7]), /Reply in plain text \(not JSON\)\./);
  // terse narrative: the first prompts' lines
  assert.match(user(terse[3]), /\nLast rounds:\nR1 a=/);
  assert.match(user(seed[3]), /\nYour last 3 rounds:\nRound 1: you played/);
  // no rival labels: the format line and the rule go
  assert.match(seed[0].system!, /"rival_labels"/);
  assert.doesNotMatch(noLabels[0].system!, /rival_labels|A move's label/);
});

Deno.test("prompt switches are sweepable by dotted key and recorded", async () => {
  const grid = {
    experiment: "blockchain",
    base: { rounds: 4 },
    grid: {
      "prompt.narrative": ["seed", "terse"],
      "prompt.clip_thoughts": [true],
      "prompt.length_cap": [true],
      "prompt.rival_labels": [false],
    },
  };
  const variants = new Set<string>();
  for (const narrative of ["seed", "terse"]) {
    const cfg = cellConfig(grid, {
      "prompt.narrative": narrative,
      "prompt.clip_thoughts": true,
      "prompt.length_cap": true,
      "prompt.rival_labels": false,
    });
    const parsed = parseBlockchainConfig(cfg);
    assert.deepEqual(parsed.prompt, {
      parasitic_clause: true,
      narrative,
      clip_thoughts: true,
      length_cap: true,
      rival_labels: false,
    });
    const a = await blockchainAblation(parsed, "en");
    assert.equal(a.switches["prompt.narrative"], narrative);
    assert.equal(a.switches["prompt.rival_labels"], false);
    variants.add(a.prompt_variant);
  }
  assert.equal(variants.size, 2);
  // the compact cell is COMPACT_PROMPT
  const compact = parseBlockchainConfig({ prompt: { ...COMPACT_PROMPT } });
  assert.deepEqual(
    (await blockchainAblation(compact, "en")).switches,
    (await blockchainAblation(
      parseBlockchainConfig(cellConfig(grid, {
        "prompt.narrative": "terse",
        "prompt.clip_thoughts": true,
        "prompt.length_cap": true,
        "prompt.rival_labels": false,
      })),
      "en",
    )).switches,
  );
});
