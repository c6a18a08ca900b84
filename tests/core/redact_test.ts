/**
 * The redaction of secrets in URLs: credentials, and the values of secret-named query
 * parameters, in `redactUrl`, in every text (`redactSecrets`) and in the agents written to
 * a run's `config.json` (`redactAgents`).
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../lib/core/config.ts";
import { redactSecrets, redactUrl } from "../../lib/core/redact.ts";
import { parseAgentsFile, redactAgents, resolveApiKey } from "../../lib/llm/agents_file.ts";

const SECRET = "abcd1234SECRET";

Deno.test("redact: values of secret-named query parameters", () => {
  const names = [
    "api_key",
    "api-key",
    "apikey",
    "API_KEY",
    "key",
    "x-api-key",
    "subscription-key",
    "token",
    "access_token",
    "id_token",
    "sig",
    "signature",
    "X-Amz-Signature",
    "password",
    "passwd",
    "secret",
    "client_secret",
    "auth",
    "accessToken",
    "apiToken",
    "apiKey",
    "sessionKey",
    "Ocp-Apim-Subscription-Key",
  ];
  for (const name of names) {
    for (const query of [`?${name}=${SECRET}`, `?v=1&${name}=${SECRET}`]) {
      const url = `https://h.example/v1${query}&other=2`;
      const out = redactUrl(url);
      assert.ok(!out.includes(SECRET), `${name}: ${out}`);
      assert.ok(out.includes(`${name}=<redacted>&other=2`), `${name}: ${out}`);
      assert.ok(!redactSecrets(`GET ${url} failed`).includes(SECRET), `${name} in text`);
    }
  }
  // a fragment and a `;` separator too
  assert.equal(
    redactUrl("https://h/cb#access_token=xyz9&state=1"),
    "https://h/cb#access_token=<redacted>&state=1",
  );
  assert.equal(redactUrl("http://h/v1?key=k1;sig=s2"), "http://h/v1?key=<redacted>;sig=<redacted>");
});

Deno.test("redact: parameters without a secret word stay", () => {
  const url = "http://h/v1?api-version=2024-06-01&model=gpt&v=1&deployment=x";
  assert.equal(redactUrl(url), url);
  assert.equal(redactSecrets(url), url);
  assert.equal(redactUrl("http://h/v1"), "http://h/v1");
  // idempotent
  const once = redactUrl(`http://h/v1?api_key=${SECRET}`);
  assert.equal(redactUrl(once), once);
});

Deno.test("redact: credentials and a query secret together", () => {
  assert.equal(
    redactUrl(`https://user:pass@h.example:8443/v1?api-key=${SECRET}&x=1`),
    "https://<redacted>@h.example:8443/v1?api-key=<redacted>&x=1",
  );
});

Deno.test("redact: the agents written to config.json keep no base_url secret", () => {
  const file = parseAgentsFile({
    agents: [
      { name: "a", provider: "openai", model: "m", base_url: `http://host/v1?api_key=${SECRET}` },
      { name: "b", provider: "openai", model: "m", base_url: "http://host/v1?api-version=2" },
      { name: "c", provider: "policy", policy: "grim" },
    ],
  }, "agents.json");
  const red = redactAgents(file.agents);
  assert.equal(red[0].base_url, "http://host/v1?api_key=<redacted>");
  assert.equal(red[1].base_url, "http://host/v1?api-version=2");
  assert.ok(!JSON.stringify(red).includes(SECRET));
  assert.equal(file.agents[0].base_url, `http://host/v1?api_key=${SECRET}`, "the original stays");
  // A saved spec cannot be played: its secret is gone.
  assert.throws(
    () => resolveApiKey(red[0], () => "k"),
    (e) =>
      e instanceof ConfigError &&
      e.message === "agents 'a': the secret in base_url was not saved; pass --agents again",
  );
  assert.equal(resolveApiKey(file.agents[0], () => "k"), "k");
  assert.equal(resolveApiKey(red[1], () => "k"), "k");
});
