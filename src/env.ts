import type { Logger } from "./logging";
import type { Principal } from "./principal";

/** A message of the PREVIEWS queue: make the preview of this file. */
export interface PreviewJob {
  fileId: string;
}

/** A message of the WEBHOOKS queue: make an attempt at this delivery (the row says what and where). */
export interface WebhookJob {
  deliveryId: string;
}

/** Bindings and vars declared in wrangler.jsonc (secrets come from .dev.vars locally). */
export interface Bindings {
  DB: D1Database;
  FILES: R2Bucket;
  /** Jobs for the preview maker (src/previews); unset: no previews (GET …/preview answers 503). */
  PREVIEWS?: Queue<PreviewJob>;
  /** Pokes for webhook deliveries (src/webhooks); unset: webhooks cannot be created (503). */
  WEBHOOKS?: Queue<WebhookJob>;
  /** The MCP worker (src/mcp, a service binding): `POST /mcp` is forwarded to it; unset: 503. */
  MCP?: Fetcher;
  /** The chat worker (src/chat, a service binding): the AI SDK's `useChat` endpoints are forwarded to it; unset: 503. */
  CHAT?: Fetcher;
  /** Cloudflare Images, for thumbnails and dimensions; unset: images get no preview. */
  IMAGES?: ImagesBinding;
  /** One ThreadHub per thread: its live streams (src/realtime/thread-hub.ts; typed in src/realtime/hubs.ts). */
  THREAD_HUB: DurableObjectNamespace;
  /** One UserHub per user: their own stream's live connections (src/realtime/user-hub.ts). */
  USER_HUB: DurableObjectNamespace;
  /** Reads and public pages, keyed per principal (client IP when anonymous); see src/middleware/rate-limit.ts. */
  READ_RATE_LIMITER: RateLimit;
  /** Writes, keyed per principal (client IP when anonymous); see src/middleware/rate-limit.ts. */
  WRITE_RATE_LIMITER: RateLimit;
  /** Deltas of streamed replies, keyed per principal. */
  DELTA_RATE_LIMITER: RateLimit;
  /** Sign-in and token endpoints, keyed per client IP. */
  AUTH_RATE_LIMITER: RateLimit;
  ASSETS: Fetcher;
  ENVIRONMENT: string;
  API_VERSION: string;
  /** Comma-separated list of origins allowed by CORS. */
  CORS_ORIGINS: string;
  /** Largest request body accepted, in bytes (file uploads have their own limit). */
  MAX_BODY_BYTES: string;
  /** Largest single-request file upload (raw body or form), in bytes. */
  MAX_UPLOAD_BYTES: string;
  /** Largest file a resumable upload (`POST /uploads`, sent in parts) may make, in bytes. */
  MAX_RESUMABLE_UPLOAD_BYTES: string;
  /** Secret: JSON array of `{ kid, secret }` HMAC keys for signed download links; the first signs. */
  DOWNLOAD_URL_KEYS?: string;
  /** Secret: JSON array of `{ kid, secret }` AES keys that encrypt webhook signing secrets; the first encrypts. */
  WEBHOOK_SECRET_KEYS?: string;
  /** Webhook delivery (src/webhooks/settings.ts): seconds between retries, comma-separated. */
  WEBHOOK_RETRY_SCHEDULE?: string;
  WEBHOOK_TIMEOUT_SECONDS?: string;
  /** A subscription failing every delivery for this long is disabled. */
  WEBHOOK_DISABLE_AFTER_SECONDS?: string;
  /** Pending deliveries this far past due are sent again by the sweep (a lost queue message). */
  WEBHOOK_SWEEP_AFTER_SECONDS?: string;
  /** "true": webhook URLs on loopback (localhost, 127.0.0.1, [::1]) are allowed, for a local agent in development. */
  WEBHOOK_ALLOW_LOOPBACK?: string;
  /** `iss` and `aud` of our access tokens. */
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  ACCESS_TOKEN_TTL_SECONDS?: string;
  REFRESH_TOKEN_TTL_SECONDS?: string;
  /** Secret: JSON array of private P-256 JWKs with `kid`; the first signs, all verify (rotation). */
  JWT_SIGNING_KEYS?: string;
  /** Google sign-in (OIDC): the issuer whose discovery document and keys are trusted; Google's when unset. */
  GOOGLE_ISSUER?: string;
  /** The OAuth client id: the `aud` every Google ID token must carry. Unset: Google sign-in answers 503 `feature-not-configured`. */
  GOOGLE_CLIENT_ID?: string;
  /** Comma-separated Workspace domains (`hd` claim) that may sign in; empty: any Google account. */
  GOOGLE_ALLOWED_DOMAINS?: string;
  /** Where Google sends the browser back; `<request origin>/auth/google/callback` when unset. */
  GOOGLE_REDIRECT_URI?: string;
  /** Secret: the OAuth client secret, sent to the token endpoint when exchanging a code. */
  GOOGLE_CLIENT_SECRET?: string;
  /** Live streams (src/realtime/stream-config.ts): heartbeat period and connection limits. */
  STREAM_HEARTBEAT_SECONDS?: string;
  STREAM_MAX_PER_THREAD?: string;
  STREAM_MAX_PER_HOLDER?: string;
  /** A STREAMING message with no delta for this long becomes INCOMPLETE. */
  MESSAGE_STREAM_IDLE_SECONDS?: string;
  /** How long an isolate trusts a session it checked (src/auth/session-cache.ts): the bound on revocation; 0: off. */
  SESSION_CACHE_SECONDS?: string;
}

/** Values middleware puts on the context for handlers. */
export interface Variables {
  requestId: string;
  logger: Logger;
  /** Set by the authentication middleware; absent for anonymous requests. */
  principal?: Principal;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
