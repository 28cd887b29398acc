import { describe, expect, it } from "vitest";
import { http } from "../support/api";

/** The `db` metric of a Server-Timing header: milliseconds and statements. */
const dbTiming = (response: Response) => {
  const header = response.headers.get("Server-Timing") ?? "";
  const match = /db;dur=([\d.]+);desc="D1, (\d+) statements?"/.exec(header);
  if (!match) throw new Error(`no db metric in Server-Timing: ${header}`);
  return { ms: Number(match[1]), statements: Number(match[2]), header };
};

describe("Server-Timing", () => {
  it("says how long a request waited on D1, how many statements it ran, and the total", async () => {
    const response = await http("/users?limit=5");
    expect(response.status).toBe(200);
    const db = dbTiming(response);
    // The page, at least (and the session check, unless this isolate checked it lately).
    expect(db.statements).toBeGreaterThanOrEqual(1);
    expect(db.ms).toBeGreaterThan(0);
    expect(db.header).toMatch(/total;dur=[\d.]+;desc="Total"/);
    // A guarded operation also says how long checking its credentials took.
    expect(db.header).toMatch(/auth;dur=[\d.]+;desc="Credentials"/);
    expect((await http("/health/live")).headers.get("Server-Timing")).not.toContain("auth;");
  });

  it("counts each request's own statements, however many run at once", async () => {
    // A first request checks the admin's session, so that each of the lists below runs its page only.
    await http("/users?limit=5");
    const [live, ...lists] = await Promise.all([
      http("/health/live"),
      ...Array.from({ length: 5 }, () => http("/users?limit=5")),
    ]);
    expect(live ? dbTiming(live).statements : undefined).toBe(0);
    // Each list its own page's statement: none counted twice, none lost to a neighbour.
    expect(lists.map((list) => dbTiming(list).statements)).toEqual(lists.map(() => 1));
  });
});
