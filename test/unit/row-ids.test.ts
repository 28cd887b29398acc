import { describe, expect, it } from "vitest";
import { newId } from "../../src/repositories/d1";

describe("newId", () => {
  it("makes ids shaped like Prisma's CUIDs: 24 lowercase letters and digits, a letter first", () => {
    for (let i = 0; i < 1000; i += 1) expect(newId()).toMatch(/^[a-z][a-z0-9]{23}$/);
  });

  it("never repeats and uses the whole alphabet in every position after the first", () => {
    const ids = Array.from({ length: 20_000 }, newId);
    expect(new Set(ids).size).toBe(ids.length);
    for (let position = 1; position < 24; position += 1) {
      expect(new Set(ids.map((id) => id[position])).size).toBe(36);
    }
    expect(new Set(ids.map((id) => id[0])).size).toBe(26);
  });
});
