/**
 * A deterministic stand-in chat model for tests and offline demos: it answers from a script.
 *
 * @example
 * ```ts
 * import { ScriptedChatModel } from "./scripted.ts";
 * const m = new ScriptedChatModel((req) => `echo ${req.messages.at(-1)?.content}`);
 * console.log((await m.complete({ messages: [{ role: "user", content: "hi" }] })).text);
 * ```
 * @module
 */
import type { ChatModel, ChatRequest, ChatResponse } from "./chat_model.ts";
import { countRequestTokens, countTokens } from "./tokens.ts";

/** A script: replies used in order (the last one repeats), or a function of the request. */
export type Script = readonly string[] | ((request: ChatRequest, call: number) => string);

/** A chat model that replies from a script, with usage counted by the tokenizer. */
export class ScriptedChatModel implements ChatModel {
  readonly id: string;
  readonly model: string;
  /** Requests received so far. */
  readonly requests: ChatRequest[] = [];
  #script: Script;

  /**
   * A model that answers from `script`.
   *
   * @param script The replies, or a function of the request and the call's index (from 0).
   * @param model The model name (its id is `scripted:<model>`). @default {"scripted"}
   * @throws {RangeError} When the reply list is empty.
   */
  constructor(script: Script, model = "scripted") {
    if (Array.isArray(script) && script.length === 0) {
      throw new RangeError("Cannot script a model: the reply list is empty");
    }
    this.#script = script;
    this.model = model;
    this.id = `scripted:${model}`;
  }

  /** Replies with the script's next text; usage is counted with the tokenizer. */
  complete(request: ChatRequest): Promise<ChatResponse> {
    const call = this.requests.length;
    this.requests.push(request);
    const s = this.#script;
    const text = typeof s === "function" ? s(request, call) : s[Math.min(call, s.length - 1)];
    return Promise.resolve({
      text,
      usage: { input: countRequestTokens(request), output: countTokens(text), cached: 0 },
      model: this.model,
      latencyMs: 0,
      attempts: 1,
    });
  }
}
