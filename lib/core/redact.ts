/**
 * The one redaction function for every string that reaches the terminal or a file: known
 * secrets (API keys in use), credentials in URLs, values of secret-named URL query
 * parameters (`?api_key=`, `&sig=`, ...), `Bearer`/`Basic` authorisation values and strings
 * shaped like provider API keys.
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

/**
 * Names of URL query (or fragment) parameters whose values are secrets: every name that
 * contains `key`, `token`, `secret`, `sig`, `pass`, `pwd`, `credential` or `auth`, in any case
 * and anywhere (`api_key`, `apiKey`, `x-api-key`, `accessToken`, `X-Amz-Signature`,
 * `client_secret`, `passwd`...). It redacts some harmless names too (`keyword`, `monkey`):
 * a URL written with one value too few is better than a key written in plain text.
 */
const SECRET_PARAM = String.raw`[A-Za-z0-9._~-]*` +
  String.raw`(?:key|token|secret|sig|pass|pwd|credential|auth)[A-Za-z0-9._~-]*`;

/**
 * `true` when a URL parameter of this name holds a secret (see the names above).
 *
 * @example
 * ```ts
 * import { isSecretParam } from "./redact.ts";
 * console.log(isSecretParam("accessToken"), isSecretParam("api-version")); // true false
 * ```
 */
export function isSecretParam(name: string): boolean {
  return new RegExp(`^(?:${SECRET_PARAM})$`, "i").test(name);
}

/** A secret-named parameter's value, after `?`, `&`, `;` or `#` and `NAME=`. */
const SECRET_QUERY_VALUE = new RegExp(
  String.raw`(?<=[?&;#](?:${SECRET_PARAM})=)[^&#;\s"']+`,
  "gi",
);

/**
 * `url` with its secrets replaced by {@linkcode REDACTED_TEXT}: credentials
 * (`https://user:pass@host` -> `https://<redacted>@host`, a raw `@` in the password
 * included) and the values of secret-named
 * query parameters (`?api_key=abc&v=1` -> `?api_key=<redacted>&v=1`). Use it on a URL that
 * is written down; send the original.
 *
 * @param url A URL, as text.
 * @returns The same text with its secrets replaced.
 * @example
 * ```ts
 * import { redactUrl } from "./redact.ts";
 * console.log(redactUrl("https://u:p@h/v1?api-key=abcd&x=1"));
 * // "https://<redacted>@h/v1?api-key=<redacted>&x=1"
 * ```
 */
export function redactUrl(url: string): string {
  // up to the authority's last `@`: a password may hold a raw `@` (`http://u:p@ss@host`)
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${REDACTED_TEXT}@`)
    .replace(SECRET_QUERY_VALUE, REDACTED_TEXT);
}

const PATTERNS: RegExp[] = [
  // user:pass@ in URLs, up to the last `@` before the path (a password may hold a raw `@`)
  /(?<=[a-z][a-z0-9+.-]*:\/\/)[^\s/"']+(?=@)/gi,
  // values of secret-named query parameters (?api_key=..., &sig=...)
  SECRET_QUERY_VALUE,
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
