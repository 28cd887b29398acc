import { describe, expect, it } from "vitest";
import { workers } from "../support/api";
import { CALLERS, callerName, operationCells, operations } from "../support/operation-cells";

/**
 * Every operation × every kind of caller, generated from the contract: each operation's `x-access`
 * (written by the same `guarded`/`publicAccess` call that enforces it) gives the expected status of
 * each cell. A new operation without a fixture (../support/operation-cells.ts) fails this suite, so it
 * cannot go unchecked.
 */
const { fixtures, runCell } = operationCells(workers);

describe("access matrix", () => {
  it("has a fixture for every operation in the contract", () => {
    const missing = operations.map(({ operation }) => operation.operationId).filter((id) => !(id in fixtures));
    expect(missing, "add a fixture for each new operation").toEqual([]);
  });

  describe.each(operations)("$method $path", (entry) => {
    it.each(CALLERS.map((caller) => ({ caller, name: callerName(caller) })))("$name", async ({ caller }) => {
      const { response, expected } = await runCell(entry, caller);
      expect(response.status).toBe(expected);
    });
  });
});
