import { createRouter } from "../../http/router";
import * as handlers from "./api-keys.handlers";
import * as routes from "./api-keys.routes";

export const apiKeysRouter = createRouter()
  .openapi(routes.createApiKey, handlers.createApiKeyHandler)
  .openapi(routes.listApiKeys, handlers.listApiKeysHandler)
  .openapi(routes.getApiKey, handlers.getApiKeyHandler)
  .openapi(routes.revokeApiKey, handlers.revokeApiKeyHandler);
