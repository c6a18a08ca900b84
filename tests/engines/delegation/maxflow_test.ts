import assert from "node:assert/strict";
import {
  generateMaxFlowTask,
  maxFlow,
  parseMaxFlowAnswer,
  scoreMaxFlow,
  scoreMaxFlowReply,
} from "../../../lib/engines/delegation/maxflow.ts";

Deno.test("max flow on hand-checked graphs", () => {
  // CLRS figure 26.1: max flow 23
  const clrs: [number, number, number][] = [
    [0, 1, 16],
    [0, 2, 13],
    [1, 3, 12],
    [2, 1, 4],
    [2, 4, 14],
    [3, 2, 9],
    [3, 5, 20],
    [4, 3, 7],
    [4, 5, 4],
  ];
  assert.equal(maxFlow(6, clrs, 0, 5), 23);
  // diamond with a cross edge: cut {0->1 (3), 0->2 (2)} = 5
  assert.equal(maxFlow(4, [[0, 1, 3], [0, 2, 2], [1, 3, 2], [2, 3, 3], [1, 2, 5]], 0, 3), 5);
  // a path's flow is its bottleneck; parallel edges add up
  assert.equal(maxFlow(3, [[0, 1, 4], [1, 2, 1], [1, 2, 2]], 0, 2), 3);
  // no path, self loop, source = sink
  assert.equal(maxFlow(3, [[0, 1, 4], [2, 2, 9]], 0, 2), 0);
  assert.equal(maxFlow(2, [[0, 1, 4]], 1, 1), 0);
  assert.throws(() => maxFlow(2, [[0, 5, 1]], 0, 1), RangeError);
});

Deno.test("generated tasks: deterministic, solvable, described in text", () => {
  const a = generateMaxFlowTask(3), b = generateMaxFlowTask(3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(generateMaxFlowTask(4).edges, a.edges);
  for (let seed = 0; seed < 50; seed++) {
    const t = generateMaxFlowTask(seed, { minNodes: 4, maxNodes: 8 });
    assert.ok(t.nodes >= 4 && t.nodes <= 8);
    assert.ok(t.answer > 0, "a path from source to sink is always added");
    assert.equal(t.answer, maxFlow(t.nodes, t.edges, t.source, t.sink));
    for (const [u, v, c] of t.edges) {
      assert.ok(t.prompt.includes(`an edge from node ${u} to node ${v} with capacity ${c}`));
    }
    assert.ok(t.prompt.includes(`maximum flow from node 0 to node ${t.nodes - 1}?`));
  }
  assert.throws(() => generateMaxFlowTask(1, { minNodes: 1 }), RangeError);
});

Deno.test("answer parser: phrases, JSON, markdown, full-width digits, fallback", () => {
  const cases: [string, number | null][] = [
    ["The maximum flow is 17.", 17],
    [
      "Augmenting 0->1->3 adds 5, 0->2->3 adds 4. Therefore the maximum flow from node 0 to node 3 is 9.",
      9,
    ],
    ['{"max_flow": 12}', 12],
    ['Here you go:\n{"answer": "8"}', 8],
    ["Max flow = 21", 21],
    ["Answer: **14**", 14],
    ["The result is \\boxed{6}", 6],
    ["最大流是 １５", 15],
    ["I think 3, no wait, 4", 4],
    ["The total is 1,250", 1250],
    ["I cannot tell.", null],
  ];
  for (const [text, want] of cases) assert.equal(parseMaxFlowAnswer(text), want, text);
});

Deno.test("scoring: exact 1, within 10% 0.5, else 0", () => {
  assert.equal(scoreMaxFlow(20, 20), 1);
  assert.equal(scoreMaxFlow(22, 20), 0.5);
  assert.equal(scoreMaxFlow(18, 20), 0.5);
  assert.equal(scoreMaxFlow(17, 20), 0);
  assert.equal(scoreMaxFlow(null, 20), 0);
  assert.equal(scoreMaxFlow(1, 0), 0);
  assert.equal(scoreMaxFlow(0, 0), 1);
  assert.equal(scoreMaxFlowReply("The maximum flow is 10", { answer: 10 }), 1);
});
