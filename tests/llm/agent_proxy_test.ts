/**
 * Per-agent HTTP proxies (the agents file's `proxy`): an agent with one sends its requests
 * through a local forward proxy on 127.0.0.1, with the URL's credentials as the proxy's
 * `Basic` authorisation; an agent without one goes direct, or through `HTTP_PROXY` unless
 * `NO_PROXY` says otherwise. The proxy's password never reaches a message, a run's files or
 * the terminal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../lib/core/config.ts";
import { redactSecrets } from "../../lib/core/redact.ts";
import { type AgentSpec, parseAgentsFile, redactAgents } from "../../lib/llm/agents_file.ts";
import { ChatError } from "../../lib/llm/chat_model.ts";
import { RetryError } from "../../lib/llm/retry.ts";
import { createChatModel } from "../../lib/llm/factory.ts";
import { checkProxyUrl, proxySettings, redactProxyUrl } from "../../lib/llm/proxy.ts";
import { startAnthropicServer, startOpenAIServer } from "../support/llm_servers.ts";
import { listFiles, runCli } from "../support/cli.ts";

/** A password with a raw-looking `@` (percent-encoded in the URL) and a distinctive tail. */
const PASSWORD = "pr0xy@Pass-7731";
const USER = "lab-user";
const PROXY_CREDENTIALS = `${USER}:${encodeURIComponent(PASSWORD)}`;
const BASIC = btoa(`${USER}:${PASSWORD}`);

/** A request as the proxy saw it. */
interface ProxiedRequest {
  method: string;
  /** The absolute-form request target, e.g. `http://127.0.0.1:PORT/v1/chat/completions`. */
  url: string;
  /** The `Proxy-Authorization` header, or `null`. */
  auth: string | null;
}

/**
 * A tiny forward proxy for `http:` targets: it receives absolute-form requests, records them,
 * answers 407 without the expected credentials (when it expects some), and forwards the rest
 * to the target over a direct connection (never through an environment proxy).
 */
function startForwardProxy(expectBasic?: string) {
  const seen: ProxiedRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const auth = req.headers.get("proxy-authorization");
    seen.push({ method: req.method, url: req.url, auth });
    if (expectBasic && auth !== `Basic ${expectBasic}`) {
      return new Response("proxy authentication required", { status: 407 });
    }
    const target = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.delete("proxy-authorization");
    headers.delete("proxy-connection");
    using client = Deno.createHttpClient({
      proxy: { transport: "tcp", hostname: target.hostname, port: Number(target.port) },
    });
    const res = await fetch(target, {
      method: req.method,
      headers,
      body: req.body,
      client,
    });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  });
  return {
    seen,
    port: server.addr.port,
    url: (credentials?: string) =>
      `http://${credentials ? `${credentials}@` : ""}127.0.0.1:${server.addr.port}`,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

const ask = { messages: [{ role: "user" as const, content: "hello" }], maxTokens: 16 };

Deno.test("proxy: an agent with proxy goes through it (with Basic credentials), one without goes direct", async () => {
  await using openai = startOpenAIServer([{ reply: "ok" }]);
  await using anthropic = startAnthropicServer([{ reply: "ok" }]);
  await using proxy = startForwardProxy(BASIC);
  const file = parseAgentsFile({
    agents: [
      {
        name: "via_openai",
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: openai.baseURL,
        api_key: "key-via-openai",
        proxy: proxy.url(PROXY_CREDENTIALS),
      },
      {
        name: "via_claude",
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        base_url: anthropic.baseURL,
        api_key: "key-via-claude",
        proxy: proxy.url(PROXY_CREDENTIALS),
      },
      {
        name: "direct",
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: openai.baseURL,
        api_key: "key-direct",
      },
    ],
  }, "agents.json");
  const [viaOpenAI, viaClaude, direct] = file.agents.map((a) => createChatModel(a));
  assert.equal((await viaOpenAI.complete(ask)).text, "ok");
  assert.equal((await viaClaude.complete(ask)).text, "ok");
  assert.equal((await direct.complete(ask)).text, "ok");

  // The proxy saw the two proxied calls, in absolute form, with the URL's credentials...
  assert.deepEqual(proxy.seen, [
    { method: "POST", url: `${openai.baseURL}/chat/completions`, auth: `Basic ${BASIC}` },
    { method: "POST", url: `${anthropic.baseURL}/v1/messages`, auth: `Basic ${BASIC}` },
  ]);
  // ...and the servers every call, the direct one's included, with the agents' own keys.
  assert.deepEqual(
    openai.requests.map((r) => r.headers["authorization"]),
    ["Bearer key-via-openai", "Bearer key-direct"],
  );
  assert.equal(anthropic.requests[0].headers["x-api-key"], "key-via-claude");
  for (const r of [...openai.requests, ...anthropic.requests]) {
    assert.equal(r.headers["proxy-authorization"], undefined, "the proxy keeps its credentials");
  }
});

Deno.test("proxy: wrong credentials or a dead proxy fail as ChatErrors that never quote the password", async () => {
  await using openai = startOpenAIServer([{ reply: "ok" }]);
  await using proxy = startForwardProxy(BASIC);
  const spec = (p: string): AgentSpec => ({
    name: "a",
    provider: "openai",
    model: "gpt-4o-mini",
    base_url: openai.baseURL,
    api_key: "key-a",
    proxy: p,
    max_attempts: 1,
  });
  const wrong = createChatModel(spec(proxy.url(`${USER}:wrong-password-123`)));
  await assert.rejects(() => wrong.complete(ask), (e: unknown) => {
    // a 4xx is not retried: the client's ChatError itself
    assert.ok(e instanceof ChatError, String(e));
    assert.equal(e.kind, "client");
    assert.equal(e.status, 407);
    assert.ok(!e.message.includes("wrong-password-123"), e.message);
    return true;
  });
  assert.equal(openai.count(), 0, "nothing got past the proxy");

  // a proxy that is not listening: a connection failure, password nowhere in the error
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const dead = createChatModel(spec(`http://${PROXY_CREDENTIALS}@127.0.0.1:${deadPort}`));
  await assert.rejects(() => dead.complete(ask), (e: unknown) => {
    // a connection failure is retried (once here): a RetryError with the last ChatError
    assert.ok(e instanceof RetryError, String(e));
    assert.equal(e.lastError.kind, "connection");
    const chain: string[] = [];
    for (let c: unknown = e; c instanceof Error; c = c.cause) chain.push(c.message, c.stack ?? "");
    const text = chain.join("\n");
    assert.ok(!text.includes(PASSWORD), text);
    assert.ok(!text.includes(encodeURIComponent(PASSWORD)), text);
    return true;
  });
  // a proxy in use registered its password and Basic token with the redaction layer
  assert.equal(
    redactSecrets(`pw ${PASSWORD} token ${BASIC}`),
    "pw <redacted> token <redacted>",
  );
});

Deno.test("proxy: the agents file validates proxy URLs without quoting them", () => {
  const bad: [unknown, string][] = [
    [`ftp://${PROXY_CREDENTIALS}@h:21`, "must be an http: or https: URL, got ftp:"],
    [`socks5://${PROXY_CREDENTIALS}@h:1080`, "must be an http: or https: URL, got socks5:"],
    ["proxy.lan:3128", "must be an http: or https: URL, e.g. http://host:3128"],
    ["not a url", "must be an http: or https: URL, e.g. http://host:3128"],
    [`http://${PROXY_CREDENTIALS}@h:3128/path`, "must not have a path"],
    [`http://${PROXY_CREDENTIALS}@h:3128/?token=x`, "must not have a query or fragment"],
    ["http://:only-a-password@h:3128", "has a password but no user name"],
    [3128, "expected a proxy URL (text), e.g. http://host:3128"],
  ];
  for (const [proxy, message] of bad) {
    assert.throws(
      () =>
        parseAgentsFile(
          { agents: [{ name: "a", provider: "openai", model: "m", proxy }] },
          "agents.json",
        ),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.message, `agents.json.agents[0].proxy: ${message}`);
        assert.ok(!e.message.includes(PASSWORD) && !e.message.includes("pr0xy"), e.message);
        return true;
      },
    );
  }
  assert.throws(
    () =>
      parseAgentsFile(
        { agents: [{ name: "p", provider: "policy", policy: "greedy", proxy: "http://h:1" }] },
        "agents.json",
      ),
    /^ConfigError: agents\.json\.agents\[0\]\.proxy: only for LLM agents \(a policy makes no calls\)$/,
  );
  for (const ok of ["http://h:3128", "https://proxy.example.com", `http://${USER}@h:8080/`]) {
    assert.equal(checkProxyUrl(ok), undefined, ok);
  }
  assert.deepEqual(proxySettings(`http://${PROXY_CREDENTIALS}@h:3128`), {
    url: "http://h:3128",
    basicAuth: { username: USER, password: PASSWORD },
  });
  assert.deepEqual(proxySettings("https://h"), { url: "https://h" });
});

Deno.test("proxy: saved agents show no credentials, and a resumed run asks for the file again", () => {
  const raw = `http://${USER}:pa@ss-with-raw-at@h:3128`; // WHATWG reads the last @
  assert.equal(redactProxyUrl(raw), "http://<redacted>@h:3128");
  assert.equal(redactProxyUrl("http://h:3128"), "http://h:3128");
  const [saved] = redactAgents([{
    name: "a",
    provider: "openai",
    model: "m",
    proxy: `http://${PROXY_CREDENTIALS}@h:3128`,
  }]);
  assert.equal(saved.proxy, "http://<redacted>@h:3128");
  assert.ok(!JSON.stringify(saved).includes("pr0xy"));
  // the text redaction covers a raw `@` in a password too
  assert.equal(redactSecrets(`proxy ${raw} used`), "proxy http://<redacted>@h:3128 used");
  // resuming from the saved config: the credentials are gone, the run says so
  assert.throws(
    () => createChatModel({ ...saved, api_key: "k" }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        "agents 'a': proxy: its credentials were not saved (a saved config shows <redacted>); pass --agents again",
  );
});

/** Runs a script in a child Deno with `env`, returning its stdout (throws on failure). */
async function child(script: string, env: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lab-proxy-env-" });
  const path = join(dir, "main.ts");
  await Deno.writeTextFile(path, script);
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", config, path],
    env,
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return text;
}

Deno.test("proxy: agents without proxy keep HTTP_PROXY / NO_PROXY; an agent's proxy replaces HTTP_PROXY", async () => {
  await using openai = startOpenAIServer([{ reply: "ok" }]);
  await using envProxy = startForwardProxy();
  await using own = startForwardProxy();
  const factory = new URL("../../lib/llm/factory.ts", import.meta.url).href;
  const script = `
    import { createChatModel } from ${JSON.stringify(factory)};
    const base = { provider: "openai", model: "gpt-4o-mini", base_url: ${
    JSON.stringify(openai.baseURL)
  } };
    const ask = { messages: [{ role: "user", content: "hi" }], maxTokens: 8 };
    await createChatModel({ ...base, name: "plain", api_key: "key-plain" }).complete(ask);
    await createChatModel({ ...base, name: "own", api_key: "key-own", proxy: ${
    JSON.stringify(own.url())
  } }).complete(ask);
    console.log("done");
  `;
  const unset = { no_proxy: "", NO_PROXY: "", http_proxy: "", HTTPS_PROXY: "", https_proxy: "" };
  assert.equal(
    (await child(script, { ...unset, HTTP_PROXY: envProxy.url() })).trim(),
    "done",
  );
  const target = `${openai.baseURL}/chat/completions`;
  assert.deepEqual(envProxy.seen.map((r) => r.url), [target], "the plain agent used HTTP_PROXY");
  assert.deepEqual(own.seen.map((r) => r.url), [target], "the agent's proxy, not HTTP_PROXY");

  // NO_PROXY still exempts its hosts, from HTTP_PROXY and (as with curl) an agent's proxy too
  await child(script, { ...unset, HTTP_PROXY: envProxy.url(), NO_PROXY: "127.0.0.1" });
  assert.equal(envProxy.seen.length, 1, "NO_PROXY: the plain agent went direct");
  assert.equal(own.seen.length, 1, "NO_PROXY: the agent with a proxy went direct too");
  assert.equal(openai.count(), 4);
});

Deno.test("proxy: a blockchain run through a proxy writes its password nowhere", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-proxy-run-" });
  await using openai = startOpenAIServer(() => ({
    reply: JSON.stringify({ thought: "build", action: [0.8, 0.2, 0] }),
  }));
  await using proxy = startForwardProxy(BASIC);
  const agents = join(dir, "agents.json");
  await Deno.writeTextFile(
    agents,
    JSON.stringify({
      agents: [
        {
          name: "A-gpt",
          provider: "openai",
          model: "gpt-4o-mini",
          base_url: openai.baseURL,
          api_key: "sk-test-proxyrun-0001",
          proxy: proxy.url(PROXY_CREDENTIALS),
        },
        { name: "B-greedy", provider: "policy", policy: "greedy" },
        { name: "C-honest", provider: "policy", policy: "honest" },
      ],
    }),
  );
  const out = join(dir, "run");
  const reports = join(dir, "reports");
  const r = await runCli([
    "blockchain",
    "--agents",
    agents,
    "--rounds",
    "4",
    "--out",
    out,
    "--reports",
    reports,
  ]);
  assert.equal(r.code, 0, r.err);
  assert.ok(proxy.seen.length >= 4, `proxied ${proxy.seen.length} calls`);
  assert.ok(proxy.seen.every((s) => s.auth === `Basic ${BASIC}`));
  assert.equal(openai.count(), proxy.seen.length, "every call of the LLM seat went via the proxy");
  const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.equal(config.agents[0].proxy, `http://<redacted>@127.0.0.1:${proxy.port}`);
  const forbidden = [PASSWORD, encodeURIComponent(PASSWORD), BASIC, "pr0xy"];
  const files = [...await listFiles(out), ...await listFiles(reports)];
  assert.ok(files.length > 5, files.join(", "));
  for (const f of files) {
    const text = new TextDecoder().decode(await Deno.readFile(f));
    for (const s of forbidden) assert.ok(!text.includes(s), `${s} in ${f}`);
  }
  for (const s of forbidden) assert.ok(!`${r.out}\n${r.err}`.includes(s), `${s} on the terminal`);
});
