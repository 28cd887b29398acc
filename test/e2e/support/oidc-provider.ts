import {
  Events,
  type MutableRedirectUri,
  type MutableResponse,
  OAuth2Server,
  type Payload,
  type TokenRequestIncomingMessage,
} from "oauth2-mock-server";

/** The claims a Google ID token carries about its user (and anything a test wants to alter). */
export type IdTokenClaims = Record<string, unknown>;

export interface OidcProvider {
  /** Issuer URL, e.g. http://127.0.0.1:40123: what GOOGLE_ISSUER must be set to. */
  issuer: string;
  /** The `kid` of the provider's RS256 signing key. */
  kid: string;
  /** Claims merged into the next ID token the token endpoint signs (after the user's, so they can override anything). */
  nextIdToken: (claims: IdTokenClaims) => void;
  /** The form body of the last request to the token endpoint (client_secret, code_verifier, …). */
  lastExchange: () => Record<string, unknown> | undefined;
  /** The next /authorize redirects back with `error=access_denied` instead of a code, as when the user cancels. */
  denyNextAuthorization: () => void;
  /** Makes the token endpoint answer the next code exchange with this status and body instead. */
  failNextExchange: (statusCode: number, body: MutableResponse["body"]) => void;
  /** An ID token signed by the provider, as Google One Tap hands one to a client. */
  idToken: (claims: IdTokenClaims) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * A real local OpenID provider (oauth2-mock-server) on a free loopback port with one RS256 key. Its
 * /authorize approves at once and redirects back with `code` and `state`; its token endpoint checks
 * PKCE and signs an ID token for `aud` = the client id, with the nonce of the authorization request.
 */
export const startOidcProvider = async (clientId: string): Promise<OidcProvider> => {
  const server = new OAuth2Server();
  const { kid } = await server.issuer.keys.generate("RS256");
  await server.start(0, "127.0.0.1");
  const issuer = server.issuer.url;
  if (!issuer) throw new Error("oauth2-mock-server did not report its issuer URL");

  let pending: IdTokenClaims = {};
  let lastExchange: Record<string, unknown> | undefined;
  server.service.on(Events.BeforeResponse, (_response: MutableResponse, req: TokenRequestIncomingMessage) => {
    lastExchange = { ...req.body };
  });
  server.service.on(Events.BeforeTokenSigning, (token: { payload: Payload }) => {
    // The token endpoint signs an access token (it carries `amr`) and then the ID token.
    if (token.payload.amr !== undefined) return;
    Object.assign(token.payload, pending);
    pending = {};
  });

  const now = () => Math.floor(Date.now() / 1000);
  return {
    issuer,
    kid,
    lastExchange: () => lastExchange,
    nextIdToken: (claims) => {
      pending = claims;
    },
    denyNextAuthorization: () => {
      server.service.once(Events.BeforeAuthorizeRedirect, ({ url }: MutableRedirectUri) => {
        url.searchParams.delete("code");
        url.searchParams.set("error", "access_denied");
      });
    },
    failNextExchange: (statusCode, body) => {
      server.service.once(Events.BeforeResponse, (response: MutableResponse) => {
        response.statusCode = statusCode;
        response.body = body;
      });
    },
    idToken: (claims) =>
      server.issuer.buildToken({
        scopesOrTransform: (_header, payload) => Object.assign(payload, { aud: clientId, iat: now(), ...claims }),
      }),
    stop: () => server.stop(),
  };
};
