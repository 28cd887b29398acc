import { describe, expect, it } from "vitest";
import { workers } from "../support/api";
import { CALLERS, callerName, operationCells, operations } from "../support/operation-cells";

/**
 * Every operation × every kind of caller, generated from the contract: each operation's `x-access`
 * (written by the same `guarded`/`publicAccess` call that enforces it) gives the expected status of
 * each cell. A new operation without a fixture (../support/operation-cells.ts) fails this suite, so it
 * cannot go unchecked. Operations that are MCP tools are also called as their tool, by the same callers.
 */
const { fixtures, runCell, runToolCell } = operationCells(workers);

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

  // The MCP column: each operation's tool, called by the same caller with the same values, has the same outcome.
  describe.each(operations.filter((entry) => entry.operation["x-mcp"]))("MCP tool of $method $path", (entry) => {
    it.each(CALLERS.map((caller) => ({ caller, name: callerName(caller) })))("$name", async ({ caller }) => {
      const { outcome, expected } = await runToolCell(entry, caller);
      expect(outcome).toBe(expected >= 200 && expected < 300 ? "success" : expected);
    });
  });
});
