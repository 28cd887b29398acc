import { createRouter } from "../../http/router";
import * as handlers from "./auth.handlers";
import * as routes from "./auth.routes";
import * as google from "./google.handlers";
import * as googleRoutes from "./google.routes";

export const authRouter = createRouter()
  .openapi(routes.devSignIn, handlers.devSignInHandler)
  .openapi(routes.refreshTokens, handlers.refreshTokensHandler)
  .openapi(routes.signOut, handlers.signOutHandler)
  .openapi(googleRoutes.startGoogleSignIn, google.startGoogleSignInHandler)
  .openapi(googleRoutes.completeGoogleSignIn, google.completeGoogleSignInHandler)
  .openapi(googleRoutes.signInWithGoogleIdToken, google.signInWithGoogleIdTokenHandler);
