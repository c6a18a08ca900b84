/**
 * Per-agent HTTP(S) proxies: the agents file's `proxy` (`"proxy": "http://user:pass@host:3128"`)
 * sends that agent's API calls through the proxy; agents without one keep Deno's own
 * behaviour (the `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` environment variables).
 *
 * A proxy URL may carry credentials. They are sent as the proxy's `Basic` authorisation and
 * never written: {@linkcode checkProxyUrl}'s messages do not echo the URL,
 * {@linkcode redactProxyUrl} gives the text to write, and {@linkcode proxyFetchOptions}
 * registers the password with the redaction layer (`core/redact.ts`), so that it is scrubbed
 * from every string that reaches the terminal or a file.
 *
 * @example
 * ```ts
 * import { checkProxyUrl, redactProxyUrl } from "./proxy.ts";
 * console.log(checkProxyUrl("socks5://h:1080")); // "must be an http: or https: URL, got socks5:"
 * console.log(redactProxyUrl("http://bob:hunter2@proxy.lan:3128"));
 * // "http://<redacted>@proxy.lan:3128"
 * ```
 * @module
 */
import { REDACTED_TEXT, redactUrl, registerSecret } from "../core/redact.ts";
import { fetchOptions } from "./_http.ts";

/** A proxy URL split into what Deno's HTTP client takes: the URL without credentials, and them. */
export interface ProxySettings {
  /** `http(s)://host:port`, without credentials. */
  url: string;
  /** The credentials of the URL, percent-decoded, when it has any. */
  basicAuth?: { username: string; password: string };
}

/**
 * Why `text` is not a usable proxy URL, or `undefined` when it is: an `http:` or `https:`
 * URL with a host, optional `user:password@` credentials, no path, query or fragment. The
 * message never quotes the URL (it may hold a password).
 *
 * @param text The agents file's `proxy`.
 * @returns The problem, in a few words, or `undefined`.
 * @example
 * ```ts
 * import { checkProxyUrl } from "./proxy.ts";
 * console.log(checkProxyUrl("http://127.0.0.1:3128")); // undefined
 * console.log(checkProxyUrl("proxy.lan:3128")); // "must be an http: or https: URL, e.g. http://host:3128"
 * ```
 */
export function checkProxyUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "must be an http: or https: URL, e.g. http://host:3128";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    // a scheme-less `host:3128` parses with the host as its scheme
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
      ? `must be an http: or https: URL, got ${url.protocol}`
      : "must be an http: or https: URL, e.g. http://host:3128";
  }
  if (!url.hostname) return "must name a host";
  if (url.pathname !== "/" && url.pathname !== "") return "must not have a path";
  if (url.search || url.hash || /[?#]/.test(text)) return "must not have a query or fragment";
  if (url.password && !url.username) return "has a password but no user name";
  if (text.includes(REDACTED_TEXT)) {
    return "its credentials were not saved (a saved config shows <redacted>); pass --agents again";
  }
  return undefined;
}

/**
 * Splits a proxy URL into Deno's proxy settings.
 *
 * @param text A proxy URL that {@linkcode checkProxyUrl} accepts.
 * @returns The URL without credentials, and them (percent-decoded) as `basicAuth`.
 * @throws {TypeError} When {@linkcode checkProxyUrl} refuses it (the message does not quote it).
 * @example
 * ```ts
 * import { proxySettings } from "./proxy.ts";
 * console.log(proxySettings("http://bob:p%40ss@proxy.lan:3128"));
 * // { url: "http://proxy.lan:3128", basicAuth: { username: "bob", password: "p@ss" } }
 * ```
 */
export function proxySettings(text: string): ProxySettings {
  const problem = checkProxyUrl(text);
  if (problem) throw new TypeError(`Cannot use proxy: ${problem}`);
  const url = new URL(text);
  const bare = `${url.protocol}//${url.host}`;
  if (!url.username) return { url: bare };
  return {
    url: bare,
    basicAuth: {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    },
  };
}

/**
 * A proxy URL fit to write down: its credentials replaced by `<redacted>`
 * (`http://bob:pw@h:3128` -> `http://<redacted>@h:3128`). Text that is not a URL is passed
 * through `redactUrl`.
 *
 * @param text A proxy URL, as given.
 * @returns The same URL without its credentials.
 */
export function redactProxyUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return redactUrl(text);
  }
  if (!url.username && !url.password) return redactUrl(text);
  // rebuilt from the parsed URL: a password with a raw `@` cannot leak a tail
  return `${url.protocol}//${REDACTED_TEXT}@${url.host}`;
}

const clients = new Map<string, Deno.HttpClient>();

/**
 * `fetch` options for the SDKs of an agent's calls: through `proxy` when given (one HTTP
 * client per proxy, shared by the agents that name it), else the shared client of every
 * other call, which honours `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`. Either client never
 * reuses a connection (see `_http.ts`). The proxy's password (and its `Basic` token) is
 * registered as a secret.
 *
 * @param proxy The agent's proxy URL, or `undefined` for none.
 * @returns `{ client }` to pass as the SDK's `fetchOptions`.
 * @throws {TypeError} When `proxy` is not a usable proxy URL.
 */
export function proxyFetchOptions(proxy?: string): { client: Deno.HttpClient } {
  if (proxy === undefined) return fetchOptions();
  let client = clients.get(proxy);
  if (!client) {
    const settings = proxySettings(proxy);
    if (settings.basicAuth) {
      const { username, password } = settings.basicAuth;
      registerSecret(password);
      // the `Proxy-Authorization: Basic` token, as Deno sends it (UTF-8, base64)
      const bytes = new TextEncoder().encode(`${username}:${password}`);
      registerSecret(btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")));
    }
    client = Deno.createHttpClient({ proxy: settings, poolMaxIdlePerHost: 0 });
    clients.set(proxy, client);
  }
  return { client };
}
