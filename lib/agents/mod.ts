/**
 * Agents: the agent contract, `ask` (call, parse, retry once, log) and the call recorder.
 *
 * @module
 */
export * from "./agent.ts";
export * from "./ask.ts";
export * from "./call_recorder.ts";
