/**
 * The one redaction function for every string that reaches the terminal or a file: known
 * secrets (API keys in use), credentials in URLs, `Bearer`/`Basic` authorisation values and
 * strings shaped like provider API keys.
 *
 * @example
 * ```ts
 * import { redactSecrets } from "./redact.ts";
 * console.log(redactSecrets("GET http://bob:hunter2@host/v1 with Bearer sk-abcdefghijkl"));
 * // "GET http://<redacted>@host/v1 with Bearer <redacted>"
 * ```
 * @module
 */

/** What replaces a secret. */
export const REDACTED_TEXT = "<redacted>";

const known = new Set<string>();

/** Registers a secret (e.g. an API key read from the environment) to be redacted everywhere. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) known.add(secret);
}

const PATTERNS: RegExp[] = [
  // user:pass@ in URLs
  /(?<=[a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+(?=@)/gi,
  // Authorization values
  /(?<=\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{4,}/g,
  // provider key shapes: sk-..., sk-ant-..., sk-proj-...
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  // x-api-key / api_key values in text
  /(?<=\b(?:x-api-key|api[_-]?key)["']?\s*[:=]\s*["']?)[A-Za-z0-9._-]{8,}/gi,
];

/**
 * Replaces every registered secret, every `extra` secret and every credential-shaped string
 * in `text` by {@linkcode REDACTED_TEXT}.
 */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const s of [...known, ...extra]) {
    if (s && s.length >= 4) out = out.replaceAll(s, REDACTED_TEXT);
  }
  for (const re of PATTERNS) out = out.replace(re, REDACTED_TEXT);
  return out;
}
