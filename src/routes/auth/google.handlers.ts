import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { clientInfo } from "../../auth/client-info";
import {
  authorizationUrl,
  exchangeCode,
  type GoogleIdentity,
  OAUTH_ERROR_CODE,
  verifyIdToken,
} from "../../auth/google";
import { clearSignInFlowCookie, newSignInFlow, setSignInFlowCookie, signInFlowFor } from "../../auth/google-flow";
import { discover, googleConfig } from "../../auth/google-provider";
import { startSession } from "../../auth/sessions";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import type { completeGoogleSignIn, signInWithGoogleIdToken, startGoogleSignIn } from "./google.routes";

const CALLBACK_PATH = "/auth/google/callback";

/** The user of this Google identity (found, linked by email or created), with a new session. */
const signIn = async (c: Context<AppEnv>, identity: GoogleIdentity) => {
  const user = await repositories(c).users.upsertByGoogleSub(identity);
  if (!user) {
    throw new ApiError("unauthorized", "This email address belongs to an account linked to another Google account.");
  }
  return startSession(c.env, user, clientInfo(c));
};

export const startGoogleSignInHandler: RouteHandler<typeof startGoogleSignIn, AppEnv> = async (c) => {
  const config = googleConfig(c.env);
  const provider = await discover(config, c.get("logger"));
  const flow = newSignInFlow(config.redirectUri ?? `${new URL(c.req.url).origin}${CALLBACK_PATH}`);
  await setSignInFlowCookie(c, flow);
  c.header("Cache-Control", "no-store");
  return c.redirect(await authorizationUrl(provider, config, flow), Status.FOUND);
};

export const completeGoogleSignInHandler: RouteHandler<typeof completeGoogleSignIn, AppEnv> = async (c) => {
  const { code, state, error, iss } = c.req.valid("query");
  const config = googleConfig(c.env);
  const flow = await signInFlowFor(c, state);
  if (iss !== undefined && iss !== config.issuer) {
    throw new ApiError("unauthorized", "The authorization response came from another issuer.");
  }
  if (error !== undefined) {
    // access_denied when the user cancelled; only well-formed error codes are repeated.
    throw new ApiError(
      "unauthorized",
      `Google did not sign you in (${OAUTH_ERROR_CODE.test(error) ? error : "error"}).`,
    );
  }
  if (code === undefined) throw new ApiError("unauthorized", "The callback carries no authorization code.");
  const log = c.get("logger");
  const provider = await discover(config, log);
  const idToken = await exchangeCode(provider, config, flow, code, log);
  const tokens = await signIn(c, await verifyIdToken(config, idToken, flow.nonce, log));
  clearSignInFlowCookie(c);
  c.header("Cache-Control", "no-store");
  return ok(c, tokens, Status.OK);
};

export const signInWithGoogleIdTokenHandler: RouteHandler<typeof signInWithGoogleIdToken, AppEnv> = async (c) => {
  const { id_token, nonce } = c.req.valid("json");
  const identity = await verifyIdToken(googleConfig(c.env), id_token, nonce, c.get("logger"));
  return ok(c, await signIn(c, identity), Status.OK);
};
