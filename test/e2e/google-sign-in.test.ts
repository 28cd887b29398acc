import { createHash, randomUUID } from "node:crypto";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { generateKeyPair, SignJWT } from "jose";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "./support/dev-server";
import { InMemoryOAuthClient } from "./support/mcp-oauth-client";
import { type IdTokenClaims, type OidcProvider, startOidcProvider } from "./support/oidc-provider";

// Google sign-in end to end: a real `wrangler dev` of its own, configured against a real local OpenID
// provider (oauth2-mock-server) instead of accounts.google.com, driven with plain fetch the way a
// browser would be (redirects followed by hand, the cookie carried by hand).

const CLIENT_ID = "e2e-client.apps.googleusercontent.com";
const CLIENT_SECRET = "e2e-client-secret";
const DOMAIN = "example.com";
const UNAUTHORIZED = "https://docs.experience-layer.dev/problems/unauthorized";

let provider: OidcProvider;
let api: DevServer;

beforeAll(async () => {
  provider = await startOidcProvider(CLIENT_ID);
  api = await startDevServer({
    vars: {
      GOOGLE_ISSUER: provider.issuer,
      GOOGLE_CLIENT_ID: CLIENT_ID,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_ALLOWED_DOMAINS: DOMAIN,
    },
  });
}, 90_000);

afterAll(async () => {
  await api?.stop();
  await provider?.stop();
});

// Sign-in is limited to 10 requests a minute per client IP: every request comes from a fresh one.
let lastIp = 0;
const nextIp = () => {
  lastIp += 1;
  return `10.77.${lastIp >> 8}.${lastIp & 255}`;
};

const send = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  fetch(`${api.url}${path}`, {
    redirect: "manual",
    ...init,
    headers: { "CF-Connecting-IP": nextIp(), ...init.headers },
  });

const postJson = (path: string, body: unknown) =>
  send(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** A Google account of the allowed domain, with the claims Google puts in its ID tokens. */
const googleUser = (label: string) => {
  const id = randomUUID();
  return {
    sub: `1${id.replaceAll("-", "").slice(0, 20)}`,
    email: `${label}-${id}@${DOMAIN}`,
    email_verified: true,
    name: `E2E ${label}`,
    picture: "https://lh3.googleusercontent.com/a/e2e-avatar",
    hd: DOMAIN,
  };
};

const location = (response: Response) => {
  const value = response.headers.get("location");
  if (value === null) throw new Error(`no Location on a ${response.status} answer`);
  return new URL(value);
};

/** GET /auth/google/start: the 302 to the provider and the sign-in cookie (`name=value`). */
const start = async () => {
  const response = await send("/auth/google/start");
  expect(response.status).toBe(302);
  const [setCookie] = response.headers.getSetCookie();
  if (setCookie === undefined) throw new Error("GET /auth/google/start set no cookie");
  return { response, authorize: location(response), setCookie, cookie: setCookie.split(";")[0] ?? "" };
};

/** The provider's /authorize approves at once and redirects to our callback with code and state. */
const approve = async (authorize: URL) => {
  const response = await fetch(authorize, { redirect: "manual" });
  expect(response.status).toBe(302);
  return location(response);
};

const callback = (url: URL, cookie?: string) =>
  send(`${url.pathname}${url.search}`, cookie === undefined ? {} : { headers: { cookie } });

/** The whole browser flow; `claims` go into the ID token the provider signs for it. */
const signInThroughBrowser = async (claims: IdTokenClaims) => {
  provider.nextIdToken(claims);
  const { authorize, cookie } = await start();
  return callback(await approve(authorize), cookie);
};

interface Tokens {
  access_token: string;
  refresh_token: string;
}

const tokensOf = async (response: Response): Promise<Tokens> => {
  const body = (await response.json()) as { success: boolean; data: Tokens };
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body.success).toBe(true);
  return body.data;
};

const me = async ({ access_token }: Tokens) => {
  const response = await send("/me", { headers: { Authorization: `Bearer ${access_token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { id: string; email: string; name: string; role: string } }).data;
};

const expectRefused = async (response: Response, detail: string) => {
  const body = (await response.json()) as { success: boolean; error: { type: string; status: number; detail: string } };
  expect({ status: response.status, success: body.success, type: body.error.type, detail: body.error.detail }).toEqual({
    status: 401,
    success: false,
    type: UNAUTHORIZED,
    detail,
  });
};

describe("sign-in with Google through the browser flow", () => {
  it("redirects to the provider with PKCE, state and nonce, and keeps them in a signed http-only cookie", async () => {
    const { response, authorize, setCookie } = await start();
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${provider.issuer}/authorize`);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: `${api.url}/auth/google/callback`,
      scope: "openid email profile",
      code_challenge_method: "S256",
      hd: DOMAIN,
    });
    expect(params.state).toMatch(/^[\w-]{43}$/);
    expect(params.nonce).toMatch(/^[\w-]{43}$/);
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(setCookie).toMatch(
      /^google_sign_in=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=600; Path=\/auth\/google; HttpOnly; SameSite=Lax$/,
    );
  });

  it("signs a new Google user in: tokens that work on GET /me, the cookie cleared, the code exchanged with PKCE", async () => {
    const user = googleUser("new");
    const response = await signInThroughBrowser(user);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^google_sign_in=; Max-Age=0; Path=\/auth\/google;/),
    ]);
    const profile = await me(await tokensOf(response));
    expect(profile).toMatchObject({ email: user.email, name: user.name, role: "USER" });
    expect(provider.lastExchange()).toMatchObject({
      grant_type: "authorization_code",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uri: `${api.url}/auth/google/callback`,
      code_verifier: expect.stringMatching(/^[\w-]{43}$/),
    });
  });

  it("finds the same user again on the next sign-in of the same Google account", async () => {
    const user = googleUser("returning");
    const first = await me(await tokensOf(await signInThroughBrowser(user)));
    const second = await me(await tokensOf(await signInThroughBrowser({ ...user, name: "Renamed At Google" })));
    expect(second.id).toBe(first.id);
  });

  it("links an existing user with the same email (matched case-insensitively) and keeps their role", async () => {
    const user = googleUser("existing");
    const existing = await me(
      await tokensOf(await postJson("/auth/dev/sign-in", { email: user.email, role: "ADMIN" })),
    );
    const linked = await me(await tokensOf(await signInThroughBrowser({ ...user, email: user.email.toUpperCase() })));
    expect(linked).toMatchObject({ id: existing.id, email: user.email, role: "ADMIN" });
  });

  describe("refuses with 401", () => {
    it("a callback whose state does not match the cookie's", async () => {
      const { authorize, cookie } = await start();
      const back = await approve(authorize);
      back.searchParams.set("state", "attacker-state");
      await expectRefused(await callback(back, cookie), "The state parameter does not match this browser's sign-in.");
    });

    it("a callback without a state", async () => {
      const { authorize, cookie } = await start();
      const back = await approve(authorize);
      back.searchParams.delete("state");
      await expectRefused(await callback(back, cookie), "The state parameter does not match this browser's sign-in.");
    });

    it("a callback without the sign-in cookie", async () => {
      const { authorize } = await start();
      await expectRefused(
        await callback(await approve(authorize)),
        "The sign-in cookie is missing: start at GET /auth/google/start in this browser, with cookies enabled.",
      );
    });

    it("a callback with a forged sign-in cookie", async () => {
      const { authorize, cookie } = await start();
      const forged = `${cookie.slice(0, -4)}${cookie.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
      await expectRefused(
        await callback(await approve(authorize), forged),
        "The sign-in cookie is not valid; start again at GET /auth/google/start.",
      );
    });

    it("an ID token with another nonce", async () => {
      await expectRefused(
        await signInThroughBrowser({ ...googleUser("nonce"), nonce: "attacker-nonce" }),
        "The Google ID token's nonce does not match this sign-in.",
      );
    });

    it("an ID token whose email Google has not verified", async () => {
      await expectRefused(
        await signInThroughBrowser({ ...googleUser("unverified"), email_verified: false }),
        "Google has not verified this account's email address.",
      );
    });

    it("an ID token issued to another application", async () => {
      await expectRefused(
        await signInThroughBrowser({ ...googleUser("audience"), aud: "someone-else.apps.googleusercontent.com" }),
        "The Google ID token was issued to another application.",
      );
    });

    it("an expired ID token", async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(
        await signInThroughBrowser({ ...googleUser("expired"), iat: now - 7200, exp: now - 3600 }),
        "The Google ID token has expired.",
      );
    });

    it("an ID token from another issuer", async () => {
      await expectRefused(
        await signInThroughBrowser({ ...googleUser("issuer"), iss: "https://accounts.google.com.evil.example" }),
        "The ID token was not issued by Google.",
      );
    });

    it("an account outside the allowed Workspace domains", async () => {
      await expectRefused(
        await signInThroughBrowser({ ...googleUser("domain"), hd: "evil.example" }),
        "Only accounts of the allowed Google Workspace domains may sign in.",
      );
    });

    it("a callback where the user declined at the provider", async () => {
      provider.denyNextAuthorization();
      const { authorize, cookie } = await start();
      await expectRefused(
        await callback(await approve(authorize), cookie),
        "Google did not sign you in (access_denied).",
      );
    });

    it("a code the provider rejects", async () => {
      provider.failNextExchange(400, { error: "invalid_grant", error_description: "Bad Request" });
      await expectRefused(
        await signInThroughBrowser(googleUser("bad-code")),
        "Google refused the authorization code (invalid_grant).",
      );
    });

    it("a replay of a callback that already signed someone in", async () => {
      provider.nextIdToken(googleUser("replay"));
      const { authorize, cookie } = await start();
      const back = await approve(authorize);
      await tokensOf(await callback(back, cookie));
      await expectRefused(await callback(back, cookie), "Google refused the authorization code (no reason given).");
    });

    it("a second Google account claiming an email already linked to another", async () => {
      const owner = googleUser("owner");
      await tokensOf(await signInThroughBrowser(owner));
      await expectRefused(
        await signInThroughBrowser({ ...googleUser("impostor"), email: owner.email }),
        "This email address belongs to an account linked to another Google account.",
      );
    });
  });

  it("answers 503 with Retry-After when the provider fails", async () => {
    provider.failNextExchange(500, { error: "server_error" });
    const response = await signInThroughBrowser(googleUser("outage"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(((await response.json()) as { error: { detail: string } }).error.detail).toBe(
      "Google sign-in is unavailable right now (token endpoint); try again shortly.",
    );
  });
});

describe("sign-in with a Google ID token (One Tap, mobile)", () => {
  it("signs in with a valid token and matching nonce", async () => {
    const user = googleUser("one-tap");
    const response = await postJson("/auth/google/id-token", {
      id_token: await provider.idToken({ ...user, nonce: "one-tap-nonce" }),
      nonce: "one-tap-nonce",
    });
    expect(await me(await tokensOf(response))).toMatchObject({ email: user.email, role: "USER" });
  });

  it("refuses a token signed by another key under the provider's kid (401)", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ ...googleUser("forged"), aud: CLIENT_ID })
      .setProtectedHeader({ alg: "RS256", kid: provider.kid, typ: "JWT" })
      .setIssuer(provider.issuer)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
    await expectRefused(
      await postJson("/auth/google/id-token", { id_token: forged }),
      "The Google ID token's signature is not valid.",
    );
  });

  it("refuses a token whose nonce is not the one sent (401)", async () => {
    const id_token = await provider.idToken({ ...googleUser("replayed"), nonce: "first-nonce" });
    await expectRefused(
      await postJson("/auth/google/id-token", { id_token, nonce: "second-nonce" }),
      "The Google ID token's nonce does not match this sign-in.",
    );
  });
});

describe("an MCP client that signs its user in through OAuth (Google behind this API)", () => {
  const HTML_ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
  /** The consent form's fields as a browser submits them (hidden inputs, then the button pressed). */
  const consentForm = (page: string, decision: "approve" | "deny") => {
    const fields = new URLSearchParams();
    for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields.set(
        name ?? "",
        (value ?? "").replace(/&(amp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity] ?? entity),
      );
    }
    fields.set("decision", decision);
    return fields;
  };

  /** The user's browser: the consent page, its answer, Google, and back through our callback to the client. */
  const consentInBrowser = async (authorizationUrl: URL, decision: "approve" | "deny") => {
    const page = await send(`${authorizationUrl.pathname}${authorizationUrl.search}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Allow E2E agent to use Experience Layer as you?");
    const answered = await send("/oauth/authorize", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: api.url },
      body: consentForm(html, decision).toString(),
    });
    if (decision === "deny") return location(answered);
    const [setCookie] = answered.headers.getSetCookie();
    const back = await callback(await approve(location(answered)), setCookie?.split(";")[0]);
    expect(back.headers.getSetCookie()).toEqual([expect.stringMatching(/^google_sign_in=; Max-Age=0;/)]);
    return location(back);
  };

  const connect = (oauth: InMemoryOAuthClient) => {
    const transport = new StreamableHTTPClientTransport(new URL("/mcp", api.url), { authProvider: oauth });
    return { transport, client: new Client({ name: "e2e-oauth", version: "1.0.0" }) };
  };

  it("discovers the server from the 401, registers, gets the user's consent and Google sign-in, then calls tools as that user", async () => {
    const user = googleUser("mcp-oauth");
    provider.nextIdToken(user);
    const oauth = new InMemoryOAuthClient();
    const first = connect(oauth);
    await expect(first.client.connect(first.transport)).rejects.toThrow(UnauthorizedError);
    const authorizationUrl = oauth.authorizationUrl;
    if (!authorizationUrl) throw new Error("the MCP client was not sent to authorize");
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${api.url}/oauth/authorize`);
    expect(authorizationUrl.searchParams.get("resource")).toBe(`${api.url}/mcp`);

    const back = await consentInBrowser(authorizationUrl, "approve");
    expect(`${back.origin}${back.pathname}`).toBe(oauth.redirectUrl);
    expect(back.searchParams.get("iss")).toBe(api.url);
    const code = back.searchParams.get("code");
    if (code === null) throw new Error(`no code: ${back.search}`);
    await first.transport.finishAuth(code);

    const { client, transport } = connect(oauth);
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("create_thread");
    const result = (await client.callTool({ name: "get_me", arguments: {} })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ data: { email: user.email, role: "USER" } });
    await client.close();
    expect(oauth.tokens()?.refresh_token).toMatch(/^\w+\.[\w-]+$/);
  });

  it("works in a real browser: the consent form keeps its Origin, the cookie survives Google, the client gets a code", async () => {
    const redirectUri = "http://127.0.0.1:33419/callback";
    const registered = await postJson("/oauth/register", {
      redirect_uris: [redirectUri],
      client_name: "Browser agent",
    });
    const { client_id } = (await registered.json()) as { client_id: string };
    const verifier = `browser-${randomUUID()}-${randomUUID()}`;
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const query = new URLSearchParams({
      client_id,
      redirect_uri: redirectUri,
      response_type: "code",
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "browser-state",
    });
    const user = googleUser("browser");
    provider.nextIdToken(user);
    // Debian's chromium, as the docs' browser test uses it.
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox"],
    });
    try {
      const page = await browser.newPage();
      // Nothing listens at the client's redirect URI: the browser's arrival there is answered here.
      await page.route(`${redirectUri}**`, (route) => route.fulfill({ status: 200, body: "signed in" }));
      await page.goto(`${api.url}/oauth/authorize?${query}`);
      const [consented] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === "POST"),
        page.getByRole("button", { name: "Continue with Google" }).click(),
      ]);
      // 403 if the browser had sent `Origin: null`, as it does under `Referrer-Policy: no-referrer`.
      expect(consented.status()).toBe(302);
      await page.waitForURL(`${redirectUri}**`);
      const back = new URL(page.url());
      expect(Object.fromEntries(back.searchParams)).toMatchObject({ state: "browser-state", iss: api.url });
      const code = back.searchParams.get("code") ?? "";
      const answer = await send("/oauth/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          client_id,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }).toString(),
      });
      expect(answer.status).toBe(200);
      expect(await me((await answer.json()) as Tokens)).toMatchObject({ email: user.email });
    } finally {
      await browser.close();
    }
  });

  it("tells the client when the user declines, and issues nothing", async () => {
    const oauth = new InMemoryOAuthClient();
    const { client, transport } = connect(oauth);
    await expect(client.connect(transport)).rejects.toThrow(UnauthorizedError);
    const back = await consentInBrowser(oauth.authorizationUrl ?? new URL(api.url), "deny");
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: "access_denied", iss: api.url });
    expect(back.searchParams.has("code")).toBe(false);
  });

  it("sends a Google that fails the code exchange back to the client as temporarily_unavailable", async () => {
    provider.failNextExchange(500, { error: "server_error" });
    const oauth = new InMemoryOAuthClient();
    const { client, transport } = connect(oauth);
    await expect(client.connect(transport)).rejects.toThrow(UnauthorizedError);
    const back = await consentInBrowser(oauth.authorizationUrl ?? new URL(api.url), "approve");
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: "temporarily_unavailable", iss: api.url });
    expect(back.searchParams.has("code")).toBe(false);
  });

  it("sends a refused Google sign-in back to the client as access_denied, with why", async () => {
    provider.nextIdToken({ ...googleUser("elsewhere"), hd: "other.example", email: `x-${randomUUID()}@other.example` });
    const oauth = new InMemoryOAuthClient();
    const { client, transport } = connect(oauth);
    await expect(client.connect(transport)).rejects.toThrow(UnauthorizedError);
    const back = await consentInBrowser(oauth.authorizationUrl ?? new URL(api.url), "approve");
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      error: "access_denied",
      error_description: "Only accounts of the allowed Google Workspace domains may sign in.",
    });
  });
});
