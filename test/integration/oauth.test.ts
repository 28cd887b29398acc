import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clientDigest, issueCode } from "../../src/auth/oauth-codes";
import { pkceChallenge } from "../../src/auth/pkce";
import { repositories } from "../../src/repositories";
import { anonymousHttp, BASE_URL, jsonBody, randomIp } from "../support/api";
import { newUser } from "../support/conversations";

// This API as the authorization server of MCP clients: registration, the consent page and its answer, the token
// endpoint. Google's part of the flow (approve → Google → callback → code) runs end to end in
// test/e2e/google-sign-in.test.ts; here codes are issued directly, as the callback issues them.

const REDIRECT = "http://127.0.0.1:4567/callback";
const VERIFIER = "dBjftJeZ4CVP-mJ92K9-verifier-of-forty-three-or-more-chars";
const OAUTH_REFUSED = "https://docs.experience-layer.dev/problems/oauth-request-refused";

// Redirects are looked at, not followed: they lead to the client, or to Google.
const post = (path: string, init: RequestInit) =>
  anonymousHttp(path, { ...init, redirect: "manual", headers: { "CF-Connecting-IP": randomIp(), ...init.headers } });
const get = (path: string) => anonymousHttp(path, { redirect: "manual", headers: { "CF-Connecting-IP": randomIp() } });
const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams(fields).toString(),
});

interface Registration {
  client_id: string;
  token_endpoint_auth_method: string;
  redirect_uris: string[];
  client_name?: string;
}

const register = async (metadata: Record<string, unknown> = {}) => {
  const response = await post("/oauth/register", jsonBody({ redirect_uris: [REDIRECT], ...metadata }));
  expect(response.status).toBe(201);
  return response.json<Registration>();
};

/** The OAuth form of a refusal: bare problem+json whatever was accepted, with `error` and `error_description`. */
const expectOAuthError = async (response: Response, error: string, detail?: RegExp) => {
  expect(response.status).toBe(400);
  expect(response.headers.get("Content-Type")).toContain("application/problem+json");
  const body = await response.json<{ type: string; error: string; error_description: string; detail: string }>();
  expect(body).toMatchObject({ type: OAUTH_REFUSED, error });
  expect(body.error_description).toBe(body.detail);
  if (detail) expect(body.detail).toMatch(detail);
};

const authorizeQuery = (clientId: string, overrides: Record<string, string | undefined> = {}) => {
  const fields: Record<string, string | undefined> = {
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: "code",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    state: "client-state-1",
    ...overrides,
  };
  return new URLSearchParams(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
};

const redirectedTo = (response: Response) => {
  expect(response.status).toBe(302);
  return new URL(response.headers.get("Location") ?? "");
};

describe("the authorization server's metadata", () => {
  it("names its endpoints at this origin, PKCE S256 and public clients only (RFC 8414)", async () => {
    const response = await get("/.well-known/oauth-authorization-server");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      issuer: BASE_URL,
      authorization_endpoint: `${BASE_URL}/oauth/authorize`,
      token_endpoint: `${BASE_URL}/oauth/token`,
      registration_endpoint: `${BASE_URL}/oauth/register`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none"],
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${BASE_URL}/docs`,
    });
  });

  it("is what the MCP endpoint's protected-resource metadata points to", async () => {
    const response = await get("/.well-known/oauth-protected-resource/mcp");
    expect(await response.json()).toMatchObject({ resource: `${BASE_URL}/mcp`, authorization_servers: [BASE_URL] });
  });
});

describe("registering a client (RFC 7591)", () => {
  it("answers a client_id for a public client, whatever authentication method was asked, ignoring unknown metadata", async () => {
    const client = await register({
      client_name: "Claude",
      token_endpoint_auth_method: "client_secret_post",
      logo_uri: "https://example.com/logo.png",
    });
    expect(client).toMatchObject({
      client_name: "Claude",
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    });
    expect(client).not.toHaveProperty("client_secret");
    expect(client).not.toHaveProperty("logo_uri");
  });

  it.each([
    ["http on a host other than loopback", "http://example.com/callback", /http on a host other than loopback/],
    ["a javascript: URI", "javascript:alert(1)", /javascript: scheme/],
    ["a fragment", "https://example.com/callback#x", /fragment/],
    ["a relative reference", "/callback", /not an absolute URI/],
  ])("refuses a redirect URI with %s as invalid_redirect_uri", async (_, uri, detail) => {
    const response = await post("/oauth/register", {
      ...jsonBody({ redirect_uris: [uri] }),
      headers: { "Content-Type": "application/json", Accept: "application/json" },
    });
    await expectOAuthError(response, "invalid_redirect_uri", detail);
  });

  it("accepts https, loopback http and an app's own scheme", async () => {
    const uris = ["https://claude.ai/api/mcp/auth_callback", "http://localhost:6274/cb", "cursor://anysphere/oauth"];
    expect((await register({ redirect_uris: uris })).redirect_uris).toEqual(uris);
  });

  it("refuses other metadata as invalid_client_metadata", async () => {
    const tooLong = { redirect_uris: [REDIRECT], client_name: "x".repeat(101) };
    await expectOAuthError(await post("/oauth/register", jsonBody(tooLong)), "invalid_client_metadata", /client_name/);
  });
});

describe("the consent page (GET /oauth/authorize)", () => {
  it("names the client and where it will be sent, escaped, may not be framed, and posts the request back", async () => {
    const { client_id } = await register({ client_name: '<script>alert("x")</script> Agent' });
    const response = await get(`/oauth/authorize?${authorizeQuery(client_id)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    // Browsers send the form's Origin, which its answer is checked by, only under a policy that keeps it.
    expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const page = await response.text();
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Agent");
    expect(page).not.toContain("<script>");
    expect(page).toContain("<strong>127.0.0.1:4567</strong>");
    expect(page).toContain('<form method="post" action="/oauth/authorize">');
    expect(page).toContain(`name="client_id" value="${client_id}"`);
    expect(page).toContain('name="state" value="client-state-1"');
    expect(page).toContain('name="decision" value="approve"');
  });

  it("matches a loopback redirect URI on any port (RFC 8252)", async () => {
    const { client_id } = await register();
    const response = await get(
      `/oauth/authorize?${authorizeQuery(client_id, { redirect_uri: "http://127.0.0.1:9999/callback" })}`,
    );
    expect(response.status).toBe(200);
  });

  it("answers an unknown client or an unregistered redirect URI itself, never redirecting to it", async () => {
    const unknown = await get(`/oauth/authorize?${authorizeQuery("not-a-client")}`);
    await expectOAuthError(unknown, "invalid_client", /register at POST \/oauth\/register/);
    const { client_id } = await register();
    const elsewhere = await get(
      `/oauth/authorize?${authorizeQuery(client_id, { redirect_uri: "https://evil.example/cb" })}`,
    );
    expect(elsewhere.headers.get("Location")).toBeNull();
    await expectOAuthError(elsewhere, "invalid_request", /not one the client registered/);
  });

  it.each([
    ["response_type=token", { response_type: "token" }, "unsupported_response_type"],
    ["no PKCE challenge", { code_challenge: undefined }, "invalid_request"],
    ["the plain PKCE method", { code_challenge_method: "plain" }, "invalid_request"],
    ["a resource that is not this API", { resource: "https://other.example/mcp" }, "invalid_target"],
  ])("sends %s back to the client as an error, with its state and our iss", async (_, overrides, error) => {
    const { client_id } = await register();
    const location = redirectedTo(await get(`/oauth/authorize?${authorizeQuery(client_id, overrides)}`));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: "client-state-1", iss: BASE_URL });
  });

  it("accepts this API or its MCP endpoint as the resource", async () => {
    const { client_id } = await register();
    for (const resource of [`${BASE_URL}/mcp`, BASE_URL]) {
      expect((await get(`/oauth/authorize?${authorizeQuery(client_id, { resource })}`)).status).toBe(200);
    }
  });
});

describe("the consent page's answer (POST /oauth/authorize)", () => {
  it("is refused unless posted from this server's own page (Origin)", async () => {
    const { client_id } = await register();
    const fields = Object.fromEntries(new URLSearchParams(authorizeQuery(client_id)));
    for (const origin of [undefined, "https://evil.example"]) {
      const response = await post(
        "/oauth/authorize",
        form({ ...fields, decision: "approve" }, origin === undefined ? {} : { Origin: origin }),
      );
      expect(response.status).toBe(403);
    }
  });

  it("sends a declined request back to the client as access_denied", async () => {
    const { client_id } = await register();
    const fields = Object.fromEntries(new URLSearchParams(authorizeQuery(client_id)));
    const location = redirectedTo(
      await post("/oauth/authorize", form({ ...fields, decision: "deny" }, { Origin: BASE_URL })),
    );
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: "access_denied",
      state: "client-state-1",
      iss: BASE_URL,
    });
  });

  it("checks the request again, as the page's fields could have been altered", async () => {
    const { client_id } = await register();
    const fields = Object.fromEntries(new URLSearchParams(authorizeQuery(client_id)));
    const response = await post(
      "/oauth/authorize",
      form({ ...fields, redirect_uri: "https://evil.example/cb", decision: "approve" }, { Origin: BASE_URL }),
    );
    await expectOAuthError(response, "invalid_request");
  });
});

/** A code as the Google callback issues it, for a new user, to the client registered here. */
const codeFor = async (clientId: string, verifier = VERIFIER) => {
  const user = await newUser();
  const record = await repositories({ env }).users.findById(user.id);
  if (!record) throw new Error("the user just made is missing");
  const code = await issueCode(
    env,
    record,
    { userAgent: "oauth test", ip: null },
    { client: await clientDigest(clientId), redirectUri: REDIRECT, codeChallenge: await pkceChallenge(verifier) },
  );
  return { code, userId: user.id };
};

interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

const redeem = (code: string, clientId: string, overrides: Record<string, string> = {}) =>
  post(
    "/oauth/token",
    form({
      grant_type: "authorization_code",
      code,
      client_id: clientId,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      resource: `${BASE_URL}/mcp`,
      ...overrides,
    }),
  );

describe("the token endpoint (POST /oauth/token)", () => {
  it("trades a code, its client, redirect URI and PKCE verifier for tokens that act as the user, /mcp included", async () => {
    const { client_id } = await register();
    const { code, userId } = await codeFor(client_id);
    const response = await redeem(code, client_id);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const tokens = await response.json<Tokens>();
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    const me = await anonymousHttp("/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect((await me.json<{ data: { id: string } }>()).data.id).toBe(userId);
    const mcp = await anonymousHttp("/mcp", {
      ...jsonBody({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(mcp.status).toBe(200);
  });

  it("takes a code once: a second try is invalid_grant and revokes the session the first one started", async () => {
    const { client_id } = await register();
    const { code } = await codeFor(client_id);
    const tokens = await (await redeem(code, client_id)).json<Tokens>();
    await expectOAuthError(await redeem(code, client_id), "invalid_grant", /already used/);
    const refresh = await post(
      "/oauth/token",
      form({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
    );
    await expectOAuthError(refresh, "invalid_grant", /session has ended/);
  });

  it.each([
    ["another verifier", { code_verifier: "another-verifier-that-is-forty-three-characters-long" }, /code_verifier/],
    ["another redirect URI", { redirect_uri: "http://127.0.0.1:4567/elsewhere" }, /redirect_uri/],
    ["a code that is not one", { code: "not.a.code" }, /not valid/],
  ])("refuses %s as invalid_grant", async (_, overrides, detail) => {
    const { client_id } = await register();
    const { code } = await codeFor(client_id);
    await expectOAuthError(await redeem(code, client_id, overrides), "invalid_grant", detail);
  });

  it("refuses a code issued to another client", async () => {
    const [first, second] = [await register(), await register({ client_name: "Other" })];
    const { code } = await codeFor(first.client_id);
    await expectOAuthError(await redeem(code, second.client_id), "invalid_grant", /another client/);
  });

  it("says which error each malformed request is", async () => {
    const { client_id } = await register();
    const { code } = await codeFor(client_id);
    await expectOAuthError(await redeem(code, "not-a-client"), "invalid_client");
    await expectOAuthError(await redeem(code, client_id, { resource: "https://other.example/" }), "invalid_target");
    await expectOAuthError(await redeem(code, client_id, { grant_type: "password" }), "unsupported_grant_type");
    await expectOAuthError(
      await post("/oauth/token", form({ grant_type: "authorization_code", code, client_id })),
      "invalid_request",
      /needs code, client_id, redirect_uri and code_verifier/,
    );
    await expectOAuthError(
      await redeem(code, client_id, { code_verifier: "short" }),
      "invalid_request",
      /code_verifier/,
    );
    // None of these spent the code.
    expect((await redeem(code, client_id)).status).toBe(200);
  });

  it("refreshes like POST /auth/refresh: the new refresh token works, the old one then revokes the session", async () => {
    const { client_id } = await register();
    const { code } = await codeFor(client_id);
    const first = await (await redeem(code, client_id)).json<Tokens>();
    const refresh = (token: string) =>
      post("/oauth/token", form({ grant_type: "refresh_token", refresh_token: token, client_id }));
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const { refresh_token } = await second.json<Tokens>();
    expect(refresh_token).not.toBe(first.refresh_token);
    await expectOAuthError(await refresh(first.refresh_token), "invalid_grant", /already used/);
    await expectOAuthError(await refresh(refresh_token), "invalid_grant", /session has ended/);
  });
});
