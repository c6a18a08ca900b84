/**
 * The agents file (`--agents agents.json`): which agent plays which seat, and with what.
 *
 * ```json
 * { "agents": [
 *   { "name": "miner_a", "provider": "openai", "model": "gpt-4o-mini", "api_key_env": "OPENAI_API_KEY" },
 *   { "name": "miner_b", "provider": "anthropic", "model": "claude-sonnet-4-5", "temperature": 0.7 },
 *   { "name": "miner_c", "provider": "openai", "model": "qwen2.5:7b", "base_url": "http://localhost:11434/v1" },
 *   { "name": "miner_d", "provider": "policy", "policy": "greedy" }
 * ] }
 * ```
 *
 * A literal `api_key` is accepted but never written anywhere: {@linkcode redactAgents}
 * replaces it by `<redacted>` before a config is saved.
 *
 * @example
 * ```ts
 * import { parseAgentsFile } from "./agents_file.ts";
 * const file = parseAgentsFile({ agents: [{ name: "a", provider: "policy", policy: "honest" }] }, "agents.json");
 * console.log(file.agents[0].policy); // "honest"
 * ```
 * @module
 */
import { z } from "zod";
import { ConfigError, parseWith, readJsonFile } from "../core/config.ts";

/** The text that replaces secrets in every file a run writes. */
export const REDACTED = "<redacted>";

/** One entry of the agents file. */
export const AgentSpecSchema = z.object({
  name: z.string().min(1, "must not be empty").max(64),
  provider: z.enum(["openai", "anthropic", "policy"]),
  model: z.string().min(1).optional(),
  policy: z.string().min(1).optional(),
  base_url: z.url().optional(),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
    .max(64, "must be an environment variable name, not a key")
    .refine(
      (v) => !/^(sk|key|pk)[-_]/i.test(v),
      "must name an environment variable, not hold the key",
    )
    .optional(),
  api_key: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  timeout_ms: z.number().int().positive().optional(),
  requests_per_minute: z.number().positive().optional(),
  tokens_per_minute: z.number().positive().optional(),
  concurrency: z.number().int().positive().optional(),
  max_attempts: z.number().int().min(1).max(20).optional(),
}).strict().superRefine((a, ctx) => {
  if (a.provider === "policy" && !a.policy) {
    ctx.addIssue({
      code: "custom",
      path: ["policy"],
      message: "required when provider is 'policy'",
    });
  }
  if (a.provider !== "policy" && !a.model) {
    ctx.addIssue({
      code: "custom",
      path: ["model"],
      message: `required when provider is '${a.provider}'`,
    });
  }
});
export type AgentSpec = z.infer<typeof AgentSpecSchema>;

/** The whole file. */
export const AgentsFileSchema = z.object({
  agents: z.array(AgentSpecSchema).min(1, "must list at least one agent"),
}).strict().superRefine((f, ctx) => {
  const seen = new Set<string>();
  f.agents.forEach((a, i) => {
    if (seen.has(a.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["agents", i, "name"],
        message: `duplicate agent name '${a.name}'`,
      });
    }
    seen.add(a.name);
  });
});
export type AgentsFile = z.infer<typeof AgentsFileSchema>;

/** Validates an agents file's content; errors name the source and field. */
export function parseAgentsFile(input: unknown, source: string): AgentsFile {
  return parseWith(AgentsFileSchema, input, source);
}

/** Reads and validates an agents file. */
export async function loadAgentsFile(path: string): Promise<AgentsFile> {
  return parseAgentsFile(await readJsonFile(path), path);
}

/** `base_url` without credentials (`https://user:pass@host` -> `https://<redacted>@host`). */
function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
}

/**
 * A copy of the specs safe to write: literal keys replaced by {@linkcode REDACTED}, and
 * credentials inside `base_url` too.
 */
export function redactAgents(agents: readonly AgentSpec[]): AgentSpec[] {
  return agents.map((a) => ({
    ...a,
    ...(a.api_key === undefined ? {} : { api_key: REDACTED }),
    ...(a.base_url === undefined ? {} : { base_url: redactUrl(a.base_url) }),
  }));
}

/** The API key of an LLM agent: the literal key, else the named variable, else the provider's. */
export function resolveApiKey(
  spec: AgentSpec,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string | undefined {
  if (spec.api_key !== undefined && spec.api_key !== REDACTED) return spec.api_key;
  if (spec.api_key === REDACTED) {
    throw new ConfigError(
      `agents '${spec.name}': the literal api_key was not saved; pass --agents again or use api_key_env`,
    );
  }
  const name = spec.api_key_env ??
    (spec.provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
  return env(name);
}
