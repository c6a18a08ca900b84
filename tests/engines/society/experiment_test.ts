/**
 * The society experiment through the CLI: an offline run with its logs, summary, verdicts
 * and report; agents files mixing policies and LLM citizens (bad ones refused, exit 2); an
 * LLM-driven run against the local OpenAI-compatible server whose decisions follow the
 * replies; the analysis frames read back from the run directory.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SocietyDecisionSchema } from "../../../lib/engines/society/decision_row.ts";
import {
  acrossSeeds,
  dailyFrame,
  healthFrame,
  loadSocietyRun,
  proposalsFrame,
  tokensFrame,
} from "../../../lib/engines/society/analysis.ts";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { EventRecordSchema } from "../../../lib/core/records.ts";
import { startOpenAIServer } from "../../support/llm_servers.ts";
import { exists, runCli } from "../../support/cli.ts";

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("society CLI: offline run logs one row per living AI per day, summary, verdicts, report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-" });
  const out = join(dir, "run");
  const r = await runCli(["society", "--out", out, "--reports", join(dir, "rep"), "--quiet"]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "decisions.jsonl"), SocietyDecisionSchema);
  const summary = await readJson(join(out, "summary.json"));
  assert.equal(summary.experiment, "society");
  const days = summary.days_played as number;
  assert.ok(days >= 1 && days <= 10);
  // one row per AI that was alive at the start of each day
  const perCitizen = summary.per_citizen as Record<string, { days_acted: number; kind: string }>;
  for (const [name, c] of Object.entries(perCitizen)) {
    assert.equal(rows.filter((x) => x.agent === name).length, c.days_acted, name);
    assert.match(c.kind, /^policy:/);
  }
  for (const row of rows) {
    assert.equal(row.reward, row.granted);
    assert.ok(row.ap_spent <= row.ap_before);
    assert.equal(row.game_tokens, 1500 + 100 * row.ap_spent);
    assert.equal(
      row.executed.length + row.dropped.length <=
        (row.action as { actions: unknown[] }).actions.length,
      true,
    );
    for (const d of row.dropped) assert.ok(d.reason.length > 0);
  }
  // verdicts, with the generic block
  assert.equal(typeof summary.survived_all, "boolean");
  assert.equal(typeof summary.collapse, "boolean");
  assert.deepEqual(summary.verdicts, {
    survived_all: summary.survived_all,
    collapse: summary.collapse,
  });
  assert.equal(summary.survived_all, (summary.govsim as { survived_all: boolean }).survived_all);
  assert.equal(
    summary.collapse,
    (summary.survivors as string[]).length * 2 < Object.keys(perCitizen).length,
  );
  assert.equal((summary.validity as { valid: boolean }).valid, true);
  // game tokens of the rows add up to the summary's
  assert.equal(
    rows.reduce((s, x) => s + x.game_tokens, 0),
    (summary.game_tokens as { consumed: number }).consumed,
  );
  // events are typed
  const events = await readJsonl(join(out, "events.jsonl"), EventRecordSchema);
  assert.ok(events.some((e) => e.type === "allocation"));
  assert.equal(events.filter((e) => e.type === "game_end").length, 1);
  // the report
  const html = await Deno.readTextFile(join(dir, "rep", "run", "report.html"));
  assert.match(html, /Society run run/);
  assert.equal((html.match(/<svg/g) ?? []).length >= 6, true);
  assert.ok(await exists(join(dir, "rep", "run", "report.md")));
  assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html.replace(/xmlns[^ ]*/g, "")));
});

Deno.test("society CLI: a config file sets the SPEC parameters, e.g. citizens as a count", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-" });
  const cfg = join(dir, "c.json");
  await Deno.writeTextFile(cfg, JSON.stringify({ citizens: 9, days: 3, policies: ["selfish"] }));
  const r = await runCli([
    "society",
    "--config",
    cfg,
    "--out",
    join(dir, "run"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const s = await readJson(join(dir, "run", "summary.json"));
  assert.equal(Object.keys(s.per_citizen as object).length, 9);
  assert.ok((s.days_played as number) <= 3);
  for (const c of Object.values(s.per_citizen as Record<string, { kind: string }>)) {
    assert.equal(c.kind, "policy:selfish");
  }
  // --rounds sets the horizon, days
  const r2 = await runCli([
    "society",
    "--rounds",
    "2",
    "--out",
    join(dir, "r2"),
    "--no-report",
    "--quiet",
  ]);
  assert.equal(r2.code, 0, r2.err);
  assert.equal((await readJson(join(dir, "r2", "summary.json"))).day_limit, 2);
});

Deno.test("society CLI: bad config and agents files are one line naming the field, exit 2, nothing created", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-" });
  const cases: [unknown, string, RegExp][] = [
    [{ days: 0 }, "config", /config\.days: must be a positive integer/],
    [{ policies: ["angelic"] }, "config", /config\.policies: 'angelic' is not a society policy/],
    [
      { agents: [{ name: "a", provider: "policy", policy: "nope" }] },
      "agents",
      /agents\[0\]\.policy: 'nope'/,
    ],
    [
      { agents: [{ name: "a b", provider: "policy", policy: "selfish" }] },
      "agents",
      /agents: names\[0\]/,
    ],
  ];
  for (const [i, [body, flag, re]] of cases.entries()) {
    const file = join(dir, `${i}.json`);
    await Deno.writeTextFile(file, JSON.stringify(body));
    const out = join(dir, `out${i}`);
    const r = await runCli(["society", `--${flag}`, file, "--out", out, "--no-report", "--quiet"]);
    assert.equal(r.code, 2, `${JSON.stringify(body)}: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.err.trim().split("\n").length, 1);
    assert.equal(await exists(out), false);
  }
});

/** The scripted LLM: a citizen's reply depends on its name and on how often it was asked. */
function citizenReply(asked: Map<string, number>) {
  return (body: Record<string, unknown>) => {
    const messages = body.messages as { role: string; content: string }[];
    const name = /You are (\w+)/.exec(messages[0].content)?.[1] ?? "?";
    const day = (asked.get(name) ?? 0) + 1;
    asked.set(name, day);
    if (name === "delta") return { reply: "I refuse to answer in JSON." };
    const request = name === "alpha" ? 45 : 30 + day;
    const actions = name === "alpha" && day === 1
      ? [{ type: "propose", proposal_type: "elimination_vote", content: "gamma" }]
      : name === "beta" && day === 2
      ? [{ type: "vote", proposal_id: 1, support: false }, {
        type: "call_meeting",
        topic: "too costly",
      }]
      : [];
    return {
      reply: `Here is my decision: ${
        JSON.stringify({
          thought: `${name} thinks`,
          request,
          actions,
          statement: `${name} on day ${day}`,
        })
      }`,
      usage: { input: 400, output: 60, cached: 100 },
    };
  };
}

Deno.test("society LLM run: against the local OpenAI-compatible server, decisions follow the replies", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-llm-" });
  const asked = new Map<string, number>();
  await using server = startOpenAIServer(citizenReply(asked));
  const llm = (name: string) => ({
    name,
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: server.baseURL,
    api_key: "local-test-key",
  });
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [llm("alpha"), llm("beta"), {
        name: "gamma",
        provider: "policy",
        policy: "cooperative",
      }, llm("delta")],
    }),
  );
  const out = join(dir, "run");
  const r = await runCli([
    "society",
    "--agents",
    agents,
    "--rounds",
    "3",
    "--out",
    out,
    "--reports",
    join(dir, "rep"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "decisions.jsonl"), SocietyDecisionSchema);
  const row = (agent: string, round: number) =>
    rows.find((x) => x.agent === agent && x.round === round)!;
  // requests and statements are the replies'
  assert.equal(row("alpha", 1).request, 45);
  assert.equal(row("beta", 2).request, 32);
  assert.equal(row("beta", 3).statement, "beta on day 3");
  assert.equal(row("alpha", 1).thought, "alpha thinks");
  assert.equal(row("alpha", 1).kind, "openai:gpt-4o-mini");
  // alpha's proposal was executed (3 AP of its 3) and beta voted against it on day 2;
  // its meeting (5 AP) was dropped with the reason
  assert.deepEqual(row("alpha", 1).executed, [{
    type: "propose",
    proposal_type: "elimination_vote",
    content: "gamma",
  }]);
  assert.equal(row("alpha", 1).ap_spent, 3);
  assert.deepEqual((row("beta", 2).executed[0] as { type: string }).type, "vote");
  assert.equal(row("beta", 2).dropped.length, 1);
  assert.match(row("beta", 2).dropped[0].reason, /action points/);
  const events = await readJsonl(join(out, "events.jsonl"), EventRecordSchema);
  const result = events.find((e) => e.type === "proposal_result" && e.proposal_id === 1)!;
  // (gamma, a cooperative policy, opposes eliminations too)
  assert.deepEqual(result.opposers, ["beta", "gamma"]);
  assert.equal(result.passed, false);
  // delta never answered usable JSON: the fallback (request 20, no actions) was played
  for (const d of rows.filter((x) => x.agent === "delta")) {
    assert.equal(d.fallback, true);
    assert.equal(d.request, 20);
    assert.equal(d.parse_ok, false);
  }
  assert.equal(rows.filter((x) => x.agent === "gamma" && x.fallback).length, 0);
  // 3 of 9 LLM decisions fell back: the verdicts are inconclusive
  const summary = await readJson(join(out, "summary.json"));
  const validity = summary.validity as { llm_decisions: number; fallbacks: number; valid: boolean };
  assert.equal(validity.llm_decisions, rows.filter((x) => x.agent !== "gamma").length);
  assert.equal(validity.fallbacks, rows.filter((x) => x.agent === "delta").length);
  assert.equal(validity.valid, false);
  assert.equal(summary.survived_all, "inconclusive");
  assert.equal(summary.collapse, "inconclusive");
  // real LLM tokens recorded apart from game tokens
  const llmTotals = summary.llm as { calls: number; input_tokens: number; cached_tokens: number };
  assert.equal(llmTotals.calls, server.count());
  assert.ok(llmTotals.input_tokens > 0 && llmTotals.cached_tokens > 0);
  assert.equal(typeof summary.llm_tokens_per_citizen_day, "number");
  // the report has the LLM section and the banner
  const html = await Deno.readTextFile(join(dir, "rep", "run", "report.html"));
  assert.match(html, /LLM calls/);
  assert.match(html, /class="banner banner-bad" role="alert"><strong>Not a finding/);
});

Deno.test("society analysis: frames from the run directory agree with the summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-society-an-" });
  const dirs: string[] = [];
  for (const seed of [0, 1, 2]) {
    const out = join(dir, `s${seed}`);
    const r = await runCli([
      "society",
      "--seed",
      String(seed),
      "--out",
      out,
      "--no-report",
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
    dirs.push(out);
  }
  const run = await loadSocietyRun(dirs[0]);
  const s = run.summary!;
  const daily = dailyFrame(run.events, 1, 6, 10);
  assert.equal(daily.height, s.days_played);
  assert.equal(daily.getColumn("efficiency").toArray().at(-1), s.final_efficiency);
  assert.equal(daily.getColumn("alive").toArray().at(-1), (s.survivors as string[]).length);
  const props = proposalsFrame(run.events);
  const made = Object.values((s.proposals as { made: Record<string, number> }).made).reduce(
    (a, b) => a + b,
    0,
  );
  assert.equal(props.height, made);
  const tokens = tokensFrame(run.decisions, 200_000);
  assert.equal(
    tokens.getColumn("cumulative").toArray().at(-1),
    (s.game_tokens as { consumed: number }).consumed,
  );
  const health = healthFrame(run.decisions, run.events);
  const deaths =
    health.toRecords().filter((r) => r.mark === "eliminated by vote" || r.mark === "starved")
      .length;
  assert.equal(deaths, (s.eliminations as { total: number }).total);
  const across = await acrossSeeds(dirs);
  assert.equal(across.runs.length, 3);
  assert.equal(across.survival_time.n, 3);
  const meanDays = across.runs.reduce((a, r) => a + r.days_played, 0) / 3;
  assert.ok(Math.abs(across.survival_time.mean - meanDays) < 1e-9);
  assert.ok(across.survival_rate.lo <= across.survival_rate.mean);
  assert.equal(across.survived_all.n, 3);
});
