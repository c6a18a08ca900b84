/**
 * The model profile end to end: two scripted models against the local OpenAI-compatible
 * server, one that builds, shares and serves its best model, one that parasitises, grabs
 * and substitutes; the card must tell them apart on every axis, `--estimate` must be within
 * 15% of the tokens then used, and a rerun must skip what is done.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LlmCallRecordSchema } from "../../lib/core/records.ts";
import { readJsonl } from "../../lib/core/run_log.ts";
import {
  cardCell,
  type CardRow,
  isShareMetric,
  type ProfileCard,
  VALIDITY_METRIC,
} from "../../lib/analysis/profile.ts";
import { cellText } from "../../lib/reports/profile_card.ts";
import { startOpenAIServer } from "../support/llm_servers.ts";
import { exists, listFiles, runCli } from "../support/cli.ts";
import { BAD, GOOD, profileScript } from "../support/profile_models.ts";

async function agentsFile(dir: string, name: string, model: string, baseURL: string) {
  const path = join(dir, `${name}.json`);
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      agents: [{ name, provider: "openai", model, base_url: baseURL, api_key: "local-test-key" }],
    }),
  );
  return path;
}

async function usedTokens(dir: string): Promise<number> {
  let n = 0;
  for (const f of await listFiles(dir)) {
    if (!f.endsWith("llm_calls.jsonl")) continue;
    for (const c of await readJsonl(f, LlmCallRecordSchema)) n += c.input_tokens + c.output_tokens;
  }
  return n;
}

function row(card: ProfileCard, key: string, condition: string): CardRow {
  const r = card.rows.find((x) => x.key === key && x.condition === condition);
  assert.ok(r, `card row ${key}/${condition}`);
  return r;
}

const value = (r: CardRow, model: string) => r.cells[model].value!;

Deno.test("profile: two scripted models, the card tells them apart; --estimate within 15%", async () => {
  await using server = startOpenAIServer(profileScript);
  const dir = await Deno.makeTempDir({ prefix: "lab-profile-" });
  const good = await agentsFile(dir, "good", GOOD, server.baseURL);
  const bad = await agentsFile(dir, "bad", BAD, server.baseURL);
  const out = join(dir, "profile");
  const reports = join(dir, "reports");
  const args = [
    "profile",
    "--agents",
    good,
    "--agents",
    bad,
    "--seeds",
    "0..1",
    "--rounds",
    "blockchain=10,society=4,delegation=200",
    "--out",
    out,
    "--reports",
    reports,
    "--quiet",
  ];
  const estimate = await runCli([...args, "--estimate"]);
  assert.equal(estimate.code, 0, estimate.err);
  assert.equal(server.count(), 0, "--estimate calls no API");
  assert.equal(await exists(out), false, "--estimate writes nothing");
  const m = /(\d[\d,]*) input \+ (\d[\d,]*) output tokens/.exec(estimate.out);
  assert.ok(m, estimate.out);
  const expected = Number(m[1].replaceAll(",", "")) + Number(m[2].replaceAll(",", ""));

  const r = await runCli(args);
  assert.equal(r.code, 0, r.err);
  const used = await usedTokens(join(out, "runs"));
  assert.ok(used > 0);
  const error = Math.abs(expected - used) / used;
  console.log(`estimate ${expected} tokens, used ${used}: ${(100 * error).toFixed(1)}% off`);
  assert.ok(error <= 0.15, `estimate ${expected} vs used ${used}`);
  // The profile's cache never made two seeds one sample: every call of the first pass reached
  // the server (cache entries answer only the draw they recorded).
  let served = 0;
  for (const f of await listFiles(join(out, "runs"))) {
    if (!f.endsWith("llm_calls.jsonl")) continue;
    for (const c of await readJsonl(f, LlmCallRecordSchema)) {
      assert.equal(c.from_cache, false, `${f}: a reply of another draw`);
      served++;
    }
  }
  assert.equal(server.count(), served);

  const card = JSON.parse(await Deno.readTextFile(join(out, "card.json"))) as ProfileCard;
  assert.deepEqual(card.models, ["good", "bad"]);
  assert.deepEqual(
    [...card.axes].sort(),
    ["cooperation", "exploitation", "honesty", "validity"],
  );
  assert.equal(card.axes.at(-1), "validity");
  // 2 models x (2 + 2 + 1 conditions) x 2 seeds
  assert.equal(card.runs.length, 20);
  // exploitation: the bad model free-rides
  for (const c of ["one", "all"]) {
    assert.ok(value(row(card, "late_p", c), "bad") > value(row(card, "late_p", c), "good") + 0.5);
    assert.ok(value(row(card, "late_d", c), "bad") > value(row(card, "late_d", c), "good"));
  }
  const pe = row(card, "parasitic_equilibrium", "all");
  assert.equal(value(pe, "bad"), 1);
  assert.equal(value(pe, "good"), 0);
  // cooperation: the bad model grabs and proposes eliminations
  for (const c of ["one", "all"]) {
    assert.ok(value(row(card, "over_usage", c), "bad") > value(row(card, "over_usage", c), "good"));
    assert.equal(value(row(card, "eliminations_proposed", c), "good"), 0);
    assert.ok(value(row(card, "eliminations_proposed", c), "bad") > 0);
  }
  const survived = row(card, "survived_all", "all");
  assert.ok(value(survived, "bad") < value(survived, "good"));
  const equality = row(card, "equality", "one");
  assert.ok(value(equality, "bad") < value(equality, "good"));
  // honesty: the bad model substitutes, gains by it, and the user loses
  const share = row(card, "substitution_share", "one");
  assert.equal(value(share, "good"), 0);
  assert.equal(value(share, "bad"), 1);
  assert.ok(value(row(card, "substitution_gain", "one"), "bad") > 0);
  assert.equal(value(row(card, "substitution_gain", "one"), "good"), 0);
  assert.ok(value(row(card, "user_utility_lost", "one"), "bad") > 0);
  // validity: every reply parsed
  for (const e of ["blockchain", "society", "delegation"]) {
    const v = card.rows.find((x) => x.key === "valid_action_rate" && x.experiment === e)!;
    assert.equal(v.cells.good.value, 1);
    assert.equal(v.cells.bad.value, 1);
  }
  // intervals over the 2 seeds
  const p = row(card, "late_p", "one").cells.bad;
  assert.equal(p.n, 2);
  assert.ok(p.lo !== null && p.hi !== null && p.lo <= p.value! && p.value! <= p.hi);
  // every share and rate interval of the card lies in [0, 1]
  for (const r of card.rows.filter((x) => x.share)) {
    for (const m of card.models) {
      const c = r.cells[m];
      if (c.lo !== null) assert.ok(c.lo >= 0 && c.hi! <= 1, `${r.key}/${r.condition}/${m}`);
    }
  }

  // the card and the index
  const html = await Deno.readTextFile(join(reports, "profile", "report.html"));
  for (const axis of card.axes) assert.match(html, new RegExp(`<h2>${axis}</h2>`));
  assert.equal((html.match(/<svg/g) ?? []).length >= 4, true);
  // a row of kind "profile" linking its card
  const index = await Deno.readTextFile(join(reports, "index.html"));
  assert.match(index, /<td>profile<\/td>/);
  assert.match(index, /<a href="profile\/report\.html">/);

  // a rerun skips every finished run and calls nothing
  const calls = server.count();
  const again = await runCli(args);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /0 runs played, 20 found done/);
  assert.equal(server.count(), calls);
});

Deno.test("profile: one budget for the whole profile; a rerun resumes", async () => {
  await using server = startOpenAIServer(profileScript);
  const dir = await Deno.makeTempDir({ prefix: "lab-profile-budget-" });
  const bad = await agentsFile(dir, "bad", BAD, server.baseURL);
  const out = join(dir, "profile");
  const base = [
    "profile",
    "--agents",
    bad,
    "--experiments",
    "delegation,blockchain",
    "--seeds",
    "0..1",
    "--rounds",
    "delegation=200,blockchain=5",
    "--out",
    out,
    "--no-report",
    "--quiet",
  ];
  const stopped = await runCli([...base, "--max-tokens", "30000"]);
  assert.equal(stopped.code, 3, stopped.err);
  const used = await usedTokens(out);
  // the budget holds across runs: at most one call in flight beyond it
  assert.ok(used <= 30000 + 3000, `used ${used}`);
  const runs = (await listFiles(out)).filter((f) => f.endsWith("summary.json")).length;
  assert.ok(runs < 6, "the profile stopped before its end");
  const done = await runCli(base);
  assert.equal(done.code, 0, done.err);
  assert.match(done.out, new RegExp(`found done`));
  const card = JSON.parse(await Deno.readTextFile(join(out, "card.json"))) as ProfileCard;
  assert.equal(card.runs.length, 2 * (1 + 2));
});

Deno.test("profile card cells: shares inside [0, 1], means by t, invalid runs counted out", () => {
  // The card: a share over two seeds printed as 0.331 [-0.442, 1.10].
  const mean = cardCell("mean", [0.27, 0.392]);
  assert.ok(mean.lo! < 0 && mean.hi! > 1, "a t interval, for a number that is not a share");
  const share = cardCell("mean", [0.27, 0.392], { share: true });
  assert.equal(share.value, 0.331);
  assert.ok(share.lo! >= 0 && share.hi! <= 1, `[${share.lo}, ${share.hi}]`);
  assert.equal(cellText(share, "mean"), "0.331 [0.034, 0.875]");
  // Counts are pooled: 9 of 10 and 1 of 10 valid decisions is 0.5 of 20.
  const counted = cardCell("mean", [0.9, 0.1], {
    share: true,
    counts: [{ successes: 9, trials: 10 }, { successes: 1, trials: 10 }],
    excluded: 2,
  });
  assert.equal(counted.value, 0.5);
  counted.runs = 4;
  assert.match(cellText(counted, "mean"), /; 2 of 4 seeds valid; 2 excluded$/);
  const rate = cardCell("rate", [true, false, true]);
  assert.ok(rate.lo! >= 0 && rate.hi! <= 1);
  assert.equal(isShareMetric(VALIDITY_METRIC), true);
  assert.equal(isShareMetric({ ...VALIDITY_METRIC, key: "survival_time" }), false);
  assert.equal(isShareMetric({ ...VALIDITY_METRIC, key: "x", kind: "rate" }), true);
});
