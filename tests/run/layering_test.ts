/**
 * The import rules of STYLE.md, checked by reading every import of `lib/` (type-only ones
 * too): the layers point one way (`core < llm < agents < run < analysis < charts < reports <
 * engines < cli`: a file imports its own folder or a lower one); no generic folder imports an
 * engine; engines never import each other; only `cli/registry.ts`, `cli/manifest.ts` (by
 * dynamic import) and `mod.ts` files name engines; and no file imports itself back through any chain of imports (no cycles).
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));
const GENERIC = ["core", "llm", "agents", "run", "analysis", "charts", "reports"];
/** The layers, lowest first: a file may import its own layer or a lower one. */
const LAYERS = [
  "core",
  "llm",
  "agents",
  "run",
  "analysis",
  "charts",
  "reports",
  "engines",
  "cli",
];

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

/**
 * The files that list the engines: the registry, and the CLI's manifest, which loads each
 * experiment by dynamic import (its static graph holds no engine: `tests/cli/startup_test.ts`).
 */
const NAMES_ENGINES = ["cli/registry.ts", "cli/manifest.ts"];

const folderOf = (libPath: string) => libPath.split("/")[0];
const engineOf = (libPath: string) => libPath.startsWith("engines/") ? libPath.split("/")[1] : null;

/** Every lib file (lib-relative) with its imports of lib files. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for await (const file of tsFiles(LIB)) {
    graph.set(relative(LIB, file), importsOf(await Deno.readTextFile(file), file));
  }
  return graph;
}

function violations(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [me, targets] of graph) {
    const myFolder = folderOf(me);
    const myEngine = engineOf(me);
    const isMod = me.endsWith("mod.ts");
    for (const target of targets) {
      if (target.startsWith("..")) {
        if (!target.endsWith("deno.json")) out.push(`${me} imports outside lib: ${target}`);
        continue;
      }
      const folder = folderOf(target);
      const engine = engineOf(target);
      const [mine, theirs] = [LAYERS.indexOf(myFolder), LAYERS.indexOf(folder)];
      if (mine < 0) out.push(`${me}: folder ${myFolder} is not a layer`);
      else if (theirs > mine) {
        out.push(`${me} (${myFolder}) imports ${target} (${folder}, a higher layer)`);
      }
      if (GENERIC.includes(myFolder) && engine) out.push(`${me} (generic) imports ${target}`);
      if (myEngine && engine && engine !== myEngine) {
        out.push(`${me} (engine ${myEngine}) imports ${target}`);
      }
      if (engine && !myEngine && !NAMES_ENGINES.includes(me) && !isMod) {
        out.push(`${me} names engine ${engine}: only ${NAMES_ENGINES.join(", ")} and mod.ts may`);
      }
    }
  }
  return [...new Set(out)].sort();
}

/**
 * Every import cycle of a graph, one per strongly connected component of more than one file
 * (or a file importing itself), each as a path `a -> b -> ... -> a` (Tarjan's algorithm, then
 * a shortest way back to the component's first file).
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const edges = (v: string) => (graph.get(v) ?? []).filter((w) => graph.has(w));
  // Iterative Tarjan: deep import chains never overflow the call stack.
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const out = edges(v);
      if (i < out.length) {
        frame[1]++;
        const w = out[i];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || edges(v).includes(v)) components.push(component.sort());
      }
    }
  }
  return components.map((component) => cycleThrough(component, edges));
}

/** A shortest cycle from the component's first file back to it, within the component. */
function cycleThrough(component: string[], edges: (v: string) => string[]): string[] {
  const start = component[0];
  const inside = new Set(component);
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of edges(v)) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at: string | undefined = v; at !== start && at; at = from.get(at)) {
          path.splice(1, 0, at);
        }
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

Deno.test("layering: the import rules of STYLE.md hold in lib/", async () => {
  assert.deepEqual(violations(await importGraph()), []);
});

Deno.test("layering: no import cycle among lib files (type-only imports included)", async () => {
  const cycles = importCycles(await importGraph()).map((c) => c.join(" -> "));
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join("\n")}`);
});

Deno.test("layering: the cycle finder finds each cycle once and prints its path", () => {
  const graph = new Map<string, string[]>([
    ["a", ["b"]],
    ["b", ["c", "x"]],
    ["c", ["a"]], // a -> b -> c -> a
    ["d", ["d"]], // a file importing itself
    ["e", ["f"]],
    ["f", ["g"]], // no cycle: e -> f -> g
    ["g", []],
    ["x", ["y"]],
    ["y", ["x", "g"]], // x <-> y, reached from the first cycle but not part of it
  ]);
  assert.deepEqual(
    importCycles(graph).map((c) => c.join(" -> ")).sort(),
    ["a -> b -> c -> a", "d -> d", "x -> y -> x"],
  );
  assert.deepEqual(importCycles(new Map([["a", ["b"]], ["b", []]])), []);
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

Deno.test("layering: a higher layer imported from a lower one is a violation", () => {
  const graph = new Map<string, string[]>([
    ["run/x.ts", ["reports/y.ts", "core/z.ts"]],
    ["core/z.ts", []],
    ["reports/y.ts", ["run/x.ts"]],
  ]);
  assert.deepEqual(violations(graph), [
    "run/x.ts (run) imports reports/y.ts (reports, a higher layer)",
  ]);
});
