import type { Bindings } from "./env";

/** The optional features: each works only when the deployment has what it needs. */
export const FEATURES = [
  "google_sign_in",
  "download_links",
  "previews",
  "image_previews",
  "webhooks",
  "mcp",
  "chat",
] as const;
export type Feature = (typeof FEATURES)[number];

/** What each feature needs, by the name of its setting or binding (as wrangler.jsonc and .dev.vars spell it). */
const NEEDS: Record<Feature, (env: Bindings) => Record<string, unknown>> = {
  google_sign_in: (env) => ({ GOOGLE_CLIENT_ID: env.GOOGLE_CLIENT_ID }),
  download_links: (env) => ({ DOWNLOAD_URL_KEYS: env.DOWNLOAD_URL_KEYS }),
  previews: (env) => ({ PREVIEWS: env.PREVIEWS }),
  image_previews: (env) => ({ PREVIEWS: env.PREVIEWS, IMAGES: env.IMAGES }),
  webhooks: (env) => ({ WEBHOOKS: env.WEBHOOKS, WEBHOOK_SECRET_KEYS: env.WEBHOOK_SECRET_KEYS }),
  mcp: (env) => ({ MCP: env.MCP }),
  chat: (env) => ({ CHAT: env.CHAT }),
};

/** Whether each optional feature is configured here, and which settings it lacks; for GET /health. */
export const featureStatus = (env: Bindings) =>
  Object.fromEntries(
    FEATURES.map((feature) => {
      const missing = Object.entries(NEEDS[feature](env))
        .filter(([, value]) => value === undefined || value === "")
        .map(([name]) => name);
      return [feature, { configured: missing.length === 0, missing }];
    }),
  ) as Record<Feature, { configured: boolean; missing: string[] }>;

/** The settings a feature lacks here (empty when it is configured). */
export const missingFor = (env: Bindings, feature: Feature): string[] => featureStatus(env)[feature].missing;
