import type { Bindings } from "../env";
import { oauthRefused } from "../http/api-error";
import { signClaims, verifyClaims } from "./signed-claims";

/**
 * OAuth clients registered dynamically (RFC 7591), as MCP clients register: public clients (PKCE, no
 * secret) whose client_id is their registration signed by us. Nothing is stored, so registering costs
 * nothing and fills no table; a client_id lasts as long as the signing key that made it (a client whose
 * id is refused registers again, which MCP clients do by themselves).
 */
const CLIENT = { typ: "oauth-client+jwt", audience: "oauth-client" };

export interface OAuthClient {
  name: string | undefined;
  redirectUris: string[];
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "file:", "vbscript:", "blob:", "about:"]);

/** Why a redirect URI may not be registered (undefined: it may): https, http on loopback only (RFC 8252), or an app's own scheme. */
export const redirectUriRefusal = (uri: string): string | undefined => {
  if (!URL.canParse(uri)) return "is not an absolute URI";
  const url = new URL(uri);
  if (url.hash !== "") return "has a fragment";
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) return "uses http on a host other than loopback";
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `uses the ${url.protocol} scheme`;
  return undefined;
};

export const registerClient = (env: Bindings, client: OAuthClient) =>
  signClaims(env, CLIENT, { ru: client.redirectUris, ...(client.name ? { n: client.name } : {}) });

export const clientOf = async (env: Bindings, clientId: string): Promise<OAuthClient> => {
  const claims = await verifyClaims(env, CLIENT, clientId);
  if (typeof claims !== "object" || !Array.isArray(claims.ru)) {
    throw oauthRefused(
      "invalid_client",
      "This client_id was not registered here (or its registration has lapsed); register at POST /oauth/register.",
    );
  }
  return { redirectUris: claims.ru as string[], name: typeof claims.n === "string" ? claims.n : undefined };
};

/** RFC 8252 §7.3: a loopback redirect matches whatever port the app listens on at the time. */
const comparable = (uri: string) => {
  const url = new URL(uri);
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) url.port = "";
  return url.href;
};

export const isRegisteredRedirect = (client: OAuthClient, uri: string) =>
  URL.canParse(uri) && client.redirectUris.some((registered) => comparable(registered) === comparable(uri));
