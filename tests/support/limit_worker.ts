/**
 * A worker for the limit broker's tests: it takes a `MessagePort` to a broker, acquires one
 * lease of quota `key` (concurrency 1), answers "holding" and keeps the lease until it dies.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { RemoteLimits } from "../../lib/llm/limit_broker.ts";

self.onmessage = async (e: MessageEvent<{ port: MessagePort; key: string }>) => {
  const remote = new RemoteLimits(e.data.port);
  await remote.limiter(e.data.key, { concurrency: 1 }).acquire(3);
  self.postMessage("holding");
};
