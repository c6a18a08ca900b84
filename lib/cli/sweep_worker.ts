/**
 * A sweep worker (a Deno Worker of the sweep's process): takes one {@linkcode WorkOrder} at a
 * time, plays that run through `lib/run` with no report, and answers a {@linkcode WorkReport}.
 * Its first message is its end of the limits channel: every run of every worker of the sweep
 * leases its call slots from the main thread's limiters, so a quota is one across the sweep.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { ConfigError } from "../core/config.ts";
import { redactSecrets } from "../core/redact.ts";
import { RemoteLimits } from "../llm/limit_broker.ts";
import { openRun, resumeRun, runToEnd } from "../run/open.ts";
import type { ToWorker, WorkOrder, WorkReport } from "../run/sweep.ts";
import { findExperiment } from "./registry.ts";

async function play(order: WorkOrder, limits: RemoteLimits): Promise<WorkReport> {
  const common = {
    lang: order.lang,
    agents: order.agents,
    cacheDir: order.cacheDir,
    offline: order.offline,
    maxTokens: order.maxTokens,
    maxUsd: order.maxUsd,
    maxFallbackShare: order.maxFallbackShare,
    reportsRoot: null,
  };
  try {
    const session = order.resume
      ? await resumeRun(order.dir, findExperiment, common, limits)
      : await openRun({
        ...common,
        experiment: findExperiment(order.experiment)!,
        config: order.config,
        seed: order.item.seed,
        horizon: order.horizon,
        out: order.dir,
        replay: order.replay,
        policy: order.policy,
      }, limits);
    const r = await runToEnd(session);
    if (r.outcome.status === "completed") {
      return { item: order.item, status: "completed", summary: r.summary };
    }
    return {
      item: order.item,
      status: r.outcome.status === "stopped_budget" ? "stopped_budget" : "interrupted",
      error: r.outcome.reason,
    };
  } catch (e) {
    const kind = e instanceof ConfigError ? "error" : "error (run failed)";
    return {
      item: order.item,
      status: "failed",
      error: `${kind}: ${redactSecrets((e as Error).message)}`,
    };
  }
}

let limits: RemoteLimits | undefined;

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.kind === "limits") {
    limits = new RemoteLimits(m.port);
    return;
  }
  if (!limits) throw new Error("sweep worker: an order came before the limits channel");
  self.postMessage(await play(m.order, limits));
};
