import { createRouter, oauthValidationHook } from "../../http/router";
import * as handlers from "./oauth.handlers";
import * as routes from "./oauth.routes";

// RFC 7591 §3.2.2 names registration's refusals; every other OAuth endpoint says `invalid_request`.
const oauthCode = oauthValidationHook((errors, path) => {
  if (path !== "/oauth/register") return "invalid_request";
  return errors.some((error) => error.path.startsWith("body.redirect_uris"))
    ? "invalid_redirect_uri"
    : "invalid_client_metadata";
});

export const oauthRouter = createRouter(oauthCode)
  .openapi(routes.getAuthorizationServerMetadata, handlers.getAuthorizationServerMetadataHandler)
  .openapi(routes.registerOAuthClient, handlers.registerOAuthClientHandler)
  .openapi(routes.authorizeOAuthClient, handlers.authorizeOAuthClientHandler)
  .openapi(routes.approveOAuthClient, handlers.approveOAuthClientHandler)
  .openapi(routes.exchangeOAuthToken, handlers.exchangeOAuthTokenHandler);
