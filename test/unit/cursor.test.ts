import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../src/http/cursor";

describe("keyset cursors", () => {
  it("round-trip the position of the last row", () => {
    const position = { at: new Date("2026-11-25T10:00:00.123Z"), id: "cmabc123" };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ["not base64url", "%%%"],
    ["not JSON", btoa("hello")],
    ["wrong shape", btoa(JSON.stringify({ a: 1 }))],
    ["invalid date", btoa(JSON.stringify(["yesterday", "cmabc"]))],
    ["empty id", btoa(JSON.stringify(["2026-11-25T10:00:00.000Z", ""]))],
  ])("reject a cursor that is %s", (_why, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
