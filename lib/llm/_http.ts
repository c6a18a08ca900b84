/**
 * Private helpers of the HTTP chat clients (openai.ts, anthropic.ts) and the wrappers
 * (retry.ts, limits.ts): the deadline around an SDK call, the mapping of SDK errors to
 * {@linkcode ChatError}, `Retry-After` parsing, redaction and an abortable sleep.
 *
 * @module
 */
import { isSecretParam, redactSecrets, registerSecret } from "../core/redact.ts";
import { ChatError } from "./chat_model.ts";

/** A class whose instances `instanceof` recognises; its constructor is never called. */
export type ErrorClass<T extends Error = Error> = abstract new (...args: never[]) => T;

/**
 * The error classes of a Stainless-generated SDK (`openai`, `@anthropic-ai/sdk`): a timeout
 * is a connection error, which is an API error, which is an SDK error.
 */
export interface SdkErrorClasses {
  /** Every error the SDK throws, e.g. `OpenAI.OpenAIError`. */
  base: ErrorClass;
  /** An HTTP error response, or (without `status`) a failed connection. */
  api: ErrorClass<Error & { status?: number; headers?: Headers; error?: unknown }>;
  /** A failed or dropped connection. */
  connection: ErrorClass;
  /** The SDK's own timeout. */
  timeout: ErrorClass;
}

/** What {@linkcode toChatError} needs to know of the client that made the call. */
export interface ChatErrorContext {
  /** The model's id, which starts every message. */
  id: string;
  /** The key to scrub from every message, the original error's included. */
  apiKey: string;
  /** The client's deadline in milliseconds, for the timeout message. */
  timeoutMs: number;
  /** `true` when the client's own deadline aborted the call. */
  timedOut: boolean;
  /** The SDK's error classes. */
  errors: SdkErrorClasses;
  /** The provider's message in an error response's parsed body; not a string when none. */
  bodyMessage: (body: unknown) => unknown;
}

/**
 * Runs `call` under a deadline of `timeoutMs` that also covers reading the body (an SDK's
 * own timeout stops at the response headers), aborting it too when `signal` aborts.
 *
 * @param timeoutMs The deadline, in milliseconds.
 * @param signal The request's signal.
 * @param call The SDK call, given the combined signal.
 * @param toError Maps a failure, given whether the deadline fired.
 * @returns What `call` resolves to.
 * @throws {unknown} `signal.reason` when `signal` aborted, else what `toError` returns.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
  toError: (error: unknown, timedOut: boolean) => Error,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    return await call(signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw toError(error, deadline.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Maps what an SDK call threw to a {@linkcode ChatError}, with the error as `cause`: the
 * deadline or the SDK's timeout is `timeout`, a failed connection `connection`, an HTTP
 * status as by {@linkcode kindForStatus} (429 with the `Retry-After` wait), an invalid JSON
 * body `bad_response`, any other SDK error `client`, and a `TypeError` (Deno's fetch failing
 * mid-body) `connection`. The API key is scrubbed from every message.
 *
 * @param error What the call threw.
 * @param context The client, its SDK's classes and how to read an error body.
 * @returns The error to throw.
 */
export function toChatError(error: unknown, context: ChatErrorContext): ChatError {
  const { id, apiKey, timeoutMs, timedOut, errors, bodyMessage } = context;
  const scrub = (text: string) => redact(text, apiKey);
  // Scrub the original too (message and stack): it travels along as `cause`.
  if (error instanceof Error) scrubInPlace(error, scrub);
  const fail = (message: string, kind: ChatError["kind"], status?: number, retryAfter?: number) =>
    new ChatError(`${id}: ${message}`, kind, status, retryAfter, { cause: error });
  if (timedOut || error instanceof errors.timeout) {
    return fail(`timed out after ${timeoutMs} ms`, "timeout");
  }
  if (error instanceof errors.connection) {
    const detail = error.cause instanceof Error ? error.cause.message : error.message;
    return fail(`connection failed: ${scrub(detail)}`, "connection");
  }
  if (error instanceof errors.api && typeof error.status === "number") {
    const status = error.status;
    const message = bodyMessage(error.error);
    const detail = typeof message === "string" ? message : error.message;
    return fail(
      `HTTP ${status}: ${scrub(clip(detail))}`,
      kindForStatus(status),
      status,
      status === 429 ? parseRetryAfter(error.headers) : undefined,
    );
  }
  if (error instanceof SyntaxError) {
    return fail(
      `bad response: the body is not valid JSON: ${scrub(error.message)}`,
      "bad_response",
    );
  }
  if (error instanceof errors.base) return fail(scrub(error.message), "client");
  const detail = error instanceof Error ? error.message : String(error);
  // Deno's fetch reports a network failure while reading the body as a TypeError.
  const network = error instanceof TypeError;
  return fail(
    `${network ? "connection failed" : "unexpected error"}: ${scrub(detail)}`,
    network ? "connection" : "client",
  );
}

/**
 * Scrubs an error's `message` and `stack` where they can be written: a `DOMException` (an
 * aborted or timed-out body read) has getter-only properties, and assigning to them throws a
 * `TypeError` that would replace the real failure. Such errors get own data properties
 * instead; when even that is refused the error is left as it is (its text has no key: the
 * SDKs never put the key in a message).
 */
function scrubInPlace(error: Error, scrub: (text: string) => string): void {
  for (const field of ["message", "stack"] as const) {
    const value = error[field];
    if (typeof value !== "string") continue;
    const clean = scrub(value);
    if (clean === value) continue;
    try {
      Object.defineProperty(error, field, { value: clean, writable: true, configurable: true });
    } catch {
      // a frozen error: nothing to scrub it with
    }
  }
}

/**
 * The {@linkcode ChatError} kind of an HTTP error status.
 *
 * @param status The response status, 400 or more.
 * @returns `rate_limit` for 429, `auth` for 401/403, `timeout` for 408, `server` for 5xx
 * (529 overloaded included), `client` otherwise.
 */
export function kindForStatus(status: number): ChatError["kind"] {
  if (status === 429) return "rate_limit";
  if (status === 401 || status === 403) return "auth";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  return "client";
}

/**
 * Reads a response's `retry-after-ms` (milliseconds, OpenAI's extension) or `retry-after`
 * (seconds, or an HTTP date) header.
 *
 * @param headers The response headers.
 * @param now The current time in epoch milliseconds, for HTTP dates.
 * @returns The wait in milliseconds (never negative), or `undefined` when there is no
 * usable header.
 * @example
 * ```ts
 * import { parseRetryAfter } from "./retry.ts";
 * console.log(parseRetryAfter(new Headers({ "retry-after": "2" }))); // 2000
 * console.log(parseRetryAfter(new Headers({ "retry-after-ms": "150" }))); // 150
 * ```
 */
export function parseRetryAfter(
  headers: Headers | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = headers?.get("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Redacts `text` with the one redaction function (`redactSecrets`): `secret`, every
 * registered key, URL credentials, `Bearer`/`Basic` values and key-shaped strings.
 */
export function redact(text: string, secret: string): string {
  return redactSecrets(text, [secret]);
}

let client: Deno.HttpClient | undefined;

/**
 * `fetch` options of both SDKs: an HTTP client that never reuses a connection. Deno's
 * default client silently re-sends a POST whose pooled connection was reset, so a request
 * could reach the server twice for one counted attempt; without reuse every attempt is one
 * request, and a reset is an error the retry wrapper sees and logs.
 */
export function fetchOptions(): { client: Deno.HttpClient } {
  client ??= Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  return { client };
}

/** Cuts `text` to `max` characters, marking the cut with `...`. */
export function clip(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

/** The environment variable `name`, or `undefined` when unset or not allowed (no --allow-env). */
export function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Waits `ms`, rejecting with `signal.reason` as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Checks the options every client takes; messages name the provider and the option.
 * Returns the API key, known to be non-empty.
 */
export function checkClientOptions(
  provider: string,
  envName: string,
  o: { model: unknown; timeoutMs: number; apiKey: string | undefined },
): string {
  if (typeof o.model !== "string" || o.model === "") {
    throw new TypeError(`Cannot create ${provider} chat model: 'model' is empty`);
  }
  if (!Number.isInteger(o.timeoutMs) || o.timeoutMs <= 0) {
    throw new RangeError(
      `Cannot create ${provider} chat model: 'timeoutMs' must be a positive integer, got ${o.timeoutMs}`,
    );
  }
  if (o.apiKey === undefined || o.apiKey === "") {
    throw new TypeError(
      `Cannot create ${provider} chat model: no API key: pass 'apiKey' or set ${envName}`,
    );
  }
  // every string that reaches the terminal or a file is scrubbed of it from now on
  registerSecret(o.apiKey);
  return o.apiKey;
}

/**
 * Splits a base URL's query string off: both SDKs append the request path to `baseURL` as
 * text, so `http://host/v1?api_key=k` would become `/v1?api_key=k/chat/completions`. The
 * query goes to the SDK's `defaultQuery` instead, which it adds to every request.
 *
 * @param baseURL The endpoint as given, e.g. an Azure-style `...?api-version=2024-06-01`.
 * @returns The URL without its query (and fragment), and the query's parameters as the SDK's
 * `defaultQuery`, if any.
 */
export function sdkEndpoint(
  baseURL: string,
): { baseURL: string; defaultQuery?: Record<string, string> } {
  const q = baseURL.search(/[?#]/);
  if (q < 0) return { baseURL };
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return { baseURL };
  }
  const query = Object.fromEntries(url.searchParams);
  // a key in the query is a key: scrubbed from every string that reaches a file or terminal
  for (const [name, value] of url.searchParams) if (isSecretParam(name)) registerSecret(value);
  return {
    baseURL: baseURL.slice(0, q),
    ...(Object.keys(query).length > 0 ? { defaultQuery: query } : {}),
  };
}
