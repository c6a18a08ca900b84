/**
 * How many citizens a token budget carries (issue 19): the arithmetic (the seed's "200,000
 * tokens support about 158 AIs at 1,262 per AI-round"), and the measured costs per
 * citizen-day of a config: the prompt style in use, the typical reply, the game's own rule.
 */
import assert from "node:assert/strict";
import { countTokens } from "../../../lib/llm/tokens.ts";
import { parseSocietyConfig } from "../../../lib/engines/society/config.ts";
import { playOffline } from "../../../lib/engines/society/offline.ts";
import { societySampleReply } from "../../../lib/engines/society/profile.ts";
import { measurePromptBudget } from "../../../lib/engines/society/prompt_budget.ts";
import {
  capacityLines,
  citizenDayCost,
  tokenCapacity,
} from "../../../lib/engines/society/token_capacity.ts";

Deno.test("tokenCapacity: citizens for the days and days for the citizens", () => {
  // the seed: 200,000 / 1,262 per AI for one round = 158 AIs
  assert.equal(tokenCapacity(200_000, 1262, { citizens: 6, days: 1 }).citizens, 158);
  assert.deepEqual(tokenCapacity(200_000, 1000, { citizens: 6, days: 10 }), {
    citizens: 20,
    days: 33,
  });
  assert.deepEqual(tokenCapacity(999, 1000, { citizens: 1, days: 1 }), { citizens: 0, days: 0 });
  assert.throws(() => tokenCapacity(1, 0, { citizens: 1, days: 1 }), RangeError);
});

Deno.test("citizenDayCost: the prompt style in use, the typical reply and the game's rule", () => {
  const output = countTokens(societySampleReply({ messages: [] }));
  for (const input of [{}, { prompt: { style: "verbose" } }, { variant: "v2", days: 4 }]) {
    const config = parseSocietyConfig(input);
    const cost = citizenDayCost(config, "en");
    const measured = measurePromptBudget({
      citizens: 6,
      lang: "en",
      config: input as Record<string, unknown>,
    });
    assert.equal(cost.input, measured.total);
    assert.equal(cost.style, measured.style);
    assert.equal(cost.output, output);
    const { summary } = playOffline(config, 0);
    const days = Object.values(summary.per_citizen).reduce((a, c) => a + c.days_acted, 0);
    assert.equal(cost.game, summary.game_tokens.consumed / days);
  }
  const compact = citizenDayCost(parseSocietyConfig({}), "en");
  const verbose = citizenDayCost(parseSocietyConfig({ prompt: { style: "verbose" } }), "en");
  assert.ok(verbose.input > compact.input);
  assert.equal(citizenDayCost(parseSocietyConfig({ variant: "v2" }), "en").game, 500);
});

Deno.test("capacityLines: the budget's citizens and days at both costs, and --max-tokens", () => {
  const config = parseSocietyConfig({});
  const cost = citizenDayCost(config, "zh");
  const real = cost.input + cost.output;
  const lines = capacityLines(config, { lang: "zh", maxTokens: 1_000_000 });
  assert.equal(lines.length, 4);
  assert.match(lines[0], /\(compact prompt, zh\)/);
  const r = tokenCapacity(200_000, real, { citizens: 6, days: 10 });
  assert.ok(
    lines[1].endsWith(`${r.citizens} citizens for 10 days, or 6 citizens for ${r.days} days`),
    lines[1],
  );
  const g = tokenCapacity(200_000, cost.game, { citizens: 6, days: 10 });
  assert.ok(
    lines[2].endsWith(`${g.citizens} citizens for 10 days, or 6 citizens for ${g.days} days`),
  );
  const m = tokenCapacity(1_000_000, real, { citizens: 6, days: 10 });
  assert.ok(lines[3].startsWith("  --max-tokens 1,000,000"));
  assert.ok(
    lines[3].endsWith(`${m.citizens} citizens for 10 days, or 6 citizens for ${m.days} days`),
  );
  assert.equal(capacityLines(config, { lang: "en" }).length, 3);
});
