import { describe, expect, it } from "vitest";
import { workers } from "../support/api";
import { problemOf } from "../support/conversations";
import { admits, CALLERS, operationCells, operations } from "../support/operation-cells";

/**
 * The fuzz suite's body cases, for every operation that takes a body: no body and no `Content-Type` (what
 * `curl -X POST URL` and `fetch(url, { method })` send), an empty body sent as JSON, and a body in each common
 * media type the operation does not declare. Each request is the operation's access-matrix cell (real fixtures,
 * a caller it admits) with only the body replaced, so it reaches the operation's validation; every answer is
 * checked against the contract by the harness, and must be the problem named here — never a 500, never a
 * success made from a body nobody sent. (Operations without a body ignore one; the matrix sends them none.)
 */
const { runCell } = operationCells(workers);

const MEDIA_TYPES = [
  "application/json",
  "application/merge-patch+json",
  "application/problem+json",
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/octet-stream",
];

const declares = (declared: string[], contentType: string) => {
  const type = contentType.split(";")[0] ?? "";
  return declared.some((d) => d === "*/*" || d === type || (d.endsWith("/*") && type.startsWith(d.slice(0, -1))));
};

interface BodyCase {
  name: string;
  body?: string;
  contentType?: string;
  status: number;
  type: string;
}

/** What each operation with a body must answer to each odd body. */
const casesOf = (declared: string[]): BodyCase[] => {
  const json = declared.find((type) => type.endsWith("json"));
  const empty = { name: "an empty body sent as JSON", body: "", contentType: json ?? "application/json" };
  return [
    // A raw upload (`*/*`) wants the file's own type as Content-Type; everything else names its types.
    { name: "no body and no Content-Type", status: 415, type: "unsupported-media-type" },
    json
      ? { ...empty, status: 400, type: "malformed-request" }
      : declared.includes("*/*")
        ? { ...empty, status: 400, type: "validation-error" } // an empty file
        : { ...empty, status: 415, type: "unsupported-media-type" },
    ...MEDIA_TYPES.filter((type) => !declares(declared, type)).map((contentType) => ({
      name: `a body sent as ${contentType}`,
      body: "{}",
      contentType,
      status: 415,
      type: "unsupported-media-type",
    })),
  ];
};

const withBodies = operations.flatMap((entry) => {
  const content = entry.operation.requestBody?.content;
  if (!content) return [];
  // A caller the operation admits, so the request gets past access to the body's checks.
  const caller = CALLERS.find((candidate) => admits(entry.operation, candidate));
  return casesOf(Object.keys(content)).map((bodyCase) => ({ entry, caller, ...bodyCase }));
});

describe("fuzzing request bodies", () => {
  it("covers every operation that takes a body", () => {
    const covered = new Set(withBodies.map(({ entry }) => entry.operation.operationId));
    const expected = operations
      .filter(({ operation }) => operation.requestBody)
      .map(({ operation }) => operation.operationId);
    expect([...covered].sort()).toEqual(expected.sort());
    expect(withBodies.every(({ caller }) => caller !== undefined)).toBe(true);
  });

  it.each(withBodies.map((row) => ({ ...row, label: `${row.entry.method} ${row.entry.path}` })))(
    "$label: $name → $status $type",
    async ({ entry, caller, body, contentType, status, type }) => {
      if (!caller) throw new Error("no caller is admitted");
      const { response } = await runCell(entry, caller, { body, contentType });
      expect(response.status).toBe(status);
      expect((await problemOf(response)).type).toContain(type);
    },
  );
});
