import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  type ActionsBlock,
  ApiProblemError,
  createClient,
  paginate,
  type SectionBlock,
  type SessionTokens,
  type ThreadEvent,
  unwrap,
} from "../../sdk/src";
import { adminAccessToken, BASE_URL, client, contractFetch, signIn } from "../support/api";
import { createUser } from "../support/factories";
import { forgeToken } from "../support/tokens";

const missingId = "cmissing0000000000000000";

describe("SDK", () => {
  it("unwrap raises ApiProblemError carrying the problem of an enveloped error", async () => {
    const error = await unwrap(client.GET("/users/{id}", { params: { path: { id: missingId } } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error).toMatchObject({ status: 404, problem: { status: 404, instance: `/users/${missingId}` } });
    expect(error.type).toMatch(/\/not-found$/);
    expect(error.message).toContain("404 Not found");
  });

  it("unwrap understands bare application/problem+json errors too", async () => {
    const bare = createClient({
      baseUrl: BASE_URL,
      fetch: contractFetch,
      token: adminAccessToken,
      headers: { Accept: "application/problem+json" },
    });
    const error = await unwrap(bare.GET("/users/{id}", { params: { path: { id: missingId } } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error.problem.type).toMatch(/\/not-found$/);
  });

  it("unwrap resolves a 204 to undefined", async () => {
    const user = await createUser();
    await expect(unwrap(client.DELETE("/users/{id}", { params: { path: { id: user.id } } }))).resolves.toBeUndefined();
  });

  it("paginate raises ApiProblemError when a page request fails", async () => {
    const pages = paginate(() => client.GET("/users", { params: { query: { cursor: "not-a-cursor" } } }));
    const error = await pages.next().catch((e) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error.problem.errors?.[0]?.path).toBe("query.cursor");
  });

  it("sends a bearer token, from a string or a function, on every request", async () => {
    const seen: (string | null)[] = [];
    const recording = (request: Request) => {
      seen.push(request.headers.get("Authorization"));
      return contractFetch(request);
    };
    const token = await adminAccessToken();
    const fromString = await createClient({ baseUrl: BASE_URL, fetch: recording, token }).GET("/me");
    const fromFunction = await createClient({ baseUrl: BASE_URL, fetch: recording, token: adminAccessToken }).GET(
      "/me",
    );
    expect(seen).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    expect([fromString.response.status, fromFunction.response.status]).toEqual([200, 200]);
  });
});

describe("SDK sessions", () => {
  it("refresh an expired access token once, transparently, and keep the new tokens", async () => {
    const tokens = await signIn("USER");
    const refreshed: SessionTokens[] = [];
    const sent: string[] = [];
    const recording = (request: Request) => {
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return contractFetch(request);
    };
    const api = createClient({
      baseUrl: BASE_URL,
      fetch: recording,
      session: {
        access_token: await forgeToken({ claims: { ...decodeJwt(tokens.access_token), exp: 1 } }),
        refresh_token: tokens.refresh_token,
        onRefresh: (next) => refreshed.push(next),
      },
    });
    const me = await unwrap(api.GET("/me"));
    await unwrap(api.GET("/me"));
    expect(me.email).toContain("@example.com");
    expect(sent).toEqual(["GET /me", "POST /auth/refresh", "GET /me", "GET /me"]);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]?.refresh_token).not.toBe(tokens.refresh_token);
  });

  it("share one refresh between concurrent requests (a second would revoke the session)", async () => {
    const tokens = await signIn("USER");
    let refreshes = 0;
    const api = createClient({
      baseUrl: BASE_URL,
      fetch: contractFetch,
      session: {
        access_token: "expired-or-garbage",
        refresh_token: tokens.refresh_token,
        onRefresh: () => void refreshes++,
      },
    });
    const results = await Promise.all([api.GET("/me"), api.GET("/me"), api.GET("/me/sessions")]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(refreshes).toBe(1);
  });

  it("give up after one failed refresh and surface the 401", async () => {
    const api = createClient({
      baseUrl: BASE_URL,
      fetch: contractFetch,
      session: { access_token: "garbage", refresh_token: "cnosession00000000000000.nope" },
    });
    const error = await unwrap(api.GET("/me")).catch((e) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error.status).toBe(401);
  });

  it("types blocks per block and thread events per type, as a client writes and reads them", async () => {
    const section: SectionBlock = { type: "section", text: { type: "mrkdwn", text: "*Q3* is ready" } };
    const actions: ActionsBlock = {
      type: "actions",
      elements: [{ type: "button", action_id: "open", text: { type: "plain_text", text: "Open" } }],
    };
    const thread = await unwrap(
      client.POST("/threads", {
        body: { title: "typed", messages: [{ text: "Q3 is ready", blocks: [section, actions] }] },
      }),
    );
    const events: ThreadEvent[] = await unwrap(
      client.GET("/threads/{id}/events", { params: { path: { id: thread.id } } }),
    );
    const texts = events.flatMap((event) => (event.type === "message.created" ? [event.data.text] : []));
    expect(texts).toEqual(["Q3 is ready"]);
  });
});
