/** Missing values stay null in integer columns (nodejs-polars turns them into 0 otherwise). */
import assert from "node:assert/strict";
import { typedSeries } from "../../lib/analysis/frames.ts";

Deno.test("typedSeries: a missing integer stays null, not 0", () => {
  assert.deepEqual(typedSeries("a", [3, null, undefined], "i32").toArray(), [3, null, null]);
  assert.equal(String(typedSeries("a", [3, null], "i32").dtype), "DataType(Int32)");
  assert.deepEqual(typedSeries("b", [null, 1.5], "f64").toArray(), [null, 1.5]);
  assert.deepEqual(typedSeries("c", [null, "x"], "str").toArray(), [null, "x"]);
});
