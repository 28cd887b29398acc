import { createRouter } from "../../app-factory";
import * as handlers from "./auth.handlers";
import * as routes from "./auth.routes";

export const authRouter = createRouter()
  .openapi(routes.devSignIn, handlers.devSignInHandler)
  .openapi(routes.refreshTokens, handlers.refreshTokensHandler)
  .openapi(routes.signOut, handlers.signOutHandler);
