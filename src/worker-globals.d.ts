// Tells @cloudflare/workers-types what this worker exports and binds (what `wrangler types` would
// generate), so `env` and `exports` from "cloudflare:workers" are typed.
declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "ThreadHub";
    }
  }
}

export {};
