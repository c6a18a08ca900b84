/**
 * The import rules of STYLE.md, checked by reading every import of `lib/`: `core` imports no
 * other lib folder; no generic folder imports an engine; engines never import each other;
 * only `cli/registry.ts` and `mod.ts` files name engines.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));
const GENERIC = ["core", "llm", "agents", "run", "analysis", "charts", "reports"];

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* tsFiles(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

/** The relative imports of a file (static, dynamic and type-only), as lib-relative paths. */
export function importsOf(source: string, file: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specs = [
    ...code.matchAll(/\bfrom\s+["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
    ...code.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
  ].map((m) => m[1]).filter((s) => s.startsWith("."));
  return specs.map((s) => relative(LIB, normalize(join(dirname(file), s))));
}

const folderOf = (libPath: string) => libPath.split("/")[0];
const engineOf = (libPath: string) => libPath.startsWith("engines/") ? libPath.split("/")[1] : null;

async function violations(): Promise<string[]> {
  const out: string[] = [];
  for await (const file of tsFiles(LIB)) {
    const me = relative(LIB, file);
    const myFolder = folderOf(me);
    const myEngine = engineOf(me);
    const isMod = me.endsWith("mod.ts");
    for (const target of importsOf(await Deno.readTextFile(file), file)) {
      if (target.startsWith("..")) {
        if (!target.endsWith("deno.json")) out.push(`${me} imports outside lib: ${target}`);
        continue;
      }
      const folder = folderOf(target);
      const engine = engineOf(target);
      if (myFolder === "core" && folder !== "core") out.push(`${me} (core) imports ${target}`);
      if (GENERIC.includes(myFolder) && engine) out.push(`${me} (generic) imports ${target}`);
      if (myEngine && engine && engine !== myEngine) {
        out.push(`${me} (engine ${myEngine}) imports ${target}`);
      }
      if (myEngine && ["cli"].includes(folder)) out.push(`${me} (engine) imports ${target}`);
      if (engine && !myEngine && me !== "cli/registry.ts" && !isMod) {
        out.push(`${me} names engine ${engine}: only cli/registry.ts and mod.ts may`);
      }
    }
  }
  return out.sort();
}

Deno.test("layering: the import rules of STYLE.md hold in lib/", async () => {
  assert.deepEqual(await violations(), []);
});

Deno.test("layering: the checker sees every import form", () => {
  const file = join(LIB, "core", "x.ts");
  const src = [
    `import { a } from "../engines/ipd/engine.ts";`,
    `import type { B } from "./game.ts";`,
    `// import { c } from "../llm/openai.ts";`,
    `const m = await import("../run/open.ts");`,
    `export * from "../agents/agent.ts";`,
  ].join("\n");
  assert.deepEqual(importsOf(src, file), [
    "engines/ipd/engine.ts",
    "core/game.ts",
    "agents/agent.ts",
    "run/open.ts",
  ]);
});
