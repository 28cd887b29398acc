import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

/**
 * What an MCP client such as Claude or Cursor keeps for one server, in memory: its registration, tokens and
 * PKCE verifier. Where a real client opens the browser, this one notes the URL for the test to drive.
 */
export class InMemoryOAuthClient implements OAuthClientProvider {
  readonly redirectUrl = "http://127.0.0.1:33418/callback";
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: "E2E agent",
    redirect_uris: [this.redirectUrl],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
  /** Where the client would send the user's browser. */
  authorizationUrl: URL | undefined;
  private registration: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = "";

  clientInformation() {
    return this.registration;
  }
  saveClientInformation(registration: OAuthClientInformationMixed) {
    this.registration = registration;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}
