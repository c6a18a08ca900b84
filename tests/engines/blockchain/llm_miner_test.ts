import assert from "node:assert/strict";
import { CallRecorder } from "../../../lib/agents/call_recorder.ts";
import type { LlmCallRecord } from "../../../lib/core/records.ts";
import { Rng } from "../../../lib/core/rng.ts";
import { BudgetExceededError } from "../../../lib/llm/budget.ts";
import type { ChatRequest } from "../../../lib/llm/chat_model.ts";
import { type Script, ScriptedChatModel } from "../../../lib/llm/scripted.ts";
import {
  COMPACT_PROMPT,
  type MinerPromptSwitches,
  parseBlockchainConfig,
} from "../../../lib/engines/blockchain/config.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import { createLlmMiner, type LlmMiner } from "../../../lib/engines/blockchain/llm_miner.ts";
import {
  MinerMemory,
  type RoundRecord,
  summarize,
} from "../../../lib/engines/blockchain/memory.ts";
import { type BlockchainAgent, createPolicy } from "../../../lib/engines/blockchain/policies.ts";
import type { Lang } from "../../../lib/engines/blockchain/translator.ts";

const VALID = '{"thought": "Rivals build; keep c high.", "action": [0.6, 0.3, 0.1]}';

/** The user message of a request. */
function userOf(request: ChatRequest): string {
  return request.messages[0].content;
}

function isReflection(request: ChatRequest): boolean {
  return /^(Strategy review|第 \d+\/\d+ 轮后的策略复盘)/.test(userOf(request));
}

/** Replies `VALID` to decisions and a numbered review to reflections. */
const gameScript: Script = (request) =>
  isReflection(request) ? `Review after ${/(\d+)\//.exec(userOf(request))![1]}: keep c.` : VALID;

interface Setup {
  config: ReturnType<typeof parseBlockchainConfig>;
  engine: BlockchainEngine;
  recorder: CallRecorder;
  rows: LlmCallRecord[];
  model: ScriptedChatModel;
  miner: LlmMiner;
  others: BlockchainAgent[];
}

/**
 * A miner on a scripted model against two adaptive policies. The prompts are the compact
 * ones unless `prompt` says otherwise (these tests read their memory lines; the seed's are
 * tested in `seed_prompts_test.ts`).
 */
function setup(
  script: Script,
  options: { rounds?: number; lang?: Lang; prompt?: Partial<MinerPromptSwitches> } = {},
): Setup {
  const config = parseBlockchainConfig({
    rounds: options.rounds ?? 20,
    prompt: options.prompt ?? { ...COMPACT_PROMPT },
  });
  const recorder = new CallRecorder();
  const rows: LlmCallRecord[] = [];
  recorder.attach((row) => rows.push(row));
  const model = new ScriptedChatModel(script, "gpt-4o-mini");
  const miner = createLlmMiner({
    name: "miner_a",
    model,
    recorder,
    config,
    index: 0,
    lang: options.lang ?? "en",
  });
  const rng = new Rng(7);
  const others = [1, 2].map((index) =>
    createPolicy("adaptive", { rng: rng.derive(config.miners[index]), config, index })
  );
  return { config, engine: new BlockchainEngine(config), recorder, rows, model, miner, others };
}

/**
 * Plays `rounds` rounds the way the run session does (act concurrently, the engine's
 * fallback for a decision without an action, step, observe).
 */
async function play(s: Setup, rounds: number): Promise<void> {
  let view = s.engine.view();
  for (let k = 0; k < rounds; k++) {
    const round = s.engine.round + 1;
    s.recorder.round = round;
    const agents = [s.miner, ...s.others];
    const decisions = await Promise.all(
      agents.map((a) =>
        a.act({
          agent: a.name,
          round,
          observation: view.observations[a.name],
          info: view.infos[a.name],
        })
      ),
    );
    const actions = Object.fromEntries(
      agents.map((a, i) => [a.name, decisions[i].action ?? s.engine.fallbackAction(a.name)]),
    );
    const step = s.engine.step(actions);
    for (const a of agents) {
      await a.observe?.({
        round,
        action: actions[a.name],
        reward: step.rewards[a.name],
        observation: step.observations[a.name],
        info: step.infos[a.name],
        events: step.events,
      });
    }
    view = step;
  }
}

function context(s: Setup) {
  const view = s.engine.view();
  return {
    agent: "miner_a",
    round: s.engine.round + 1,
    observation: view.observations.miner_a,
    info: view.infos.miner_a,
  };
}

Deno.test("llm miner: a valid reply gives its action and thought", async () => {
  const s = setup([VALID]);
  s.engine.reset({ seed: 0 });
  s.recorder.round = 1;
  const decision = await s.miner.act(context(s));
  assert.deepEqual(decision, {
    action: [0.6, 0.3, 0.1],
    thought: "Rivals build; keep c high.",
  });
  assert.equal(s.miner.llm, true, "an LLM miner's fallbacks count against validity");
  assert.equal(s.miner.kind, "scripted:gpt-4o-mini");
  assert.equal(s.miner.model, "gpt-4o-mini");
  assert.equal(s.rows.length, 1);
  assert.equal(s.rows[0].purpose, "decision");
  assert.equal(s.rows[0].parse_ok, true);
  assert.equal(s.rows[0].agent, "miner_a");
  assert.equal(s.rows[0].round, 1);
  // Every call keeps its reply text and the prompt's last user message (the transcript).
  assert.equal(s.rows[0].raw, VALID);
  const request = s.model.requests[0];
  assert.equal(s.rows[0].prompt, userOf(request));
  assert.ok(request.system?.startsWith("You are miner_a"));
  assert.match(userOf(request), /^Round 1\/20\./);
  assert.match(userOf(request), /Answer with the JSON object only\.$/);
});

Deno.test("llm miner: a malformed reply then a valid one gives the action after one retry", async () => {
  const s = setup(["Let me think... I will mostly build.", VALID]);
  s.engine.reset({ seed: 0 });
  const decision = await s.miner.act(context(s));
  assert.deepEqual(decision.action, [0.6, 0.3, 0.1]);
  assert.equal(decision.error, undefined);
  assert.equal(s.rows.length, 2);
  assert.equal(s.rows[0].parse_ok, false);
  assert.equal(s.rows[0].raw, "Let me think... I will mostly build.");
  assert.ok(s.rows[0].error);
  assert.equal(s.rows[1].purpose, "decision_retry");
  assert.equal(s.rows[1].parse_ok, true);
  const retry = s.model.requests[1];
  assert.equal(retry.messages.length, 3);
  assert.match(retry.messages[2].content, /could not be parsed/);
});

Deno.test("llm miner: two malformed replies give no action; the engine's fallback is [1, 0, 0]", async () => {
  const s = setup(['{"action": [0.5, 0.5]}', "no idea", VALID]);
  s.engine.reset({ seed: 0 });
  const decision = await s.miner.act(context(s));
  // No invented fallback: the run session plays the engine's in its place.
  assert.ok(typeof s.rows[1].error === "string" && s.rows[1].error.length > 0);
  assert.deepEqual(decision, { action: null, error: s.rows[1].error });
  assert.deepEqual(s.engine.fallbackAction("miner_a"), [1, 0, 0]);
  assert.equal(s.rows.length, 2);
  assert.deepEqual(s.rows.map((r) => r.parse_ok), [false, false]);
  assert.deepEqual(s.rows.map((r) => r.raw), ['{"action": [0.5, 0.5]}', "no idea"]);
  // The fallback round is remembered as such and shown in the next prompt.
  const step = s.engine.step({ miner_a: [1, 0, 0], miner_b: [1, 0, 0], miner_c: [1, 0, 0] });
  await s.miner.observe!({
    round: 1,
    action: [1, 0, 0],
    reward: step.rewards.miner_a,
    observation: step.observations.miner_a,
    info: step.infos.miner_a,
    events: step.events,
  });
  await s.miner.act(context(s));
  assert.match(
    userOf(s.model.requests.at(-1)!),
    /R1 a=\[1,0,0\] .* \(no valid reply: played \[1,0,0\]\)/,
  );
});

Deno.test("llm miner: parseRetries 0 makes one call only", async () => {
  const config = parseBlockchainConfig({});
  const recorder = new CallRecorder();
  const model = new ScriptedChatModel(["nope", VALID]);
  const miner = createLlmMiner({
    name: "miner_a",
    model,
    recorder,
    config,
    index: 0,
    lang: "en",
    parseRetries: 0,
  });
  const view = new BlockchainEngine(config).reset({ seed: 0 });
  const d = await miner.act({
    agent: "miner_a",
    round: 1,
    observation: view.observations.miner_a,
    info: view.infos.miner_a,
  });
  assert.equal(d.action, null);
  assert.match(d.error ?? "", /\S/);
  assert.deepEqual(Object.keys(d).sort(), ["action", "error"]);
  assert.equal(model.requests.length, 1);
});

Deno.test("llm miner: a thought given as an object or array is flattened to text", async () => {
  const s = setup([
    '{"thought": {"situation": "η high", "decision": "build"}, "action": "60%/30%/10%"}',
  ]);
  s.engine.reset({ seed: 0 });
  const d = await s.miner.act(context(s));
  assert.deepEqual(d, {
    action: [0.6, 0.3, 0.1],
    thought: "situation: η high; decision: build",
  });
  const t = setup(['{"thought": ["1 calm", "2 build"], "action": [1, 0, 0]}']);
  t.engine.reset({ seed: 0 });
  assert.equal((await t.miner.act(context(t))).thought, "1 calm 2 build");
});

Deno.test("llm miner: reflects after rounds 7 and 14 and feeds the text into later prompts", async () => {
  const s = setup(gameScript, { rounds: 15 });
  s.engine.reset({ seed: 0 });
  await play(s, 15);
  const reflections = s.rows.filter((r) => r.purpose === "reflection");
  assert.deepEqual(reflections.map((r) => r.round), [7, 14]);
  assert.deepEqual(reflections.map((r) => [r.parse_ok, r.raw]), [
    [true, "Review after 7: keep c."],
    [true, "Review after 14: keep c."],
  ]);
  const decisions = s.model.requests.filter((r) => !isReflection(r));
  assert.equal(decisions.length, 15);
  assert.ok(!userOf(decisions[6]).includes("Reflection ("));
  assert.ok(userOf(decisions[7]).includes("Reflection (R7): Review after 7: keep c."));
  assert.ok(userOf(decisions[13]).includes("Reflection (R7)"));
  assert.ok(userOf(decisions[14]).includes("Reflection (R14): Review after 14: keep c."));
  // The review request shows the rounds since the last one.
  const second = s.model.requests.filter(isReflection)[1];
  assert.match(userOf(second), /^Strategy review after round 14\/15\./);
  assert.match(userOf(second), /R8 a=/);
  assert.match(userOf(second), /Previous reflection \(R7\)/);
  const state = s.miner.getState() as { reflection: { round: number; text: string } };
  assert.deepEqual(state.reflection, { round: 14, text: "Review after 14: keep c." });
});

Deno.test("llm miner: the system prompt is byte-identical in every call", async () => {
  const s = setup(gameScript, { rounds: 15, lang: "zh" });
  s.engine.reset({ seed: 0 });
  await play(s, 15);
  const systems = new Set(s.model.requests.map((r) => r.system));
  assert.equal(systems.size, 1);
  assert.equal(s.model.requests.length, 17);
  const [system] = systems;
  assert.ok(system && !/\d+\/15|第 \d+ 轮/.test(system));
});

Deno.test("llm miner: episodic summaries are computed from the data every 10 rounds", async () => {
  const s = setup(gameScript, { rounds: 20 });
  s.engine.reset({ seed: 0 });
  const rewards: number[] = [];
  const orig = s.miner.observe!.bind(s.miner);
  s.miner.observe = (o) => {
    rewards.push(o.reward);
    return orig(o);
  };
  await play(s, 20);
  const state = s.miner.getState() as {
    episodes: { from: number; to: number; meanReward: number }[];
  };
  assert.deepEqual(state.episodes.map((e) => [e.from, e.to]), [[1, 10], [11, 20]]);
  const mean = rewards.slice(0, 10).reduce((a, b) => a + b, 0) / 10;
  assert.ok(Math.abs(state.episodes[0].meanReward - mean) < 1e-12);
  // No LLM call was made for the summaries: 20 decisions + 2 reflections.
  assert.equal(s.rows.length, 22);
});

Deno.test("llm miner: getState/setState through JSON gives identical next prompts", async () => {
  const s = setup(gameScript, { rounds: 20 });
  s.engine.reset({ seed: 0 });
  await play(s, 12);
  const state = JSON.parse(JSON.stringify(s.miner.getState()));
  const model = new ScriptedChatModel(gameScript, "gpt-4o-mini");
  const restored = createLlmMiner({
    name: "miner_a",
    model,
    recorder: new CallRecorder(),
    config: s.config,
    index: 0,
    lang: "en",
  });
  restored.setState(state);
  assert.deepEqual(restored.getState(), s.miner.getState());
  const ctx = context(s);
  await s.miner.act(ctx);
  await restored.act(ctx);
  const a = s.model.requests.at(-1)!;
  const b = model.requests.at(-1)!;
  assert.equal(b.system, a.system);
  assert.equal(userOf(b), userOf(a));
  assert.match(userOf(a), /Reflection \(R7\)/);
  assert.match(userOf(a), /Episodes:\nR1-10: mean r /);
  assert.match(userOf(a), /R8 a=.*\nR9 a=.*\nR10 a=.*\nR11 a=.*\nR12 a=/);
  assert.throws(() => restored.setState({ nope: true }), TypeError);
});

Deno.test("llm miner: a reflection cut short by the budget is made before the next decision", async () => {
  let failNext = true;
  const script: Script = (request) => {
    if (isReflection(request) && failNext) {
      failNext = false;
      throw new BudgetExceededError("Budget exceeded: 10 tokens");
    }
    return gameScript(request, 0);
  };
  const s = setup(script, { rounds: 10 });
  s.engine.reset({ seed: 0 });
  await play(s, 7);
  assert.equal((s.miner.getState() as { reflectionDue: boolean }).reflectionDue, true);
  assert.equal(s.rows.filter((r) => r.purpose === "reflection").length, 0);
  await s.miner.act(context(s));
  assert.equal(s.rows.filter((r) => r.purpose === "reflection").length, 1);
  assert.match(userOf(s.model.requests.at(-1)!), /Reflection \(R7\): Review after 7/);
  assert.equal((s.miner.getState() as { reflectionDue: boolean }).reflectionDue, false);
});

Deno.test("llm miner: reflectEvery 0 never reflects; bad options are rejected", async () => {
  const config = parseBlockchainConfig({ rounds: 8 });
  const base = {
    name: "miner_a",
    model: new ScriptedChatModel(gameScript),
    recorder: new CallRecorder(),
    config,
    lang: "en" as const,
  };
  assert.throws(() => createLlmMiner({ ...base, index: 3 }), RangeError);
  assert.throws(() => createLlmMiner({ ...base, index: 0, reflectEvery: 1.5 }), RangeError);
  assert.throws(() => createLlmMiner({ ...base, index: 0, lang: "fr" as Lang }), RangeError);
  const s = setup(gameScript, { rounds: 8 });
  s.miner = createLlmMiner({
    ...base,
    model: s.model,
    recorder: s.recorder,
    index: 0,
    reflectEvery: 0,
  });
  s.engine.reset({ seed: 0 });
  await play(s, 8);
  assert.equal(s.rows.filter((r) => r.purpose === "reflection").length, 0);
});

Deno.test("miner memory: state round-trips through JSON; summaries come from the data", () => {
  const memory = new MinerMemory();
  const rec = (round: number, reward: number, action: number[]): RoundRecord => ({
    round,
    action,
    reward,
    parseOk: true,
    thought: `thought ${round}`,
    efficiency: 1 - round / 100,
    honestEfficiency: 0.5,
    rivalEfficiency: 0.8,
    rivals: { miner_b: 0.8, miner_c: 0.8 },
  });
  for (let r = 1; r <= 12; r++) memory.record(rec(r, r % 4, r <= 5 ? [1, 0, 0] : [0, 0.5, 0.5]));
  memory.setReflection(7, "Keep building.");
  memory.setPending({ thought: "pending", parseOk: true });
  const copy = new MinerMemory();
  copy.setState(JSON.parse(JSON.stringify(memory.getState())));
  assert.deepEqual(copy.getState(), memory.getState());
  assert.deepEqual(copy.view(), memory.view());
  assert.deepEqual(copy.view().working.map((r) => r.round), [8, 9, 10, 11, 12]);
  assert.equal(copy.records.length, 10);
  assert.deepEqual(copy.episodes, [{
    from: 1,
    to: 10,
    meanReward: (1 + 2 + 3 + 0 + 1 + 2 + 3 + 0 + 1 + 2) / 10,
    firstHalf: [1, 0, 0],
    secondHalf: [0, 0.5, 0.5],
    best: { round: 3, reward: 3 },
    worst: { round: 4, reward: 0 },
    findings: {
      honest: [0.5, 0.5],
      rewardHalves: [(1 + 2 + 3 + 0 + 1) / 5, (2 + 3 + 0 + 1 + 2) / 5],
      rivalMeans: {},
      rivalLabels: {},
      bestAction: [1, 0, 0],
      worstAction: [1, 0, 0],
    },
  }]);
  assert.deepEqual(copy.previousSnapshot(1), {
    own: 0.89,
    honest: 0.5,
    rivals: { miner_b: 0.8, miner_c: 0.8 },
  });
  const fresh = new MinerMemory();
  assert.equal(fresh.previousSnapshot(1), undefined);
  fresh.record(rec(1, 1, [1, 0, 0]));
  assert.deepEqual(fresh.previousSnapshot(1), {
    own: 1,
    honest: 1,
    rivals: { miner_b: 1, miner_c: 1 },
  });
  assert.throws(() => summarize([]), RangeError);
  assert.throws(() => new MinerMemory({ working: -1 }), RangeError);
  assert.throws(() => new MinerMemory({ episodeEvery: 1.5 }), RangeError);
  assert.throws(() => new MinerMemory({ reviewRounds: -2 }), RangeError);
  // working 0 shows no round and episodeEvery 0 makes no summary (ablations), yet the last
  // two rounds are kept for the narrative's changes
  const bare = new MinerMemory({ working: 0, episodeEvery: 0 });
  for (let r = 1; r <= 12; r++) bare.record(rec(r, 1, [1, 0, 0]));
  assert.deepEqual(bare.view().working, []);
  assert.deepEqual(bare.episodes, []);
  assert.deepEqual(bare.records.map((r) => r.round), [11, 12]);
  assert.notEqual(bare.previousSnapshot(1), undefined);
  assert.equal(new MinerMemory({ reviewRounds: 7 }).kept, 10);
  assert.equal(new MinerMemory({ episodeEvery: 0, reviewRounds: 7 }).kept, 7);
});

Deno.test("llm miner: a reflection with a think block or in JSON is kept as plain text", async () => {
  const script: Script = (request) =>
    isReflection(request) ? '<think>hmm</think>```json\n{"reflection": "Build more."}\n```' : VALID;
  const s = setup(script, { rounds: 8 });
  s.engine.reset({ seed: 0 });
  await play(s, 8);
  const state = s.miner.getState() as { reflection: { round: number; text: string } };
  assert.deepEqual(state.reflection, { round: 7, text: "Build more." });
  assert.match(userOf(s.model.requests.at(-1)!), /Reflection \(R7\): Build more\.\n/);
});
