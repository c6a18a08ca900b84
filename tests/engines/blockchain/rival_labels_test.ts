/**
 * Rival labels end to end: an LLM miner asks for them in a strict reply schema, returns them
 * with its decision and scores them against the label rule applied to each rival's actual
 * move; the decision rows record them, `summary.json` has the accuracy per miner from the
 * miners' own tallies (also with no rows logged) and it equals the count from the rows; the
 * report shows it, and a scripted seat has none (not 0).
 *
 * The runs go through the local OpenAI wire-format server with structured output on.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ChatRequest } from "../../../lib/llm/chat_model.ts";
import { replySchema } from "../../../lib/llm/structured.ts";
import { ScriptedChatModel } from "../../../lib/llm/scripted.ts";
import { CallRecorder } from "../../../lib/agents/call_recorder.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { findExperiment } from "../../../lib/cli/registry.ts";
import { openRun, runToEnd } from "../../../lib/run/open.ts";
import { COMPACT_PROMPT, parseBlockchainConfig } from "../../../lib/engines/blockchain/config.ts";
import {
  type BlockchainDecision,
  BlockchainDecisionSchema,
} from "../../../lib/engines/blockchain/decision_row.ts";
import { BlockchainEngine } from "../../../lib/engines/blockchain/engine.ts";
import {
  rivalLabelAccuracyOfRows,
  scoreRivalLabels,
} from "../../../lib/engines/blockchain/label_accuracy.ts";
import { LABEL_KEYS, parseLabel, strategyLabel } from "../../../lib/engines/blockchain/labels.ts";
import {
  createLlmMiner,
  MinerReplySchema,
  minerWireSchema,
  readRivalLabels,
  rivalLabelTallyOf,
} from "../../../lib/engines/blockchain/llm_miner.ts";
import { blockchainSampleReply } from "../../../lib/engines/blockchain/profile.ts";
import { blockchainReport } from "../../../lib/engines/blockchain/report.ts";
import { startOpenAIServer } from "../../support/llm_servers.ts";
import { anthropicToolsProblem, openAIStrictSchemaProblem } from "../../support/strict_schema.ts";

const blockchain = findExperiment("blockchain")!;

type Json = Record<string, unknown>;

/** The structured-output schema a request carries (OpenAI `response_format`). */
const schemaOf = (body: Json) =>
  ((body.response_format as Json | undefined)?.json_schema as Json | undefined)?.schema as
    | Json
    | undefined;

const THOUGHT = `${"I weigh each rival's last move and the honest group's trend. ".repeat(6)}` +
  "Decision: mostly build.";

/**
 * Decisions: a long thought, labels cycling through the keys, an action, all a function of
 * the miner and the round (so two runs get the same replies whatever the call order);
 * reviews: text.
 */
function server() {
  return startOpenAIServer((body) => {
    const schema = schemaOf(body);
    if (!schema) return { reply: "Review: keep building, watch the attacker." };
    const messages = body.messages as { role: string; content: string }[];
    const me = /You are (\S+)/.exec(messages[0].content)![1] === "A-gpt" ? 0 : 1;
    const round = Number(/^Round (\d+)\//.exec(messages.at(-1)!.content)![1]);
    const rivals = Object.keys(
      ((schema.properties as Json).rival_labels as Json).properties as Json,
    );
    const labels = Object.fromEntries(
      rivals.map((r, k) => [r, LABEL_KEYS[(round + k + me) % 5]]),
    );
    const action = (round + me) % 3 === 0 ? [0.3, 0.3, 0.4] : [0.7, 0.2, 0.1];
    return { structured: { thought: THOUGHT, rival_labels: labels, action } };
  });
}

function agentsOf(baseURL: string) {
  const llm = (name: string) => ({
    name,
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: baseURL,
    api_key: "k",
    structured: true,
  });
  return [llm("A-gpt"), llm("B-gpt"), { name: "C-greedy", provider: "policy", policy: "greedy" }];
}

async function run(out: string, baseURL: string, logDecisions = "all") {
  const session = await openRun({
    experiment: blockchain,
    config: { rounds: 9 },
    seed: 1,
    out,
    reportsRoot: null,
    // deno-lint-ignore no-explicit-any
    agents: agentsOf(baseURL) as any,
    policy: { logDecisions },
  });
  return (await runToEnd(session)).summary;
}

Deno.test("rival labels: asked in a strict schema, recorded per decision, scored in the summary and report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-bc-labels-" });
  await using srv = server();
  const summary = await run(join(dir, "all"), srv.baseURL);
  // the requests: a strict schema with one required label per rival; prompts as the seed's
  const decisions = srv.requests.filter((q) => schemaOf(q.body));
  assert.equal(decisions.length, 2 * 9);
  for (const q of decisions) {
    assert.equal(openAIStrictSchemaProblem(q.body.response_format), null);
    const labels = (schemaOf(q.body)!.properties as Json).rival_labels as Json;
    assert.deepEqual((labels.required as string[]).length, 2);
    assert.equal(labels.additionalProperties, false);
  }
  const users = decisions.map((q) =>
    (q.body.messages as { role: string; content: string }[]).at(-1)!.content
  );
  const late = users.at(-1)!;
  assert.match(late, /Standings by cumulative reward: /);
  assert.match(late, /Cumulative reward \d+\.\d\d\./);
  assert.equal(late.split(`Your reasoning: ${THOUGHT}`).length - 1, 5, "5 rounds, whole thoughts");
  // the rows: LLM seats carry their labels, the policy seat none
  const rows = await readJsonl(join(dir, "all", "decisions.jsonl"), BlockchainDecisionSchema);
  const llmRows = rows.filter((r) => r.agent !== "C-greedy");
  assert.ok(llmRows.every((r) => r.rival_labels && Object.keys(r.rival_labels).length === 2));
  assert.ok(rows.filter((r) => r.agent === "C-greedy").every((r) => !r.rival_labels));
  // accuracy by hand: each label against the rule applied to the rival's actual move
  const byHand = (agent: string) => {
    let predicted = 0, hits = 0;
    for (const r of rows.filter((x) => x.agent === agent)) {
      for (const [rival, label] of Object.entries(r.rival_labels ?? {})) {
        const other = rows.find((x) => x.agent === rival && x.round === r.round)!;
        predicted++;
        if (strategyLabel(other.action) === label) hits++;
      }
    }
    return { predicted, hits };
  };
  const acc = summary.rival_label_accuracy as Record<string, Json | null>;
  for (const agent of ["A-gpt", "B-gpt"]) {
    const h = byHand(agent);
    assert.equal(acc[agent]!.predicted, 18);
    assert.deepEqual([acc[agent]!.predicted, acc[agent]!.hits], [h.predicted, h.hits]);
  }
  assert.equal(acc["C-greedy"], null, "a scripted seat has no accuracy, not 0");
  assert.ok(
    (acc["A-gpt"]!.hits as number) > 0 && (acc["A-gpt"]!.hits as number) < 18,
    "a mixed score",
  );
  // the rows path gives the summary's figures (the summary rounds to 9 decimals)
  const fromRows = rivalLabelAccuracyOfRows(rows as BlockchainDecision[]);
  for (const [agent, a] of Object.entries(fromRows)) {
    const s = acc[agent];
    if (a === null) assert.equal(s, null, agent);
    else {
      assert.deepEqual([s!.predicted, s!.hits, s!.compared, s!.compared_hits, s!.repeat_hits], [
        a.predicted,
        a.hits,
        a.compared,
        a.compared_hits,
        a.repeat_hits,
      ]);
      // round 1 has no last move: the baseline is compared on the later rounds only
      assert.equal(a.compared, a.predicted - 2, agent);
      assert.ok(Math.abs((s!.accuracy as number) - a.accuracy) < 1e-9, agent);
      assert.ok(Math.abs((s!.repeat_accuracy as number) - a.repeat_accuracy!) < 1e-9, agent);
      assert.ok(Math.abs((s!.compared_accuracy as number) - a.compared_accuracy!) < 1e-9, agent);
    }
  }
  // no rows logged: the same accuracy, from the miners' tallies
  const none = await run(join(dir, "none"), srv.baseURL, "none");
  assert.deepEqual(none.rival_label_accuracy, summary.rival_label_accuracy);
  // the reports: from the rows, and from the summary alone
  for (const sub of ["all", "none"]) {
    const doc = await blockchainReport(join(dir, sub));
    const section = doc.sections.find((s) => s.title === "Rival labels");
    assert.ok(section, `${sub}: a Rival labels section`);
    const table = section.blocks.find((b) => "table" in b) as
      | { table: { rows: unknown[][] } }
      | undefined;
    assert.ok(table, sub);
    const row = (agent: string) => table.table.rows.find((r) => r[0] === agent)!;
    assert.deepEqual(row("A-gpt").slice(1, 3), [acc["A-gpt"]!.predicted, acc["A-gpt"]!.hits]);
    if (sub === "all") assert.equal(row("C-greedy")[1], "no predictions");
  }
  // without a summary the report counts the rows: the same figures
  await Deno.remove(join(dir, "all", "summary.json"));
  const rowsDoc = await blockchainReport(join(dir, "all"));
  const rowsSection = rowsDoc.sections.find((s) => s.title === "Rival labels")!;
  assert.ok(rowsSection.blocks.some((b) => "text" in b && b.text.includes("the decision rows")));
  const rowsTable = rowsSection.blocks.find((b) => "table" in b) as unknown as {
    table: { rows: unknown[][] };
  };
  assert.deepEqual(rowsTable.table.rows.find((r) => r[0] === "B-gpt")!.slice(1, 3), [
    acc["B-gpt"]!.predicted,
    acc["B-gpt"]!.hits,
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rival labels: the reply schema is valid under both providers' strict rules", () => {
  const wire = replySchema("miner_reply", minerWireSchema(["miner_b", "矿工C-GPT4o"]))!;
  assert.equal(
    openAIStrictSchemaProblem({
      type: "json_schema",
      json_schema: { name: wire.name, strict: true, schema: wire.json },
    }),
    null,
  );
  assert.equal(
    anthropicToolsProblem({
      tools: [{ name: wire.name, input_schema: wire.json }],
      tool_choice: { type: "tool", name: wire.name },
    }),
    null,
  );
  // every instance the wire schema allows, the parser reads
  for (const key of LABEL_KEYS) {
    const reply = {
      thought: "t",
      rival_labels: { miner_b: key, "矿工C-GPT4o": key },
      action: [0.2, 0.3, 0.5],
    };
    assert.ok(minerWireSchema(["miner_b", "矿工C-GPT4o"]).safeParse(reply).success);
    const parsed = MinerReplySchema.parse(reply);
    assert.deepEqual(readRivalLabels(parsed.rival_labels, ["miner_b", "矿工C-GPT4o"]), {
      miner_b: key,
      "矿工C-GPT4o": key,
    });
  }
  // without rival labels, the first schema
  assert.deepEqual(
    replySchema("miner_reply", minerWireSchema(["miner_b"], false))!.json,
    replySchema("miner_reply", minerWireSchema([], false))!.json,
  );
});

Deno.test("rival labels: lenient reading, the miner's tally, state round trip, off switch", async () => {
  // names in either language, lists, unknown rivals and labels dropped
  assert.equal(parseLabel(" Parasitic Free-Rider "), "parasitic_free_rider");
  assert.equal(parseLabel("机会主义者"), "opportunist");
  assert.equal(parseLabel("balanced strategist"), "balanced");
  assert.equal(parseLabel("honest builder."), "honest_builder");
  assert.equal(parseLabel(3), null);
  assert.deepEqual(
    readRivalLabels([{ name: "miner_b", label: "攻击者" }, { name: "x", label: "attacker" }], [
      "miner_b",
      "miner_c",
    ]),
    { miner_b: "attacker" },
  );
  assert.equal(readRivalLabels({ miner_b: "villain" }, ["miner_b"]), undefined);
  // keys come lower-cased from the parser: matched back to the rival's name
  assert.deepEqual(readRivalLabels({ "b-gpt": "attacker" }, ["A-gpt", "B-gpt"]), {
    "B-gpt": "attacker",
  });
  assert.equal(readRivalLabels({ "x": "attacker" }, ["X", "x "]), undefined, "ambiguous");
  assert.equal(readRivalLabels("attacker", ["miner_b"]), undefined);
  // a miner over 3 rounds against fixed rivals; its tally is what the rule gives
  const moves = [[0.3, 0.3, 0.4], [0.7, 0.3, 0], [0.2, 0.6, 0.2]];
  const say = ["attacker", "attacker", "parasitic_free_rider"];
  const config = parseBlockchainConfig({ rounds: 3 });
  let k = 0;
  const script = (r: ChatRequest) =>
    /^Strategy review/.test(r.messages[0].content) ? "ok" : JSON.stringify({
      thought: "t",
      rival_labels: { miner_b: say[k], miner_c: "honest builder", nobody: "attacker" },
      action: [1, 0, 0],
    });
  const model = new ScriptedChatModel(script);
  const miner = createLlmMiner({
    name: "miner_a",
    model,
    recorder: new CallRecorder(),
    config,
    index: 0,
    lang: "en",
  });
  const engine = new BlockchainEngine(config);
  let view = engine.reset({ seed: 0 });
  let expected = { predicted: 0, hits: 0, compared: 0, compared_hits: 0, repeat_hits: 0 };
  let last: Record<string, string> = {};
  for (k = 0; k < 3; k++) {
    const round = k + 1;
    const d = await miner.act({
      agent: "miner_a",
      round,
      observation: view.observations.miner_a,
      info: view.infos.miner_a,
    });
    assert.deepEqual(d.rival_labels, { miner_b: say[k], miner_c: "honest_builder" });
    const step = engine.step({ miner_a: [1, 0, 0], miner_b: moves[k], miner_c: [1, 0, 0] });
    await miner.observe!({
      round,
      action: [1, 0, 0],
      reward: step.rewards.miner_a,
      observation: step.observations.miner_a,
      info: step.infos.miner_a,
      events: step.events,
    });
    const s = scoreRivalLabels(d.rival_labels!, { miner_b: moves[k], miner_c: [1, 0, 0] }, last);
    expected = {
      predicted: expected.predicted + s.predicted,
      hits: expected.hits + s.hits,
      compared: expected.compared + s.compared,
      compared_hits: expected.compared_hits + s.compared_hits,
      repeat_hits: expected.repeat_hits + s.repeat_hits,
    };
    last = { miner_b: strategyLabel(moves[k]), miner_c: "honest_builder" };
    view = step;
  }
  // round 1: b attacker (right), c right; round 2: b honest builder (wrong), c right;
  // round 3: b parasitic free-rider (right), c right. Rounds 2 and 3 can be compared with the
  // baseline: the miner got 3 of those 4; repeating got c right in both, b never.
  assert.deepEqual(expected, {
    predicted: 6,
    hits: 5,
    compared: 4,
    compared_hits: 3,
    repeat_hits: 2,
  });
  assert.deepEqual(miner.rivalLabelTally(), expected);
  const copy = createLlmMiner({
    name: "miner_a",
    model,
    recorder: new CallRecorder(),
    config,
    index: 0,
    lang: "en",
  });
  copy.setState(JSON.parse(JSON.stringify(miner.getState())));
  assert.deepEqual(copy.rivalLabelTally(), expected);
  // an old state without a tally starts at zero
  const { labels: _, ...old } = miner.getState() as Json;
  copy.setState(old);
  assert.deepEqual(copy.rivalLabelTally(), {
    predicted: 0,
    hits: 0,
    compared: 0,
    compared_hits: 0,
    repeat_hits: 0,
  });
  // switched off: not asked, not returned, no tally (null, not 0)
  const off = createLlmMiner({
    name: "miner_a",
    model: new ScriptedChatModel(script),
    recorder: new CallRecorder(),
    config: parseBlockchainConfig({ rounds: 3, prompt: { ...COMPACT_PROMPT } }),
    index: 0,
    lang: "en",
  });
  const fresh = new BlockchainEngine(config).reset({ seed: 0 });
  k = 0;
  const d = await off.act({
    agent: "miner_a",
    round: 1,
    observation: fresh.observations.miner_a,
    info: fresh.infos.miner_a,
  });
  assert.equal(d.rival_labels, undefined);
  assert.equal(off.rivalLabelTally(), null);
  assert.equal(rivalLabelTallyOf(off), null);
  assert.equal(rivalLabelTallyOf({ name: "p", act: () => ({ action: [1, 0, 0] }) }), null);
});

Deno.test("rival labels: --estimate's sample reply carries them when the prompt asks", () => {
  const system = (prompt: Record<string, unknown>) =>
    createLlmMiner({
      name: "miner_a",
      model: new ScriptedChatModel(["{}"]),
      recorder: new CallRecorder(),
      config: parseBlockchainConfig({ prompt }),
      index: 0,
      lang: "en",
    }).system!;
  const reply = JSON.parse(
    blockchainSampleReply({ system: system({}), messages: [{ role: "user", content: "x" }] }),
  );
  assert.deepEqual(reply.rival_labels, { miner_b: "balanced", miner_c: "balanced" });
  const compact = JSON.parse(
    blockchainSampleReply({
      system: system({ ...COMPACT_PROMPT }),
      messages: [{ role: "user", content: "x" }],
    }),
  );
  assert.equal(compact.rival_labels, undefined);
});
