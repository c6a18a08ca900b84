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
        assert(await exists(join(out, "sweep", "index.jsonl")));
        // a rerun finds every run done and reports again
        const again = await runCli(["study", name, "--small", "--out", out, "--reports", reports]);
        assertEquals(again.code, 0, again.err);
        assertStringIncludes(again.out, "0 ran, 54 skipped");
      }
      if (name === "shelter") {
        assertEquals(data.answer.cells.length, 4);
        assertStringIncludes(html, "Coalitions: who votes with whom");
      }
      if (name === "delegation") assertEquals(data.answer.rows.length, 3 * 5);
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
      assertMatch(r.out, /seeds needed: \d+ per condition/);
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
