/**
 * The shelter's variants (issue 19): the seed's v2 and v3 presets expand into explicit config
 * fields (the config's own win), the configured pass rules are the SPEC's at v3, a v2 and a
 * v3 run both play and differ as the seed's table says, the verbose prompt is a real
 * alternative to the compact one, and the effective rules reach provenance and a sweep.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readJsonl } from "../../../lib/core/run_log.ts";
import { SweepIndexRowSchema } from "../../../lib/core/sweep_dir.ts";
import { ConfigError } from "../../../lib/core/config.ts";
import { countTokens } from "../../../lib/llm/tokens.ts";
import { citizenPrompts, citizenWireSchema } from "../../../lib/engines/society/citizen.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import type { CitizenAction, SocietyDecision } from "../../../lib/engines/society/decision.ts";
import { SocietyEngine } from "../../../lib/engines/society/engine.ts";
import { playOffline } from "../../../lib/engines/society/offline.ts";
import {
  allocationPasses,
  appealPasses,
  eliminationPasses,
  parseQuorum,
  proposalPasses,
  rulePasses,
} from "../../../lib/engines/society/proposals.ts";
import { measurePromptBudget } from "../../../lib/engines/society/prompt_budget.ts";
import { ruleText } from "../../../lib/engines/society/prompts.ts";
import { shelterRules } from "../../../lib/engines/society/shelter_rules.ts";
import {
  enabledProposalTypes,
  V3_PROPOSAL_RULES,
  VARIANT_PRESETS,
} from "../../../lib/engines/society/variants.ts";
import { runCli } from "../../support/cli.ts";
import { transcript } from "./_transcript.ts";

const d = (request: number, actions: CitizenAction[] = []): SocietyDecision => ({
  request,
  actions,
  statement: "",
});

Deno.test("variant presets: v2 and v3 expand into explicit fields; the config's own values win", () => {
  const v2 = parseSocietyConfig({ variant: "v2" });
  assert.deepEqual(v2.proposals, {
    resource_allocation: { against_factor: 1, quorum: "0" },
    elimination_vote: null,
    appeal: null,
  });
  assert.equal(v2.efficiency_decay, 0);
  assert.equal(v2.base_decision_cost, 500);
  assert.equal(v2.tokens_per_action_point, 0);
  assert.deepEqual(v2.prompt, {
    style: "verbose",
    show_token_budget: true,
    hint_token_exhaustion: false,
    hint_elimination_cost: false,
    show_consumption: true,
  });
  const v3 = parseSocietyConfig({ variant: "v3" });
  assert.deepEqual(v3.proposals, V3_PROPOSAL_RULES);
  assert.equal(v3.efficiency_decay, 0.05);
  assert.equal(v3.base_decision_cost, 1500);
  assert.equal(v3.tokens_per_action_point, 100);
  assert.equal(v3.prompt!.style, "compact");
  // explicit fields override the preset, field by field
  const mixed = parseSocietyConfig({
    variant: "v2",
    base_decision_cost: 800,
    prompt: { style: "compact" },
    proposals: { appeal: {}, resource_allocation: { quorum: "1/2" } },
  });
  assert.equal(mixed.base_decision_cost, 800);
  assert.equal(mixed.tokens_per_action_point, 0, "the rest of the preset stays");
  assert.equal(mixed.prompt!.style, "compact");
  assert.equal(mixed.prompt!.hint_elimination_cost, false);
  assert.deepEqual(mixed.proposals, {
    resource_allocation: { against_factor: 1, quorum: "1/2" },
    elimination_vote: null,
    appeal: { against_factor: 2, quorum: "2/3" }, // v2 has none: the v3 rule fills it
  });
  // without a variant, `proposals` alone is merged over the v3 rules; null disables a type
  const noAppeal = parseSocietyConfig({ proposals: { appeal: null } });
  assert.deepEqual(enabledProposalTypes(noAppeal), ["resource_allocation", "elimination_vote"]);
  assert.equal(noAppeal.base_decision_cost, 1500);
  // the default config is what it was: no variant, no proposals, no prompt
  const plain = parseSocietyConfig({});
  for (const k of ["variant", "proposals", "prompt"]) assert.equal(k in plain, false, k);
  // parsing a parsed config changes nothing (an agents file re-parses it)
  for (const c of [v2, v3, mixed, noAppeal, plain]) {
    assert.deepEqual(parseSocietyConfig(structuredClone(c)), c);
  }
  assert.deepEqual(VARIANT_PRESETS.v2.proposals.appeal, null);
});

Deno.test("variant config: errors name the field", () => {
  const cases: [unknown, string][] = [
    [{ variant: "v4" }, 'config.variant: must be "v2" or "v3", got "v4"'],
    [
      { proposals: { appeal: { quorum: "3/2" } } },
      'config.proposals.appeal.quorum: must be a fraction "n/d" in [0, 1], got "3/2"',
    ],
    [
      { proposals: { appeal: { quorum: 0.5 } } },
      'config.proposals.appeal.quorum: must be a fraction "n/d" in [0, 1], got 0.5',
    ],
    [
      { proposals: { elimination_vote: { against_factor: -1 } } },
      "config.proposals.elimination_vote.against_factor: must be >= 0, got -1",
    ],
    [{ proposals: { banish: {} } }, "config.proposals"],
    [{ proposals: { appeal: { threshold: 2 } } }, "config.proposals.appeal"],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseSocietyConfig(input),
      (e: Error) => e instanceof ConfigError && e.message.startsWith(message),
      `${JSON.stringify(input)} should fail with ${message}`,
    );
  }
});

Deno.test("configured pass rules: the v3 rules are the SPEC's functions, exactly", () => {
  for (let alive = 0; alive <= 40; alive++) {
    for (let s = 0; s <= alive + 1; s++) {
      for (let o = 0; o + s <= alive + 1; o++) {
        const args = [s, o, alive] as const;
        assert.equal(
          rulePasses(V3_PROPOSAL_RULES.resource_allocation, ...args),
          allocationPasses(...args),
        );
        assert.equal(
          rulePasses(V3_PROPOSAL_RULES.elimination_vote, ...args),
          eliminationPasses(...args),
        );
        assert.equal(rulePasses(V3_PROPOSAL_RULES.appeal, ...args), appealPasses(...args));
      }
    }
  }
  // exact fractions at any size: floor(30000 * 2 / 3) = 20000
  assert.equal(rulePasses({ against_factor: 1, quorum: "2/3" }, 20000, 0, 30000), true);
  assert.equal(rulePasses({ against_factor: 1, quorum: "2/3" }, 19999, 0, 30000), false);
  assert.equal(proposalPasses("appeal", 1, 0, 6, { against_factor: 1, quorum: "0" }), true);
  assert.deepEqual(parseQuorum("1"), [1, 1]);
  assert.equal(parseQuorum("1/0"), null);
  assert.equal(
    ruleText(V3_PROPOSAL_RULES.appeal, "en"),
    "for > 2*against and for >= floor(alive*2/3)",
  );
  assert.equal(
    ruleText(V3_PROPOSAL_RULES.resource_allocation, "zh"),
    "支持>反对 且 支持>=floor(存活/2)",
  );
  assert.equal(
    ruleText({ against_factor: 1, quorum: "1" }, "en"),
    "for > against and for >= alive",
  );
});

Deno.test("v2 vs v3 in the engine: one supporter passes an allocation in v2, not in v3", () => {
  const names = ["a", "b", "c", "d", "e", "f"];
  const play = (variant: "v2" | "v3") => {
    const e = new SocietyEngine(parseSocietyConfig({ variant, citizens: names }));
    e.reset({ seed: 0 });
    const propose = (type: string, content: string) =>
      ({ type: "propose", proposal_type: type, content }) as CitizenAction;
    const day1 = e.step(
      Object.fromEntries(names.map((n) => [
        n,
        n === "a"
          ? d(40, [propose("resource_allocation", "a:60,b:20,c:20,d:20,e:20,f:20")])
          : n === "b"
          ? d(40, [propose("elimination_vote", "c")])
          : d(40),
      ])),
    );
    const day2 = e.step(Object.fromEntries(names.map((n) => [n, d(40)])));
    return { day1, day2, state: e.getState() };
  };
  const v2 = play("v2");
  const v3 = play("v3");
  // v2 has no elimination proposals: dropped with its reason, no AP spent
  assert.deepEqual(v2.day1.infos.b.dropped.map((x) => x.reason), [
    "proposal type 'elimination_vote' is not in this shelter's rules (config.proposals)",
  ]);
  assert.equal(v2.day1.infos.b.ap_spent, 0);
  assert.equal(v3.day1.infos.b.dropped.length, 0);
  // the allocation: 1 for, 0 against; v2 (for > against) passes, v3 (for >= 3 of 6) fails
  const result = (x: typeof v2) =>
    x.day2.events.find((e) => e.type === "proposal_result" && e.proposal_id === 1)!;
  assert.equal(result(v2).passed, true);
  assert.equal(result(v3).passed, false);
  assert.equal(v2.day2.infos.a.allocation_method, "proposal");
  assert.equal(v2.day2.rewards.a, 60);
  assert.equal(v3.day2.infos.a.allocation_method, "default");
  // game tokens: v2 500 per citizen-day and nothing per AP; v3 1500 + 100 per AP spent
  assert.equal(v2.state.tokens_consumed, 500 * 12);
  assert.equal(v3.state.tokens_consumed, 1500 * 12 + 100 * (3 + 3));
});

Deno.test("v2 vs v3 offline: both play; starvation costs no efficiency in v2, 5% each in v3", () => {
  const base = { citizens: 8, resources: 600 };
  const v2 = playOffline(parseSocietyConfig({ ...base, variant: "v2" }), 0, { keepSteps: true });
  const v3 = playOffline(parseSocietyConfig({ ...base, variant: "v3" }), 0, { keepSteps: true });
  for (const g of [v2, v3]) {
    assert.ok(g.summary.days_played >= 2 && g.summary.eliminations.total > 0);
  }
  assert.equal(v2.summary.final_efficiency, 1);
  assert.ok(v3.summary.final_efficiency < 1);
  assert.equal(
    v3.summary.final_efficiency,
    Math.max(0.5, Math.round((1 - 0.05 * v3.summary.eliminations.total) * 1e9) / 1e9),
  );
  // v2: only allocations are proposed (the scripted policies' others are dropped)
  assert.equal(v2.summary.proposals.made.elimination_vote, 0);
  assert.equal(v2.summary.proposals.made.appeal, 0);
  assert.ok(v3.summary.proposals.made.elimination_vote > 0);
  const dropped = v2.steps.flatMap((s) => Object.values(s.infos).flatMap((i) => i.dropped));
  assert.ok(dropped.some((x) => /is not in this shelter's rules/.test(x.reason)));
  const citizenDays = (g: typeof v2) =>
    Object.values(g.summary.per_citizen).reduce((a, c) => a + c.days_acted, 0);
  assert.equal(v2.summary.game_tokens.consumed, 500 * citizenDays(v2));
  assert.ok(v3.summary.game_tokens.consumed >= 1500 * citizenDays(v3));
  // an explicit v3 plays exactly as the default config
  const plain = playOffline(parseSocietyConfig({ days: 6 }), 3, { keepSteps: true });
  const named = playOffline(parseSocietyConfig({ days: 6, variant: "v3" }), 3, { keepSteps: true });
  assert.deepEqual(named.summary, plain.summary);
  assert.deepEqual(named.steps.map((s) => s.events), plain.steps.map((s) => s.events));
});

Deno.test("v2's LLM citizen: verbose prompt without a system message, only allocation proposals", async () => {
  const config = parseSocietyConfig({ variant: "v2" });
  const { requests } = await transcript({ variant: "v2" }, "en", 2);
  const first = requests.chatgpt[0];
  assert.equal(first.system, undefined);
  const text = first.messages[0].content;
  assert.ok(text.startsWith("You are chatgpt, one of 6 AIs in a shelter"));
  assert.match(
    text,
    /- resource_allocation "name:amount,\.\.\.": for > against; that day's allocation follows it\./,
  );
  assert.doesNotMatch(text, /elimination_vote "|appeal "/);
  assert.match(text, /Eliminations \(starvation\) do not cut the efficiency\./);
  assert.match(text, /each living AI costs 500\/day \+ 0 per AP spent/);
  assert.doesNotMatch(text, /make survival harder|nearly gone too/);
  assert.match(text, /"proposal_type":"resource_allocation","content":"name:30"/);
  // the wire schema offers only the types the shelter has
  const wire = citizenWireSchema(config);
  const propose = (type: string) => ({
    request: 30,
    actions: [{ type: "propose", proposal_type: type, content: "x" }],
    statement: "",
    thought: null,
  });
  assert.equal(wire.safeParse(propose("resource_allocation")).success, true);
  assert.equal(wire.safeParse(propose("appeal")).success, false);
  assert.equal(
    citizenWireSchema(parseSocietyConfig({})).safeParse(propose("appeal")).success,
    true,
  );
});

Deno.test("prompt.style verbose: rules and worked examples every day, long memory, proposals field by field", async () => {
  for (const lang of ["en", "zh"] as const) {
    const compact = (await transcript({}, lang, 3)).requests.qwen;
    const verbose = (await transcript({ prompt: { style: "verbose" } }, lang, 3)).requests.qwen;
    for (let day = 0; day < 3; day++) {
      const text = verbose[day].messages[0].content;
      assert.equal(verbose[day].system, undefined);
      // the compact system prompt is the start of every verbose day message
      assert.ok(text.startsWith(compact[day].system!), `${lang} day ${day + 1}`);
      assert.ok(
        countTokens(text) >
          countTokens(compact[day].system!) + countTokens(compact[day].messages[0].content),
      );
    }
    const day3 = verbose[2].messages[0].content;
    if (lang === "en") {
      assert.match(day3, /^Worked examples:$/m);
      assert.match(day3, /^- Action points for tomorrow: granted 50 -> 3 AP, granted 80 -> 6 AP/m);
      assert.match(day3, /one proposal 1800, one meeting 2000/);
      assert.match(
        day3,
        /^- Votes needed today with 6 alive: resource_allocation: at least 3 supporters, and more than the opposers; elimination_vote: at least 4 supporters, and more than the opposers; appeal: at least 4 supporters, and more than 2 times the opposers\.$/m,
      );
      assert.match(day3, /^=== Day 3 of 10 ===$/m);
      assert.match(day3, /^\[Day 2\] \w+ requested \d+ resources and was granted \d+/m);
      assert.match(day3, /^Open proposals \(vote on them today\):\n\(none\)$/m);
      assert.match(
        verbose[1].messages[0].content,
        /^Proposal 1\n {2}proposer: chatgpt\n {2}type: elimination_vote \(eliminate llama\)\n {2}votes for \(the proposer included\): 1\n {2}votes against: 0$/m,
      );
    } else {
      assert.match(day3, /^规则示例：$/m);
      assert.match(day3, /^=== 第3天（共10天）===$/m);
      assert.match(day3, /^\[第2天\] \S+申请\d+资源，获得\d+/m);
    }
  }
  // the measured budget of both styles: verbose costs more input tokens per decision
  const compact = measurePromptBudget({ citizens: 6, lang: "en" });
  const verbose = measurePromptBudget({
    citizens: 6,
    lang: "en",
    config: { prompt: { style: "verbose" } },
  });
  assert.equal(compact.style, "compact");
  assert.equal(verbose.style, "verbose");
  assert.equal(verbose.system, 0);
  assert.ok(verbose.total > compact.total, `${verbose.total} vs ${compact.total}`);
  const c = parseSocietyConfig({ prompt: { style: "verbose" } });
  const view = new SocietyEngine(c).reset({ seed: 0 });
  const p = citizenPrompts({
    name: "claude",
    config: c,
    lang: "en",
    memory: [],
    observation: view.observations.claude,
  });
  assert.equal(p.system, undefined);
  assert.match(p.user, /^Memory of recent events:\n\(nothing yet\)$/m);
});

Deno.test("shelter rules in provenance, and a sweep over the variant plays both", async () => {
  assert.deepEqual(shelterRules(parseSocietyConfig({})), {
    variant: null,
    departs_from_variant: [],
    proposals: V3_PROPOSAL_RULES,
    efficiency_decay: 0.05,
    base_decision_cost: 1500,
    tokens_per_action_point: 100,
    prompt: {
      style: "compact",
      show_token_budget: true,
      hint_token_exhaustion: true,
      hint_elimination_cost: true,
      show_consumption: true,
    },
  });
  const dir = await Deno.makeTempDir({ prefix: "lab-society-variants-" });
  const gridPath = join(dir, "grid.json");
  await Deno.writeTextFile(
    gridPath,
    JSON.stringify({
      experiment: "society",
      base: { days: 3 },
      grid: { variant: ["v2", "v3"], "proposals.resource_allocation.quorum": ["0", "1/2"] },
    }),
  );
  const out = join(dir, "sw");
  const r = await runCli([
    "--sweep",
    gridPath,
    "--seeds",
    "0..0",
    "--out",
    out,
    "--quiet",
    "--no-report",
  ]);
  assert.equal(r.code, 0, r.err);
  const rows = await readJsonl(join(out, "index.jsonl"), SweepIndexRowSchema);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.map((x) => x.status), ["completed", "completed", "completed", "completed"]);
  for (const row of rows) {
    const config = JSON.parse(await Deno.readTextFile(join(out, row.run, "config.json")));
    const rules = config.provenance.rules;
    assert.equal(rules.variant, row.params.variant);
    assert.equal(
      rules.proposals.resource_allocation.quorum,
      row.params["proposals.resource_allocation.quorum"],
    );
    assert.equal(rules.base_decision_cost, row.params.variant === "v2" ? 500 : 1500);
    assert.equal(rules.proposals.appeal === null, row.params.variant === "v2");
    const summary = JSON.parse(await Deno.readTextFile(join(out, row.run, "summary.json")));
    const citizenDays = Object.values(summary.per_citizen as Record<string, { days_acted: number }>)
      .reduce((a, c) => a + c.days_acted, 0);
    if (row.params.variant === "v2") assert.equal(summary.game_tokens.consumed, 500 * citizenDays);
    else assert.ok(summary.game_tokens.consumed > 1500 * citizenDays);
  }
});

Deno.test("a run that names a preset but changes its rules says so: provenance and a report banner", async () => {
  const { societyReport } = await import("../../../lib/engines/society/report.ts");
  assert.deepEqual(shelterRules(parseSocietyConfig({ variant: "v2" })).departs_from_variant, []);
  assert.deepEqual(shelterRules(parseSocietyConfig({})).departs_from_variant, []);
  assert.deepEqual(
    shelterRules(parseSocietyConfig({
      variant: "v2",
      proposals: { appeal: { against_factor: 3 } },
      base_decision_cost: 800,
      prompt: { style: "compact" },
    })).departs_from_variant,
    ["proposals.appeal", "base_decision_cost", "prompt.style"],
  );
  const dir = await Deno.makeTempDir({ prefix: "lab-society-departs-" });
  const banners = async (config: unknown) => {
    const out = join(dir, crypto.randomUUID());
    const r = await runCli([
      "society",
      "--config",
      JSON.stringify(config),
      "--rounds",
      "2",
      "--out",
      out,
      "--no-report",
    ]);
    assert.equal(r.code, 0, r.err);
    const rules = JSON.parse(await Deno.readTextFile(join(out, "config.json"))).provenance.rules;
    return { rules, banners: (await societyReport(out)).banners ?? [] };
  };
  const custom = await banners({ variant: "v2", proposals: { appeal: { against_factor: 3 } } });
  assert.deepEqual(custom.rules.departs_from_variant, ["proposals.appeal"]);
  assert.ok(
    custom.banners.some((b) =>
      b.tone === "warn" && b.text.includes("Not the seed's v2") &&
      b.text.includes("proposals.appeal")
    ),
  );
  const plain = await banners({ variant: "v2" });
  assert.deepEqual(plain.rules.departs_from_variant, []);
  assert.ok(!plain.banners.some((b) => b.text.includes("Not the seed's")));
});
