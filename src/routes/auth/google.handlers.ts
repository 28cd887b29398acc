import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { clientInfo } from "../../auth/client-info";
import { exchangeCode, type GoogleIdentity, OAUTH_ERROR_CODE, verifyIdToken } from "../../auth/google";
import { clearSignInFlowCookie, type SignInFlow, signInFlowFor } from "../../auth/google-flow";
import { discover, type GoogleConfig, googleConfig } from "../../auth/google-provider";
import { redirectToGoogle } from "../../auth/google-sign-in";
import { type AuthorizationRequest, issueCode } from "../../auth/oauth-codes";
import { redirectToClient } from "../../auth/oauth-redirect";
import { startSession } from "../../auth/sessions";
import type { AppEnv } from "../../env";
import type { User } from "../../generated/prisma/client";
import { ApiError } from "../../http/api-error";
import { ok } from "../../http/envelope";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import type { completeGoogleSignIn, signInWithGoogleIdToken, startGoogleSignIn } from "./google.routes";

/** The user of this Google identity: found, linked by email or created. */
const userOf = async (c: Context<AppEnv>, identity: GoogleIdentity) => {
  const user = await repositories(c).users.upsertByGoogleSub(identity);
  if (!user) {
    throw new ApiError("unauthorized", "This email address belongs to an account linked to another Google account.");
  }
  return user;
};

type CallbackQuery = { code?: string | undefined; error?: string | undefined; iss?: string | undefined };

/** Who Google says signed in, from what it sent back to the callback. */
const signedInUser = async (c: Context<AppEnv>, config: GoogleConfig, flow: SignInFlow, query: CallbackQuery) => {
  const { code, error, iss } = query;
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
  const idToken = await exchangeCode(await discover(config, log), config, flow, code, log);
  return userOf(c, await verifyIdToken(config, idToken, flow.nonce, log));
};

/**
 * The sign-in answered an OAuth client's request: back to the client with a code, or with why not —
 * `access_denied` for a refused sign-in, `temporarily_unavailable` when Google could not be reached.
 */
const answerClient = async (c: Context<AppEnv>, request: AuthorizationRequest, user: Promise<User>) => {
  try {
    const code = await issueCode(c.env, await user, clientInfo(c), request);
    return redirectToClient(c, request, { code });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const reason = error.status === Status.UNAUTHORIZED ? "access_denied" : "temporarily_unavailable";
    return redirectToClient(c, request, { error: reason, error_description: error.detail });
  }
};

export const startGoogleSignInHandler: RouteHandler<typeof startGoogleSignIn, AppEnv> = (c) =>
  redirectToGoogle(c) as never;

export const completeGoogleSignInHandler: RouteHandler<typeof completeGoogleSignIn, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const config = googleConfig(c.env);
  const flow = await signInFlowFor(c, query.state);
  const user = signedInUser(c, config, flow, query);
  c.header("Cache-Control", "no-store");
  if (flow.client) {
    clearSignInFlowCookie(c);
    return answerClient(c, flow.client, user) as never;
  }
  const tokens = await startSession(c.env, await user, clientInfo(c));
  clearSignInFlowCookie(c);
  return ok(c, tokens, Status.OK);
};

export const signInWithGoogleIdTokenHandler: RouteHandler<typeof signInWithGoogleIdToken, AppEnv> = async (c) => {
  const { id_token, nonce } = c.req.valid("json");
  const user = await userOf(c, await verifyIdToken(googleConfig(c.env), id_token, nonce, c.get("logger")));
  return ok(c, await startSession(c.env, user, clientInfo(c)), Status.OK);
};
