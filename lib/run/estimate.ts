/**
 * Cost before spending (`--estimate`): the expected LLM calls, input and output tokens and
 * dollars of a run, a sweep or a profile, without calling any API.
 *
 * How: every run is played offline, in a temporary directory deleted afterwards, with a
 * stand-in chat model in each LLM seat. The stand-in answers at once with the experiment's
 * {@linkcode Experiment.sampleReply} (a valid reply of typical length) and counts the real
 * prompts it is sent with the `o200k_base` tokenizer. So input tokens come from the real
 * prompt sizes along a plausible trajectory; output tokens are estimated as the tokens of
 * that typical reply (per purpose: decision, reflection...), and bounded above by each
 * call's `max_tokens`. A model whose decisions change the run's length (a society that
 * collapses early, a provider that loses its exploitation phase) uses fewer calls than
 * estimated. Dollars are list prices from the pricing table; a model missing from it is
 * reported as unpriced.
 *
 * @example
 * ```ts ignore
 * import { estimateRun, formatEstimate } from "./estimate.ts";
 * const e = await estimateRun({ experiment, config: {}, seed: 0, agents });
 * console.log(formatEstimate(e));
 * ```
 * @module
 */
import { CallRecorder } from "../agents/call_recorder.ts";
import { RunLog } from "../core/run_log.ts";
import type { AgentSpec } from "../llm/agents_file.ts";
import { Budget, DEFAULT_OUTPUT_ESTIMATE } from "../llm/budget.ts";
import type { ChatModel, ChatRequest, ChatResponse } from "../llm/chat_model.ts";
import { costUsd, priceOf } from "../llm/pricing.ts";
import { acquireLock } from "../core/run_dir.ts";
import { DEFAULT_MAX_FALLBACK_SHARE } from "../core/validity.ts";
import { buildRun, runConfigOf } from "./build.ts";
import type { Experiment } from "./experiment.ts";
import type { RunRequest } from "./open.ts";
import { parseRunPolicy } from "./run_policy.ts";
import { RunSession } from "./session.ts";

/** Expected use of one model. */
export interface ModelEstimate {
  calls: number;
  input: number;
  /** Output tokens expected (the typical reply's). */
  output: number;
  /** Output tokens at most (every call's `max_tokens`). */
  outputMax: number;
  /** Dollars at list prices; `null` when the model has no price. */
  usd: number | null;
  /** Dollars with every call at its `max_tokens`; `null` when unpriced. */
  usdMax: number | null;
}

/** Expected use of one or many runs, in total and by model. */
export interface UsageEstimate extends ModelEstimate {
  runs: number;
  /** Models without a price (their dollars are left out of `usd`). */
  unpriced: string[];
  models: Record<string, ModelEstimate>;
}

/** The empty estimate. */
export function emptyEstimate(): UsageEstimate {
  return {
    runs: 0,
    calls: 0,
    input: 0,
    output: 0,
    outputMax: 0,
    usd: 0,
    usdMax: 0,
    unpriced: [],
    models: {},
  };
}

/** The sum of estimates. */
export function sumEstimates(list: readonly UsageEstimate[]): UsageEstimate {
  const out = emptyEstimate();
  for (const e of list) {
    out.runs += e.runs;
    for (const [model, m] of Object.entries(e.models)) {
      const t = out.models[model] ??= {
        calls: 0,
        input: 0,
        output: 0,
        outputMax: 0,
        usd: m.usd === null ? null : 0,
        usdMax: m.usdMax === null ? null : 0,
      };
      t.calls += m.calls;
      t.input += m.input;
      t.output += m.output;
      t.outputMax += m.outputMax;
      if (t.usd !== null && m.usd !== null) t.usd += m.usd;
      if (t.usdMax !== null && m.usdMax !== null) t.usdMax += m.usdMax;
    }
  }
  for (const [model, m] of Object.entries(out.models)) {
    out.calls += m.calls;
    out.input += m.input;
    out.output += m.output;
    out.outputMax += m.outputMax;
    if (m.usd === null) out.unpriced.push(model);
    else {
      out.usd! += m.usd;
      out.usdMax! += m.usdMax!;
    }
  }
  return out;
}

/** Token counting loads the tokenizer: only when an estimate is made. */
const tokens = () => import("../llm/tokens.ts");

/**
 * A chat model that answers `reply(request)` at once and counts the request with the real
 * tokenizer; it tallies its calls into `tally`.
 */
class StandInModel implements ChatModel {
  readonly id: string;
  constructor(
    readonly model: string,
    readonly reply: (request: ChatRequest) => string,
    readonly tally: ModelEstimate,
  ) {
    this.id = `stand-in:${model}`;
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const { countRequestTokens, countTokens } = await tokens();
    const text = this.reply(request);
    const usage = { input: countRequestTokens(request), output: countTokens(text), cached: 0 };
    const max = request.maxTokens ?? DEFAULT_OUTPUT_ESTIMATE;
    const t = this.tally;
    t.calls++;
    t.input += usage.input;
    t.output += usage.output;
    t.outputMax += max;
    if (t.usd !== null) {
      t.usd += costUsd(this.model, usage);
      t.usdMax! += costUsd(this.model, { ...usage, output: max });
    }
    return { text, usage, model: this.model, latencyMs: 0, attempts: 1 };
  }
}

/**
 * Plays `request` offline with a stand-in model in every LLM seat and returns the calls
 * and tokens it used. Nothing is written outside a temporary directory (deleted after).
 */
export async function estimateRun(request: RunRequest): Promise<UsageEstimate> {
  const { experiment, seed } = request;
  const recorder = new CallRecorder();
  const models: Record<string, ModelEstimate> = {};
  const reply = (r: ChatRequest) => experiment.sampleReply?.(r) ?? "{}";
  const built = await buildRun(request, runConfigOf(request), recorder, (spec: AgentSpec) => {
    const name = spec.model ?? spec.name;
    const priced = priceOf(name) !== undefined;
    const tally = models[name] ??= {
      calls: 0,
      input: 0,
      output: 0,
      outputMax: 0,
      usd: priced ? 0 : null,
      usdMax: priced ? 0 : null,
    };
    return new StandInModel(name, reply, tally);
  });
  const dir = await Deno.makeTempDir({ prefix: "lab-estimate-" });
  try {
    const log = RunLog.create(dir, {
      schemas: { decisions: experiment.decisionSchema },
      autoFlush: false,
    });
    const session = new RunSession({
      experiment,
      built,
      dir,
      id: "estimate",
      seed,
      log,
      recorder,
      budget: new Budget(),
      policy: parseRunPolicy({ checkpointEvery: "end", logDecisions: "none" }),
      lock: await acquireLock(dir),
      maxFallbackShare: DEFAULT_MAX_FALLBACK_SHARE,
      reportsRoot: null,
    });
    try {
      await session.run();
    } finally {
      session.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return sumEstimates([{ ...emptyEstimate(), runs: 1, models }]);
}

/** The estimate of many runs, played one after the other. */
export async function estimateRuns(requests: readonly RunRequest[]): Promise<UsageEstimate> {
  const parts: UsageEstimate[] = [];
  for (const r of requests) parts.push(await estimateRun(r));
  return sumEstimates(parts);
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const usd = (n: number | null) => (n === null ? "unpriced" : `$${n.toFixed(n < 1 ? 4 : 2)}`);

/** The estimate as a few lines of text. */
export function formatEstimate(e: UsageEstimate, what = "estimate"): string {
  const lines = [
    `${what}: ${e.runs} run${e.runs === 1 ? "" : "s"}, ${int(e.calls)} LLM calls, ${
      int(e.input)
    } input + ${int(e.output)} output tokens (output at most ${int(e.outputMax)})`,
    `  cost at list prices: ${usd(e.usd)} (at most ${usd(e.usdMax)})${
      e.unpriced.length ? `; unpriced: ${e.unpriced.join(", ")}` : ""
    }`,
  ];
  for (const [model, m] of Object.entries(e.models)) {
    lines.push(
      `  ${model}: ${int(m.calls)} calls, ${int(m.input)} in + ${int(m.output)} out, ${usd(m.usd)}`,
    );
  }
  if (e.calls === 0) lines.push("  (no LLM seat: nothing to pay)");
  lines.push("  nothing was run; estimates assume typical replies (see README, --estimate)");
  return lines.join("\n");
}

/** Checks that an experiment can be estimated (it has a stand-in reply). */
export function canEstimate(experiment: Experiment): boolean {
  return typeof experiment.sampleReply === "function";
}
