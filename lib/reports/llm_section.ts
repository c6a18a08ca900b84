/**
 * The LLM part of a run report, for every engine: a per-agent table of calls, tokens (input,
 * cached, output), cost, latency and valid-action rate; the reflections; and each agent's
 * full transcript (collapsible). An unpriced model's cost is shown as "unpriced" (unknown,
 * not free); calls answered from the replay cache are counted as cached, with the cost they
 * saved, not as money spent again.
 *
 * Data ({@linkcode llmUsage}), then the section as a document part ({@linkcode llmSection}),
 * which every engine's run report includes; no I/O and no markup here.
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
import type { Block, Cell, DocSection } from "../core/document.ts";
import { formatUsd } from "./render_document.ts";

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
  /** The agent that decided (rows without one count for no agent). */
  agent?: string;
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

const usd = formatUsd;
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

function usageRows(rows: readonly AgentUsage[]): Cell[][] {
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

const COST_NOTE =
  "Cost spent counts the calls that went out; calls answered from the replay cache are counted as cached, with the cost they saved. An unpriced model's cost is unknown, not zero: give its entry in the agents file a `price`.";

/** One call of a transcript: what it was for, whether it was usable, prompt and reply. */
function callBlocks(c: CallView): Block[] {
  return [
    { text: `**round ${c.round}, ${c.purpose}**${c.from_cache ? " (cached)" : ""}` },
    ...(c.parse_ok ? [] : [{ note: `reply not usable: ${c.error ?? ""}`, tone: "bad" as const }]),
    ...(c.prompt ? [{ code: c.prompt, kind: "prompt" }] : []),
    { code: c.raw ?? "", kind: "reply" },
  ];
}

/**
 * The reflections of the calls (purpose `reflect...`) as notes, clipped to `max` characters.
 *
 * @param calls The run's calls.
 * @param max The longest reflection shown.
 * @returns A heading and one note per reflection; none when there is none.
 */
export function reflectionBlocks(calls: readonly CallView[], max = 1200): Block[] {
  const reflections = calls.filter((c) => REFLECTION.test(c.purpose) && c.raw);
  if (!reflections.length) return [];
  return [
    { heading: "Reflections" },
    ...reflections.map((c) => ({
      note: `**${c.agent}, after round ${c.round}**: ${
        clip(c.raw!, max).replace(/\s*\n\s*/g, " ")
      }`,
    })),
  ];
}

/**
 * Each agent's full transcript as a collapsible block (left out of the Markdown: it is in
 * the HTML report).
 *
 * @param calls The run's calls.
 * @returns One details block per agent, agents sorted.
 */
export function transcriptBlocks(calls: readonly CallView[]): Block[] {
  const agents = [...new Set(calls.map((c) => c.agent))].sort();
  return agents.map((agent) => {
    const mine = calls.filter((c) => c.agent === agent);
    return {
      details: {
        summary: `${agent}: ${mine.length} calls`,
        blocks: mine.flatMap(callBlocks),
        htmlOnly: true,
      },
    };
  });
}

/**
 * The LLM section of a run report: the per-agent usage table, notes on unusable replies and
 * the budget, the reflections, and each agent's transcript (collapsible, HTML only).
 *
 * @param calls The run's calls (`llm_calls.jsonl`).
 * @param decisions The run's decision rows (for the valid-action rates).
 * @param budget The run's budget use (`summary.llm_budget`).
 * @returns The section, or `undefined` for a run without LLM calls.
 *
 * @example
 * ```ts
 * import { llmSection } from "./llm_section.ts";
 * console.log(llmSection([], [])); // undefined
 * ```
 */
export function llmSection(
  calls: readonly CallView[],
  decisions: readonly DecisionView[],
  budget?: BudgetView,
): DocSection | undefined {
  if (!calls.length) return undefined;
  return {
    title: "LLM calls",
    blocks: [
      { table: { header: HEADER, rows: usageRows(llmUsage(calls, decisions)) } },
      ...llmNotes(calls, budget).map((text) => ({ text })),
      { note: COST_NOTE },
      ...reflectionBlocks(calls),
      { heading: "Transcripts" },
      ...transcriptBlocks(calls),
    ],
  };
}
