import type { Logger } from "./middleware/request-context";

/** Bindings and vars declared in wrangler.jsonc (secrets come from .dev.vars locally). */
export interface Bindings {
  DB: D1Database;
  FILES: R2Bucket;
  THREAD_HUB: DurableObjectNamespace;
  RATE_LIMITER: RateLimit;
  ASSETS: Fetcher;
  ENVIRONMENT: string;
  API_VERSION: string;
  /** Comma-separated list of origins allowed by CORS. */
  CORS_ORIGINS: string;
  /** Largest request body accepted, in bytes. */
  MAX_BODY_BYTES: string;
  /** "true" mounts the raw-D1 baseline routes that bench/ compares against. */
  BENCH_BASELINE?: string;
}

/** Values middleware puts on the context for handlers. */
export interface Variables {
  requestId: string;
  logger: Logger;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
