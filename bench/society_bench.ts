/**
 * `deno bench bench/society_bench.ts`: the society engine at scale — a 200-citizen, 30-day
 * offline game with the default policy mix (goal: at most 5 s per game), plus the 6-citizen
 * default game for reference. The 200-citizen game scales the pool and the token budget with
 * the citizen-days (`budgetConfig`), so it is not over by starvation on day 2.
 *
 * @module
 */
import { parseSocietyConfig } from "../lib/engines/society/config.ts";
import { playOffline } from "../lib/engines/society/offline.ts";
import { budgetConfig } from "../lib/engines/society/prompt_budget.ts";

const large = parseSocietyConfig(budgetConfig(200, 30));
const small = parseSocietyConfig({});

// one game outside the timing, to print what it is
const { summary } = playOffline(large, 0);
console.log(
  `200 citizens, 30 days: played ${summary.days_played} days (${summary.end_reason}), ` +
    `${summary.survivors.length} survivors, ${summary.eliminations.total} eliminations, ` +
    `${Object.values(summary.proposals.made).reduce((a, b) => a + b, 0)} proposals`,
);

Deno.bench("society: 200 citizens x 30 days, default policy mix (goal <= 5 s)", () => {
  playOffline(large, 0);
});

Deno.bench("society: 6 citizens x 10 days, default policy mix", () => {
  playOffline(small, 0);
});
