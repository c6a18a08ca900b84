/**
 * The LLM part of a run report, for every engine: a per-agent table of calls, tokens (input,
 * cached, output), cost, latency and valid-action rate; the reflections; and each agent's
 * full transcript (collapsible). An unpriced model's cost is shown as "unpriced" (unknown,
 * not free); calls answered from the replay cache are counted as cached, with the cost they
 * saved, not as money spent again.
 *
 * Data ({@linkcode llmUsage}), then markup ({@linkcode llmSectionHtml},
 * {@linkcode llmSectionMd}); no I/O here.
 *
 * @example
 * ```ts
 * import { llmUsage } from "./llm_section.ts";
 * const rows = llmUsage([{ agent: "a", purpose: "decision", input_tokens: 10, output_tokens: 2,
 *   cached_tokens: 0, cost_usd: 0.001, priced: true, latency_ms: 120, from_cache: false,
 *   parse_ok: true, round: 1 }], []);
 * console.log(rows[0].calls); // 1
 * ```
 * @module
 */
import { escapeHtml, htmlTable, mdTable } from "./html.ts";

/** The fields of an `llm_calls.jsonl` record this section reads. */
export interface CallView {
  /** The round the call was made for (0 for calls outside a round). */
  round: number;
  /** The agent that made the call. */
  agent: string;
  /** What the call was for, e.g. `decision` or `reflection`. */
  purpose: string;
  /** Input tokens. */
  input_tokens: number;
  /** Output tokens. */
  output_tokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cached_tokens: number;
  /** The call's cost in US dollars (0 when unpriced). */
  cost_usd: number;
  /** `false` when the model has no price (its cost is unknown, not 0). */
  priced?: boolean;
  /** Wall time of the call, in milliseconds. */
  latency_ms: number;
  /** `true` when answered from the replay cache. */
  from_cache: boolean;
  /** `true` when the reply parsed into a valid action. */
  parse_ok: boolean;
  /** The last user message of the request. */
  prompt?: string;
  /** The reply's text. */
  raw?: string;
  /** The parse or call error, when there was one. */
  error?: string;
  /** The model that answered. */
  model?: string;
  /** Why a billed reply carried no usable text (a refusal, null content, no choices...). */
  reply_problem?: string;
  /** Why the provider stopped, when not a plain stop (`length`: cut at max_tokens). */
  finish_reason?: string;
}

/** A run's budget use (`summary.llm_budget`). */
export interface BudgetView {
  /** Tokens used. */
  tokens: number;
  /** `--max-tokens`, or `null`. */
  max_tokens: number | null;
  /** Dollars used. */
  usd: number;
  /** `--max-usd`, or `null`. */
  max_usd: number | null;
}

/**
 * Sentences on what came back unusable (replies without text, replies cut at max_tokens)
 * and how close the run came to its budget; empty when there is nothing to say.
 */
export function llmNotes(calls: readonly CallView[], budget?: BudgetView): string[] {
  const notes: string[] = [];
  const problems = new Map<string, number>();
  for (const c of calls) {
    if (c.reply_problem) {
      const kind = c.reply_problem.split(/[:(]/)[0].trim();
      problems.set(kind, (problems.get(kind) ?? 0) + 1);
    }
  }
  const n = [...problems.values()].reduce((a, b) => a + b, 0);
  if (n > 0) {
    notes.push(
      `${n} of ${calls.length} replies carried no usable text (${
        [...problems].map(([k, v]) => `${k}: ${v}`).join("; ")
      }); each counted as a parse failure, then a fallback.`,
    );
  }
  const cut = calls.filter((c) => c.finish_reason === "length").length;
  if (cut > 0) {
    notes.push(`${cut} of ${calls.length} replies were cut at their max_tokens cap.`);
  }
  if (budget && (budget.max_tokens !== null || budget.max_usd !== null)) {
    const parts: string[] = [];
    if (budget.max_tokens !== null) {
      parts.push(
        `${budget.tokens.toLocaleString("en-US")} of ${
          budget.max_tokens.toLocaleString("en-US")
        } tokens (${(100 * budget.tokens / budget.max_tokens).toFixed(1)}%)`,
      );
    }
    if (budget.max_usd !== null) {
      parts.push(
        `$${budget.usd.toFixed(4)} of $${budget.max_usd} (${
          (100 * budget.usd / budget.max_usd).toFixed(1)
        }%)`,
      );
    }
    notes.push(`Budget used: ${parts.join(", ")}.`);
  }
  return notes;
}

/** The fields of a decision row this section reads. */
export interface DecisionView {
  /** The agent that decided. */
  agent: string;
  /** `true` when the engine's fallback action was played. */
  fallback?: boolean;
}

/** One agent's line of the usage table. */
export interface AgentUsage {
  /** The agent's name. */
  agent: string;
  /** The models it called, joined by `, `. */
  model: string;
  /** Calls made (cached ones included). */
  calls: number;
  /** Calls answered from the replay cache. */
  cached_calls: number;
  /** Input tokens over all its calls. */
  input_tokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cached_tokens: number;
  /** Output tokens over all its calls. */
  output_tokens: number;
  /** Dollars of calls that went out; `null` when the model is unpriced. */
  cost_usd: number | null;
  /** Dollars the cache saved (the cost of the cached calls); `null` when unpriced. */
  saved_usd: number | null;
  /** Median latency of the calls that went out, in milliseconds (`null` without any). */
  median_latency_ms: number | null;
  /** Decisions that were not fallbacks, over all decisions (`null` without decision rows). */
  valid_action_rate: number | null;
  /** Its decision rows. */
  decisions: number;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Per-agent usage from the calls and the decision rows (sorted by agent). */
export function llmUsage(
  calls: readonly CallView[],
  decisions: readonly DecisionView[],
): AgentUsage[] {
  const agents = [...new Set(calls.map((c) => c.agent))].sort();
  return agents.map((agent) => {
    const mine = calls.filter((c) => c.agent === agent);
    const rows = decisions.filter((d) => d.agent === agent);
    const priced = mine.every((c) => c.priced !== false);
    const sum = (xs: CallView[], f: (c: CallView) => number) => xs.reduce((s, c) => s + f(c), 0);
    const live = mine.filter((c) => !c.from_cache);
    const cached = mine.filter((c) => c.from_cache);
    return {
      agent,
      model: [...new Set(mine.map((c) => c.model ?? ""))].filter((m) => m).join(", "),
      calls: mine.length,
      cached_calls: cached.length,
      input_tokens: sum(mine, (c) => c.input_tokens),
      cached_tokens: sum(mine, (c) => c.cached_tokens),
      output_tokens: sum(mine, (c) => c.output_tokens),
      cost_usd: priced ? sum(live, (c) => c.cost_usd) : null,
      saved_usd: priced ? sum(cached, (c) => c.cost_usd) : null,
      median_latency_ms: median(live.map((c) => c.latency_ms)),
      valid_action_rate: rows.length ? rows.filter((d) => !d.fallback).length / rows.length : null,
      decisions: rows.length,
    };
  });
}

const usd = (x: number | null) => x === null ? "unpriced" : `$${x.toFixed(4)}`;
const HEADER = [
  "agent",
  "model",
  "calls",
  "cached calls",
  "input tok",
  "cached input tok",
  "output tok",
  "cost spent",
  "saved by cache",
  "median latency ms",
  "valid actions",
];

function usageRows(rows: readonly AgentUsage[]): unknown[][] {
  return rows.map((r) => [
    r.agent,
    r.model,
    r.calls,
    r.cached_calls,
    r.input_tokens,
    r.cached_tokens,
    r.output_tokens,
    usd(r.cost_usd),
    usd(r.saved_usd),
    r.median_latency_ms === null ? "" : Math.round(r.median_latency_ms),
    r.valid_action_rate === null
      ? ""
      : `${(r.valid_action_rate * 100).toFixed(1)}% of ${r.decisions}`,
  ]);
}

const REFLECTION = /reflect/;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The HTML section: usage table, reflections, collapsible transcripts. */
export function llmSectionHtml(
  calls: readonly CallView[],
  decisions: readonly DecisionView[],
  budget?: BudgetView,
): string {
  if (!calls.length) return "";
  const usage = llmUsage(calls, decisions);
  const reflections = calls.filter((c) => REFLECTION.test(c.purpose) && c.raw);
  const transcripts = usage.map((u) => {
    const mine = calls.filter((c) => c.agent === u.agent);
    const items = mine.map((c) =>
      `<div class="turn"><p><b>round ${c.round}, ${escapeHtml(c.purpose)}</b>${
        c.from_cache ? " (cached)" : ""
      }${
        c.parse_ok ? "" : ` <span class="bad">reply not usable: ${escapeHtml(c.error ?? "")}</span>`
      }</p>${
        c.prompt ? `<pre class="prompt">${escapeHtml(c.prompt)}</pre>` : ""
      }<pre class="reply">${escapeHtml(c.raw ?? "")}</pre></div>`
    ).join("\n");
    return `<details><summary>${
      escapeHtml(u.agent)
    }: ${mine.length} calls</summary>\n${items}\n</details>`;
  });
  return [
    "<h2>LLM calls</h2>",
    htmlTable(HEADER, usageRows(usage)),
    ...llmNotes(calls, budget).map((t) => `<p>${escapeHtml(t)}</p>`),
    "<p><small>Cost spent counts the calls that went out; calls answered from the replay cache are counted as cached, with the cost they saved. An unpriced model's cost is unknown, not zero: give its entry in the agents file a <code>price</code>.</small></p>",
    ...(reflections.length
      ? [
        "<h3>Reflections</h3>",
        ...reflections.map((c) =>
          `<blockquote><b>${escapeHtml(c.agent)}, after round ${c.round}</b>: ${
            escapeHtml(clip(c.raw!, 1200))
          }</blockquote>`
        ),
      ]
      : []),
    "<h3>Transcripts</h3>",
    ...transcripts,
  ].join("\n");
}

/** The Markdown section: usage table and reflections (transcripts stay in the HTML report). */
export function llmSectionMd(
  calls: readonly CallView[],
  decisions: readonly DecisionView[],
  budget?: BudgetView,
): string {
  if (!calls.length) return "";
  const reflections = calls.filter((c) => REFLECTION.test(c.purpose) && c.raw);
  return [
    "## LLM calls",
    "",
    mdTable(HEADER, usageRows(llmUsage(calls, decisions))),
    "",
    ...llmNotes(calls, budget).flatMap((t) => [t, ""]),
    ...(reflections.length
      ? [
        "### Reflections",
        "",
        ...reflections.flatMap((c) => [
          `**${c.agent}, round ${c.round}**: ${clip(c.raw!, 600).replace(/\n/g, " ")}`,
          "",
        ]),
      ]
      : []),
  ].join("\n");
}
