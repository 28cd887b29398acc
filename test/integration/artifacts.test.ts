import { describe, expect, it } from "vitest";
import { type components, unwrap } from "../../sdk/src";
import { allEvents, json, newAgent, newThread, newUser, problemOf } from "../support/conversations";

type CreateArtifact = components["schemas"]["CreateArtifactRequest"];
type Artifact = components["schemas"]["Artifact"];

const AGENT_SCOPES = ["threads:read", "threads:write", "messages:write", "artifacts:write", "files:write"] as const;

const setUp = async () => {
  const owner = await newUser();
  const agent = await newAgent([...AGENT_SCOPES]);
  const thread = await newThread(owner.api);
  const base = `/threads/${thread.id}/artifacts`;
  return { owner, agent, thread, base };
};

const insight: CreateArtifact = {
  type: "INSIGHT",
  title: "Churn is down",
  summary: "Q3 churn fell to 3.2%.",
  content: {
    claim: "Churn fell from 4.1% to 3.2%.",
    confidence: 0.8,
    evidence: [
      { statement: "September cohorts retain better.", source: { kind: "url", ref: "https://example.com/q3" } },
    ],
  },
};

const EXAMPLES: CreateArtifact[] = [
  insight,
  { type: "REPORT", title: "Q3 report", content: { sections: [{ heading: "Summary", markdown: "Churn **fell**." }] } },
  {
    type: "DASHBOARD",
    title: "Retention",
    content: {
      widgets: [
        { id: "churn", kind: "metric", title: "Churn", value: 3.2, unit: "%" },
        {
          id: "trend",
          kind: "line",
          title: "Trend",
          series: [
            {
              name: "2026",
              points: [
                { x: "Jul", y: 4.1 },
                { x: "Aug", y: null },
              ],
            },
          ],
        },
      ],
    },
  },
  {
    type: "TABLE",
    title: "By month",
    content: {
      columns: [
        { key: "month", label: "Month", type: "date" },
        { key: "churn", label: "Churn %", type: "number" },
      ],
      rows: [
        { month: "2026-07-01", churn: 4.1 },
        { month: "2026-08-01", churn: null },
      ],
    },
  },
  {
    type: "CHART",
    title: "Churn",
    content: { chart_type: "bar", series: [{ name: "churn", points: [{ x: 1, y: 2 }] }] },
  },
  { type: "DOCUMENT", title: "Plan", content: { format: "markdown", body: "# Plan\n\nCall Acme." } },
];

const publish = async (http: (path: string, init?: RequestInit) => Promise<Response>, base: string, body: unknown) => {
  const response = await http(base, json("POST", body));
  expect(response.status, await response.clone().text()).toBe(201);
  return { artifact: (await response.json<{ data: Artifact }>()).data, etag: response.headers.get("ETag") ?? "" };
};

describe("artifacts: publishing", () => {
  it.each(EXAMPLES.map((body) => [body.type, body] as const))(
    "publishes a %s with its typed content",
    async (_type, body) => {
      const { agent, owner, thread, base } = await setUp();
      const { artifact, etag } = await publish(agent.http, base, body);
      expect(artifact).toMatchObject({
        ...body,
        thread_id: thread.id,
        version: 1,
        created_by: { type: "api_key", id: agent.id },
      });
      expect(etag).toBe('"1"');
      const events = await allEvents(owner.api, thread.id);
      expect(events.at(-1)).toMatchObject({ type: "artifact.created", data: artifact });
      const got = await unwrap(
        owner.api.GET("/threads/{id}/artifacts/{artifact_id}", {
          params: { path: { id: thread.id, artifact_id: artifact.id } },
        }),
      );
      expect(got).toEqual(artifact);
    },
  );

  it.each([
    [
      "an insight's confidence over 1",
      { ...insight, content: { ...insight.content, confidence: 1.5 } },
      "body.content.confidence",
    ],
    [
      "a table row with an unknown column",
      { type: "TABLE", title: "t", content: { columns: [{ key: "a", label: "A", type: "number" }], rows: [{ b: 1 }] } },
      "body.content.rows.0.b",
    ],
    [
      "two dashboard widgets with one id",
      {
        type: "DASHBOARD",
        title: "d",
        content: {
          widgets: [
            { id: "w", kind: "metric", title: "1" },
            { id: "w", kind: "metric", title: "2" },
          ],
        },
      },
      "body.content.widgets.1.id",
    ],
    [
      "content of another type",
      { type: "REPORT", title: "r", content: { format: "markdown", body: "x" } },
      "body.content.format",
    ],
    [
      "content over 256 KiB",
      { type: "DOCUMENT", title: "big", content: { format: "text", body: "x".repeat(199_000) + "é".repeat(32_000) } },
      "body.content",
    ],
  ])("refuses %s, naming the field", async (_what, body, path) => {
    const { agent, base } = await setUp();
    const response = await agent.http(base, json("POST", body));
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.path)).toContain(path);
  });

  it("lets users publish in their own threads, and refuses read-only users and keys without artifacts:write", async () => {
    const { owner, base } = await setUp();
    expect((await owner.http(base, json("POST", insight))).status).toBe(201);
    const viewer = await newUser("VIEWER");
    const agent = await newAgent(["threads:read", "threads:write"]);
    const viewersThread = await newThread(agent.api, { owner_id: viewer.id });
    expect((await viewer.http(`/threads/${viewersThread.id}/artifacts`, json("POST", insight))).status).toBe(403);
    expect((await agent.http(`/threads/${viewersThread.id}/artifacts`, json("POST", insight))).status).toBe(403);
  });

  it("answers 404 to another user, and 409 in an archived thread", async () => {
    const { owner, agent, thread, base } = await setUp();
    const { artifact } = await publish(agent.http, base, insight);
    const stranger = await newUser();
    expect((await stranger.http(`${base}/${artifact.id}`)).status).toBe(404);
    await unwrap(
      owner.api.PATCH("/threads/{id}", { params: { path: { id: thread.id } }, body: { status: "ARCHIVED" } }),
    );
    expect((await agent.http(base, json("POST", insight))).status).toBe(409);
  });

  it("refuses a source message of another thread", async () => {
    const { agent, owner, base } = await setUp();
    const elsewhere = await newThread(owner.api, { messages: [{ text: "elsewhere" }] });
    const [message] = await unwrap(owner.api.GET("/threads/{id}/messages", { params: { path: { id: elsewhere.id } } }));
    const response = await agent.http(base, json("POST", { ...insight, message_id: message?.id }));
    expect((await problemOf(response)).errors?.map((e) => e.path)).toEqual(["body.message_id"]);
  });
});

describe("artifacts: versions", () => {
  it("makes a version per update, with If-Match required (428) and checked (412)", async () => {
    const { agent, base } = await setUp();
    const { artifact, etag } = await publish(agent.http, base, insight);
    const path = `${base}/${artifact.id}`;
    expect((await agent.http(path, json("PATCH", { summary: "blind" }))).status).toBe(428);
    const updated = await agent.http(path, json("PATCH", { summary: "Now 3.1%." }, { "If-Match": etag }));
    expect(updated.status).toBe(200);
    expect(updated.headers.get("ETag")).toBe('"2"');
    expect((await updated.json<{ data: Artifact }>()).data).toMatchObject({
      version: 2,
      summary: "Now 3.1%.",
      content: insight.content,
    });
    expect((await agent.http(path, json("PATCH", { summary: "stale" }, { "If-Match": etag }))).status).toBe(412);
  });

  it("checks new content against the artifact's own type", async () => {
    const { agent, base } = await setUp();
    const { artifact, etag } = await publish(agent.http, base, insight);
    const response = await agent.http(
      `${base}/${artifact.id}`,
      json("PATCH", { content: { sections: [{ heading: "h", markdown: "m" }] } }, { "If-Match": etag }),
    );
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.path)).toContain("body.content.claim");
  });

  it("lists versions newest first, serves an old one, and restores it as a new version", async () => {
    const { agent, owner, thread, base } = await setUp();
    const { artifact } = await publish(agent.http, base, insight);
    const path = `${base}/${artifact.id}`;
    await agent.http(
      path,
      json("PATCH", { title: "Second", content: { ...insight.content, confidence: 0.5 } }, { "If-Match": '"1"' }),
    );
    await agent.http(path, json("PATCH", { title: "Third" }, { "If-Match": '"2"' }));

    const versions = await unwrap(
      owner.api.GET("/threads/{id}/artifacts/{artifact_id}/versions", {
        params: { path: { id: thread.id, artifact_id: artifact.id } },
      }),
    );
    expect(versions.map((v) => [v.version, v.title])).toEqual([
      [3, "Third"],
      [2, "Second"],
      [1, "Churn is down"],
    ]);
    const first = await unwrap(
      owner.api.GET("/threads/{id}/artifacts/{artifact_id}/versions/{version}", {
        params: { path: { id: thread.id, artifact_id: artifact.id, version: 1 } },
      }),
    );
    expect(first).toMatchObject({ version: 1, title: "Churn is down", content: insight.content });

    expect((await agent.http(`${path}/versions/1/restore`, { method: "POST" })).status).toBe(428);
    const restored = await agent.http(`${path}/versions/1/restore`, { method: "POST", headers: { "If-Match": '"3"' } });
    expect(restored.status).toBe(200);
    const current = (await restored.json<{ data: Artifact }>()).data;
    expect(current).toMatchObject({ version: 4, title: "Churn is down", content: insight.content });
    const events = await allEvents(owner.api, thread.id);
    expect(events.at(-1)).toMatchObject({ type: "artifact.updated", data: current });
    expect(
      (await agent.http(`${path}/versions/9/restore`, { method: "POST", headers: { "If-Match": '"4"' } })).status,
    ).toBe(404);
  });

  it("pages versions with a cursor", async () => {
    const { agent, owner, thread, base } = await setUp();
    const { artifact } = await publish(agent.http, base, insight);
    for (let version = 1; version <= 4; version++) {
      await agent.http(
        `${base}/${artifact.id}`,
        json("PATCH", { title: `v${version + 1}` }, { "If-Match": `"${version}"` }),
      );
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await owner.api.GET("/threads/{id}/artifacts/{artifact_id}/versions", {
        params: {
          path: { id: thread.id, artifact_id: artifact.id },
          query: { limit: 2, ...(cursor ? { cursor } : {}) },
        },
      });
      seen.push(...(data?.data.map((v) => v.version) ?? []));
      cursor = data?.pagination.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
  });
});

describe("artifacts: listing, files and deletion", () => {
  it("lists a thread's artifacts newest first, by type", async () => {
    const { agent, owner, thread, base } = await setUp();
    for (const body of EXAMPLES) await publish(agent.http, base, body);
    const all = await unwrap(owner.api.GET("/threads/{id}/artifacts", { params: { path: { id: thread.id } } }));
    expect(all.map((a) => a.type)).toEqual(EXAMPLES.map((e) => e.type).reverse());
    const tables = await unwrap(
      owner.api.GET("/threads/{id}/artifacts", { params: { path: { id: thread.id }, query: { type: "TABLE" } } }),
    );
    expect(tables.map((a) => a.title)).toEqual(["By month"]);
  });

  it("attaches files, which the thread's owner can then download, and versions the list", async () => {
    const { agent, owner, base } = await setUp();
    const upload = await agent.http("/files?filename=q3.csv", {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "a,b\n1,2\n",
    });
    const file = (await upload.json<{ data: { id: string } }>()).data;
    const { artifact } = await publish(agent.http, base, { ...insight, file_ids: [file.id] });
    expect(artifact.attachments.map((a) => a.id)).toEqual([file.id]);
    expect((await owner.http(`/files/${file.id}/content`)).status).toBe(200);
    const cleared = await agent.http(`${base}/${artifact.id}`, json("PATCH", { file_ids: [] }, { "If-Match": '"1"' }));
    expect((await cleared.json<{ data: Artifact }>()).data.attachments).toEqual([]);
    const restored = await agent.http(`${base}/${artifact.id}/versions/1/restore`, {
      method: "POST",
      headers: { "If-Match": '"2"' },
    });
    expect((await restored.json<{ data: Artifact }>()).data.attachments.map((a) => a.id)).toEqual([file.id]);
  });

  it("deletes an artifact with its versions, logging what it was", async () => {
    const { agent, owner, thread, base } = await setUp();
    const { artifact } = await publish(agent.http, base, insight);
    expect((await agent.http(`${base}/${artifact.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await owner.http(`${base}/${artifact.id}`)).status).toBe(404);
    expect((await owner.http(`${base}/${artifact.id}/versions/1`)).status).toBe(404);
    const events = await allEvents(owner.api, thread.id);
    expect(events.at(-1)).toMatchObject({ type: "artifact.deleted", data: artifact });
  });
});
