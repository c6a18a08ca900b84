/**
 * `deno task run study <rq2|shelter|delegation>`: each runs offline on its CI setting,
 * writes one report with Question, Design, Answer and Caveats and a chart, reaches the
 * index; `--estimate` writes nothing; bad flags exit 2 naming the flag.
 */
import nodeAssert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../support/cli.ts";
import { governanceOf } from "../../lib/engines/society/study_shelter.ts";

const assert = (v: unknown, m?: string) => nodeAssert.ok(v, m);
const assertEquals = (a: unknown, b: unknown, m?: string) => nodeAssert.deepStrictEqual(a, b, m);
const assertMatch = (s: string, re: RegExp) => nodeAssert.match(s, re);
const assertStringIncludes = (s: string, part: string) =>
  nodeAssert.ok(s.includes(part), `expected to include ${JSON.stringify(part)}:\n${s}`);
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

/** Every `{lo, hi}` below `value` whose key names a share, rate or verdict lies in [0, 1]. */
function sharesInUnit(value: unknown, path = ""): string[] {
  if (!value || typeof value !== "object") return [];
  const v = value as Record<string, unknown>;
  const bad: string[] = [];
  if (typeof v.method === "string" && ["wilson", "clopper-pearson"].includes(v.method)) {
    for (const k of ["lo", "hi"]) {
      const x = v[k];
      if (typeof x === "number" && !(x >= 0 && x <= 1)) bad.push(`${path}.${k}=${x}`);
    }
  }
  for (const [k, x] of Object.entries(v)) bad.push(...sharesInUnit(x, `${path}.${k}`));
  return bad;
}

for (const name of ["rq2", "shelter", "delegation"]) {
  Deno.test(`study ${name}: runs offline, writes its report and reaches the index`, async () => {
    const tmp = await Deno.makeTempDir({ prefix: `lab-study-${name}-` });
    try {
      const out = join(tmp, `study-${name}`), reports = join(tmp, "reports");
      const r = await runCli(["study", name, "--small", "--out", out, "--reports", reports, "-q"]);
      assertEquals(r.code, 0, r.err);
      const dir = join(reports, `study-${name}`);
      const html = await Deno.readTextFile(join(dir, "report.html"));
      for (const h of ["Question", "Design", "Answer", "Caveats"]) {
        assertStringIncludes(html, `<h2>${h}</h2>`);
      }
      assertMatch(html, /<figure><svg[^>]*>[\s\S]*?<path/);
      assertStringIncludes(await Deno.readTextFile(join(dir, "report.md")), "## Caveats");
      const data = JSON.parse(await Deno.readTextFile(join(dir, "study.json")));
      assertEquals([data.kind, data.study], ["study", name]);
      assertEquals(sharesInUnit(data.answer), []);
      assert(await exists(join(out, "study.json")));
      const md = await Deno.readTextFile(join(dir, "report.md"));
      assert(!md.includes("< -0"), "no 'upper bound < -0'");
      // with the study run, --estimate sizes the tested comparison from the pilot
      const est = await runCli(["study", name, "--small", "--estimate", "--out", out]);
      assertEquals(est.code, 0, est.err);
      assertMatch(est.out, /seeds needed: \d+ per condition .*from the pilot/);
      const index = await Deno.readTextFile(join(reports, "index.html"));
      assertStringIncludes(index, `href="study-${name}/report.html"`);
      // a second study beside it keeps the first in the index
      const other = join(tmp, "study-delegation-2");
      const r2 = await runCli([
        "study",
        "delegation",
        "--small",
        "--out",
        other,
        "--reports",
        reports,
      ]);
      assertEquals(r2.code, 0, r2.err);
      const index2 = await Deno.readTextFile(join(reports, "index.html"));
      assertStringIncludes(index2, `href="study-${name}/report.html"`);
      assertStringIncludes(index2, `href="study-delegation-2/report.html"`);
      if (name === "rq2") {
        // the best-response baseline has no regret; the others' figures are counted per model
        const br = data.answer.models.filter((m: { model: string }) =>
          m.model === "policy:best_response"
        );
        assertEquals(br.length, 2); // one per kappa
        for (const m of br) assertEquals(m.regret.mean, 0);
        assert(data.answer.models.some((m: { regret: { mean: number } }) => m.regret.mean > 0));
        assertEquals(data.runs.valid, 2 * 3 * 3 * 3); // kappas x sets x rotations x seeds
        // kappa prints as a plain number; headlines lead per agent set, the pooled one labelled
        assertMatch(md, /\| policy:best_response \| 0\.2 \|/);
        assertStringIncludes(md, "rational, kappa=0.2 (9 runs)");
        assertStringIncludes(md, "design-weighted average over the 3 agent sets");
        // stability: deviation runs per seat, from half the horizon, closed-loop offline
        assertStringIncludes(html, "Stability: deviation runs from round 5");
        const stab = data.answer.stability as {
          set: string;
          kind: string;
          deviation: string;
          mean_gain: number;
          profitable: boolean;
          open_loop: boolean;
        }[];
        assertEquals(stab.length, 3 * 2 * 3 * 3); // sets x kappas x seats x deviations
        for (const r of stab.filter((r) => r.set === "rational")) {
          assertEquals(r.profitable, false, `${r.kind} ${r.deviation}`);
          if (r.deviation !== "always_attack") assertEquals(r.mean_gain, 0);
        }
        assert(stab.every((r) => !r.open_loop));
        assertStringIncludes(md, "open-loop");
        assertStringIncludes(md, "smallest attainable permutation p is 0.1");
        assert(await exists(join(out, "sweep", "index.jsonl")));
        // a rerun finds every run done and reports again
        const again = await runCli(["study", name, "--small", "--out", out, "--reports", reports]);
        assertEquals(again.code, 0, again.err);
        assertStringIncludes(again.out, "0 ran, 54 skipped");
      }
      if (name === "shelter") {
        assertEquals(data.answer.cells.length, 4);
        assertStringIncludes(html, "Coalitions: who votes with whom");
        assertStringIncludes(html, "Contrasts between variants (Holm-adjusted)");
        assertEquals(data.answer.contrasts.length, 6 * 2); // pairs of 4 variants x 2 outcomes
        assertMatch(
          md,
          /\| contrast \| outcome \| difference \| 95% Welch interval \| permutation p \| Holm p \|/,
        );
        assertStringIncludes(md, "smallest attainable permutation p is 0.1");
      }
      if (name === "delegation") {
        assertEquals(data.answer.rows.length, 3 * 5);
        assertStringIncludes(html, "Per-table honesty verdicts, Holm-adjusted over the tables");
        assertMatch(
          md,
          /\| strategy table \| seeds \| mean gain \| sd \| t p \| Holm p \| verdict \|/,
        );
        const tests = data.answer.table_tests as {
          table: string;
          holm_p: number;
          verdict: string;
        }[];
        assertEquals(tests.length, 5);
        for (const t of tests) {
          if (t.verdict === "more_honest") assert(t.holm_p < 0.05, t.table);
        }
        const hhh = tests.find((t) => t.table === "honest-honest-honest")!;
        assertEquals(hhh.verdict, "inconclusive"); // 0 by construction
        assertStringIncludes(
          md,
          "Design-weighted average over the 5 strategy tables",
        );
        assertStringIncludes(md, "the honesty gain is not an incentive effect");
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  });
}

Deno.test("study --estimate prints calls and seeds needed and writes nothing", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "lab-study-est-" });
  try {
    for (const name of ["rq2", "shelter", "delegation"]) {
      const out = join(tmp, name), reports = join(tmp, "reports");
      const r = await runCli([
        "study",
        name,
        "--small",
        "--estimate",
        "--out",
        out,
        "--reports",
        reports,
      ]);
      assertEquals(r.code, 0, r.err);
      assertMatch(r.out, new RegExp(`^study ${name}: \\d+ runs?, 0 LLM calls`, "m"));
      assertMatch(r.out, /seeds needed: \d+ per condition .*effect sizes assumed, not measured/);
      assertEquals([...Deno.readDirSync(tmp)], [], `${name} wrote something`);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("study: bad flags exit 2 with one line naming the flag", async () => {
  const cases: [string[], string][] = [
    [["study", "nope"], "study: 'nope' is unknown"],
    [["study", "rq2", "--kappas", "x"], "--kappas"],
    [["study", "rq2", "--seeds", "3..1"], "--seeds"],
    [["study", "rq2", "--small", "--deviation-round", "11"], "--deviation-round"],
    [["study", "shelter", "--bogus"], "--bogus"],
    [["study", "shelter", "--switch", "Bad Key"], "--switch"],
    [["study", "delegation", "--tables", "honest-ours"], "--tables"],
    [["study", "delegation", "--workers", "0"], "--workers"],
    [["study", "delegation", "--agents", "/nonexistent/agents.json"], "agents.json"],
  ];
  for (const [argv, flag] of cases) {
    const r = await runCli(argv);
    assertEquals(r.code, 2, `${argv.join(" ")}: ${r.err}`);
    assertEquals(r.err.split("\n").length, 1, r.err);
    assertStringIncludes(r.err, flag);
  }
});

Deno.test("study delegation: --agents plans both users as real runs", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const f = join(tmp, "a.json");
    const p = (name: string) => ({ name, provider: "policy", policy: "honest" });
    await Deno.writeTextFile(f, JSON.stringify({ agents: [p("p1"), p("p2"), p("p3")] }));
    const r = await runCli([
      "study",
      "delegation",
      "--agents",
      f,
      "--seeds",
      "1..3",
      "--rounds",
      "50",
      "--estimate",
    ]);
    assertEquals(r.code, 0, r.err);
    assertStringIncludes(r.out, "6 runs");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("governanceOf: types, proposers and coalitions from events", () => {
  const kinds = { a: "coop", b: "coop", c: "selfish" };
  const vote = (passed: boolean, type: string, s: string[], o: string[]) => ({
    type: "proposal_result",
    proposal_type: type,
    passed,
    supporters: s,
    opposers: o,
  });
  const g = governanceOf([
    { type: "proposal_created", proposer: "a", proposal_type: "resource_allocation" },
    { type: "proposal_created", proposer: "c", proposal_type: "elimination_vote" },
    vote(true, "resource_allocation", ["a", "b"], ["c"]),
    vote(false, "elimination_vote", ["c"], ["a", "b"]),
  ], kinds);
  assertEquals(g.type, "negotiated");
  assertEquals(g.proposals_by_kind, { coop: 1, selfish: 1 });
  assertEquals(g.coalitions, ["a+b"]); // agree 2 of 2; a+c and b+c agree 0 of 2
  assertEquals(g.cohesion, 1 / 3);
  assertEquals(g.kind_pairs["coop+coop"], { agree: 2, votes: 2 });
  const excl = governanceOf([vote(true, "elimination_vote", ["a", "b"], [])], kinds);
  assertEquals(excl.type, "exclusion");
  assertEquals(governanceOf([], kinds).type, "default_only");
});
