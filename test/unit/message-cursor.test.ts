import { describe, expect, it } from "vitest";
import { decodeMessageCursor, encodeMessageCursor, nextRange } from "../../src/routes/messages/message-cursor";

describe("message cursors", () => {
  it.each([
    { order: "asc" as const },
    { order: "desc" as const, afterSeq: 3, beforeSeq: 90 },
    { order: "asc" as const, beforeSeq: 0 },
  ])("round-trip %j", (range) => {
    expect(decodeMessageCursor(encodeMessageCursor(range))).toEqual(range);
  });

  it("continue after the last message listed, keeping the other bound", () => {
    expect(nextRange({ order: "asc", beforeSeq: 50 }, 20)).toEqual({ order: "asc", afterSeq: 20, beforeSeq: 50 });
    expect(nextRange({ order: "desc", afterSeq: 5 }, 20)).toEqual({ order: "desc", afterSeq: 5, beforeSeq: 20 });
  });

  it.each([
    ["not base64url", "%%%"],
    ["not an object", btoa("[1]")],
    ["an unknown order", btoa(JSON.stringify({ o: "up" }))],
    ["a negative position", btoa(JSON.stringify({ o: "asc", a: -1 }))],
    ["a fractional position", btoa(JSON.stringify({ o: "asc", b: 1.5 }))],
  ])("refuse %s", (_why, cursor) => {
    expect(decodeMessageCursor(cursor)).toBeNull();
  });
});
