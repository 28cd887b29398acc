import type { Context } from "hono";
import type { AppEnv } from "../env";
import { Status } from "../http/status";
import { authorizationUrl } from "./google";
import { newSignInFlow, setSignInFlowCookie } from "./google-flow";
import { discover, googleConfig } from "./google-provider";
import type { AuthorizationRequest } from "./oauth-codes";

const CALLBACK_PATH = "/auth/google/callback";

/**
 * Sends the browser to Google (302), keeping the flow in the sign-in cookie — with the OAuth client's
 * request it answers, when an MCP client (say) started it at /oauth/authorize.
 */
export const redirectToGoogle = async (c: Context<AppEnv>, client?: AuthorizationRequest) => {
  const config = googleConfig(c.env);
  const provider = await discover(config, c.get("logger"));
  const flow = newSignInFlow(config.redirectUri ?? `${new URL(c.req.url).origin}${CALLBACK_PATH}`, client);
  await setSignInFlowCookie(c, flow);
  c.header("Cache-Control", "no-store");
  return c.redirect(await authorizationUrl(provider, config, flow), Status.FOUND);
};
