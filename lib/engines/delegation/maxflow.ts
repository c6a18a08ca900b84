/**
 * The max-flow task suite (for live mode): seeded random directed capacitated graphs
 * described in text (in the style of NLGraph's max-flow tasks), the prompt, an exact
 * solver (Edmonds-Karp), a robust answer parser and an evaluator.
 *
 * Scoring: 1 for the exact maximum flow; 0.5 when the answer is within 10% of it (relative,
 * `|answer - flow| <= 0.1 * flow`, only when the flow is > 0); 0 otherwise or when no number
 * can be read.
 *
 * @example
 * ```ts
 * import { generateMaxFlowTask, scoreMaxFlowReply } from "./maxflow.ts";
 * const task = generateMaxFlowTask(7);
 * console.log(scoreMaxFlowReply(`The maximum flow is ${task.answer}.`, task)); // 1
 * ```
 * @module
 */
import { Rng } from "../../core/rng.ts";

/** A directed edge `[from, to, capacity]`. */
export type FlowEdge = [from: number, to: number, capacity: number];

/** One generated task. */
export interface MaxFlowTask {
  /** The generator seed. */
  seed: number;
  /** Nodes are numbered `0..nodes-1`. */
  nodes: number;
  /** The directed edges with their capacities. */
  edges: FlowEdge[];
  /** The source node. */
  source: number;
  /** The sink node. */
  sink: number;
  /** The graph and question in text. */
  prompt: string;
  /** The exact maximum flow. */
  answer: number;
}

/** Options of {@linkcode generateMaxFlowTask}. */
export interface MaxFlowOptions {
  /** Fewest nodes. @default 5 */
  minNodes?: number;
  /** Most nodes. @default 10 */
  maxNodes?: number;
  /** Probability of each ordered pair being an edge. @default 0.35 */
  edgeProbability?: number;
  /** Capacities are integers in `[1, maxCapacity]`. @default 10 */
  maxCapacity?: number;
}

/**
 * The maximum flow from `source` to `sink` (Edmonds-Karp: shortest augmenting paths by
 * BFS). Parallel edges add up; self-loops are ignored.
 *
 * @param nodes Number of nodes.
 * @param edges Directed capacitated edges.
 * @param source The source node.
 * @param sink The sink node.
 * @returns The value of a maximum flow (0 when `source === sink` or no path exists).
 *
 * @example
 * ```ts
 * import { maxFlow } from "./maxflow.ts";
 * console.log(maxFlow(4, [[0, 1, 3], [0, 2, 2], [1, 3, 2], [2, 3, 3], [1, 2, 5]], 0, 3)); // 5
 * ```
 */
export function maxFlow(
  nodes: number,
  edges: readonly FlowEdge[],
  source: number,
  sink: number,
): number {
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new RangeError(`Cannot solve max flow: 'nodes' must be a positive integer, got ${nodes}`);
  }
  for (const [u, v, c] of edges) {
    if (!(u >= 0 && u < nodes && v >= 0 && v < nodes) || !(c >= 0) || !Number.isFinite(c)) {
      throw new RangeError(`Cannot solve max flow: bad edge [${u}, ${v}, ${c}]`);
    }
  }
  if (source === sink) return 0;
  const cap = Array.from({ length: nodes }, () => new Float64Array(nodes));
  for (const [u, v, c] of edges) if (u !== v) cap[u][v] += c;
  let flow = 0;
  const parent = new Int32Array(nodes);
  for (;;) {
    parent.fill(-1);
    parent[source] = source;
    const queue = [source];
    for (let h = 0; h < queue.length && parent[sink] < 0; h++) {
      const u = queue[h];
      for (let v = 0; v < nodes; v++) {
        if (parent[v] < 0 && cap[u][v] > 0) {
          parent[v] = u;
          queue.push(v);
        }
      }
    }
    if (parent[sink] < 0) return flow;
    let push = Infinity;
    for (let v = sink; v !== source; v = parent[v]) push = Math.min(push, cap[parent[v]][v]);
    for (let v = sink; v !== source; v = parent[v]) {
      cap[parent[v]][v] -= push;
      cap[v][parent[v]] += push;
    }
    flow += push;
  }
}

/** The text of a graph and the question, NLGraph style. */
export function maxFlowPrompt(
  nodes: number,
  edges: readonly FlowEdge[],
  source: number,
  sink: number,
): string {
  const list = edges.map(([u, v, c]) => `an edge from node ${u} to node ${v} with capacity ${c}`);
  return `In a directed graph, the nodes are numbered from 0 to ${
    nodes - 1
  }, and the edges are:\n` +
    `${list.join(",\n")}.\n` +
    `Q: What is the maximum flow from node ${source} to node ${sink}?\n` +
    `Answer with the number, e.g. "The maximum flow is 7."`;
}

/**
 * A seeded random max-flow task: a random number of nodes, each ordered pair an edge with
 * the given probability (integer capacities), source node 0 and sink the last node. A
 * path 0 -> ... -> sink is always added so the answer is positive.
 *
 * @param seed The task's seed (same seed, same task).
 * @param options Sizes and capacities.
 * @returns The task with its exact answer.
 */
export function generateMaxFlowTask(seed: number, options: MaxFlowOptions = {}): MaxFlowTask {
  const { minNodes = 5, maxNodes = 10, edgeProbability = 0.35, maxCapacity = 10 } = options;
  if (
    !Number.isInteger(minNodes) || minNodes < 2 || !Number.isInteger(maxNodes) ||
    maxNodes < minNodes
  ) {
    throw new RangeError(
      `Cannot generate max-flow task: need integers 2 <= minNodes <= maxNodes, got ${minNodes}..${maxNodes}`,
    );
  }
  if (!(edgeProbability >= 0 && edgeProbability <= 1)) {
    throw new RangeError(
      `Cannot generate max-flow task: 'edgeProbability' must be in [0, 1], got ${edgeProbability}`,
    );
  }
  if (!Number.isInteger(maxCapacity) || maxCapacity < 1) {
    throw new RangeError(
      `Cannot generate max-flow task: 'maxCapacity' must be a positive integer, got ${maxCapacity}`,
    );
  }
  const rng = new Rng(seed).derive("maxflow");
  const nodes = rng.int(minNodes, maxNodes);
  const source = 0, sink = nodes - 1;
  const has = new Set<string>();
  const edges: FlowEdge[] = [];
  const add = (u: number, v: number) => {
    if (u === v || v === source || u === sink || has.has(`${u},${v}`)) return;
    has.add(`${u},${v}`);
    edges.push([u, v, rng.int(1, maxCapacity)]);
  };
  // a guaranteed path through a random subset of the middle nodes
  const middle = rng.shuffle(Array.from({ length: nodes - 2 }, (_, i) => i + 1));
  const path = [source, ...middle.slice(0, rng.int(0, middle.length)), sink];
  for (let i = 0; i + 1 < path.length; i++) add(path[i], path[i + 1]);
  for (let u = 0; u < nodes; u++) {
    for (let v = 0; v < nodes; v++) if (rng.chance(edgeProbability)) add(u, v);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return {
    seed,
    nodes,
    edges,
    source,
    sink,
    prompt: maxFlowPrompt(nodes, edges, source, sink),
    answer: maxFlow(nodes, edges, source, sink),
  };
}

const NUMBER = String.raw`(-?\d+(?:\.\d+)?)`;

/**
 * Reads the maximum flow a model answered, or `null`. Accepts JSON (`{"max_flow": 17}`,
 * `{"answer": "17"}`), phrases ("The maximum flow is 17", "max flow = 17", "answer: 17",
 * "**17**"), full-width digits, and otherwise the last number in the reply.
 *
 * @example
 * ```ts
 * import { parseMaxFlowAnswer } from "./maxflow.ts";
 * console.log(parseMaxFlowAnswer("Paths: 0->1->3 (2). So the maximum flow is 17.")); // 17
 * console.log(parseMaxFlowAnswer('Result: {"max_flow": 9}')); // 9
 * ```
 */
export function parseMaxFlowAnswer(reply: string): number | null {
  const text = reply
    .replace(/[\uff10-\uff19]/g, (d) => String(d.charCodeAt(0) - 0xff10))
    .replace(/(\d),(\d{3})\b/g, "$1$2");
  const json = text.match(/\{[^{}]*\}/g) ?? [];
  for (const block of json.reverse()) {
    try {
      const o = JSON.parse(block) as Record<string, unknown>;
      for (const k of ["max_flow", "maximum_flow", "maxFlow", "answer", "flow", "value"]) {
        const v = typeof o[k] === "string" ? Number(o[k]) : o[k];
        if (typeof v === "number" && Number.isFinite(v)) return v;
      }
    } catch { /* not JSON */ }
  }
  const patterns = [
    new RegExp(
      String.raw`max(?:imum)?[\s_-]*flow[^0-9\n]{0,60}?(?:is|=|:|of)\s*\**\s*${NUMBER}`,
      "gi",
    ),
    new RegExp(String.raw`answer\s*(?:is|=|:)\s*\**\s*${NUMBER}`, "gi"),
    new RegExp(String.raw`\*\*\s*${NUMBER}\s*\*\*`, "g"),
    new RegExp(String.raw`\\boxed\{\s*${NUMBER}\s*\}`, "g"),
  ];
  for (const re of patterns) {
    const all = [...text.matchAll(re)];
    if (all.length) return Number(all[all.length - 1][1]);
  }
  const nums = text.match(/-?\d+(?:\.\d+)?/g);
  return nums ? Number(nums[nums.length - 1]) : null;
}

/**
 * Scores an answer against the exact flow: 1 exact, 0.5 within 10% (flow > 0), else 0.
 *
 * @example
 * ```ts
 * import { scoreMaxFlow } from "./maxflow.ts";
 * console.log(scoreMaxFlow(20, 20), scoreMaxFlow(19, 20), scoreMaxFlow(15, 20), scoreMaxFlow(null, 20)); // 1 0.5 0 0
 * ```
 */
export function scoreMaxFlow(answer: number | null, flow: number): number {
  if (answer === null || !Number.isFinite(answer)) return 0;
  if (answer === flow) return 1;
  if (flow > 0 && Math.abs(answer - flow) <= 0.1 * flow) return 0.5;
  return 0;
}

/** Parses a model's reply and scores it against the task. */
export function scoreMaxFlowReply(reply: string, task: Pick<MaxFlowTask, "answer">): number {
  return scoreMaxFlow(parseMaxFlowAnswer(reply), task.answer);
}
