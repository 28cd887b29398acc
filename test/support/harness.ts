import { type components, createClient, unwrap } from "../../sdk/src";

// Runtime-neutral (no `cloudflare:` imports): the workers suite binds it to the worker's own fetch (./api.ts),
// the e2e suite to a real server, so both drive the service through the same helpers.

export type Role = "ADMIN" | "USER" | "VIEWER";
export type Scope = components["schemas"]["ApiKeyScope"];

/** Unique per call, so tests never collide on the unique email, whatever order they run in. */
export const uniqueEmail = (label = "user") => `${label}.${crypto.randomUUID()}@example.com`;

/** A client address of its own, as sign-in is rate limited per IP (RFC 3849 documentation prefix). */
export const randomIp = () =>
  `2001:db8::${crypto
    .getRandomValues(new Uint16Array(4))
    .join(":")
    .replace(/\d+/g, (n) => Number(n).toString(16))}`;

/** The SDK and the sign-in helpers, talking to the service at `baseUrl` through `fetch`. */
export const harness = (baseUrl: string, fetch: (request: Request) => Promise<Response>) => {
  /** The SDK exactly as partners use it; anonymous unless given a token. */
  const clientWith = (token?: string | (() => Promise<string>)) =>
    createClient({ baseUrl, fetch, ...(token ? { token } : {}) });
  const anonymous = clientWith();

  /** Signs in through the local-development endpoint (the service runs with ENVIRONMENT=development). */
  const signIn = async (role: Role, email = `${role.toLowerCase()}.${crypto.randomUUID()}@example.com`) =>
    unwrap(anonymous.POST("/auth/dev/sign-in", { body: { email, role }, headers: { "CF-Connecting-IP": randomIp() } }));

  /**
   * A partner API key with these scopes. Each is made by an admin of its own: creating keys counts
   * against the creator's write limit, and a suite makes many.
   */
  const createApiKey = async (scopes: Scope[], label = "key") => {
    const admin = clientWith((await signIn("ADMIN")).access_token);
    return unwrap(admin.POST("/api-keys", { body: { name: `${label}-${crypto.randomUUID()}`, scopes } }));
  };

  return { baseUrl, fetch, clientWith, anonymous, signIn, createApiKey };
};

export type Harness = ReturnType<typeof harness>;
