// Bundled in place of `ky` (wrangler.jsonc `alias`): only @prisma/adapter-d1's HTTP adapter uses it, for D1's
// REST API from outside Workers; this worker talks to its D1 binding. 10 KB of the 1 MiB bundle budget.
export default {
  create() {
    throw new Error("ky is not bundled: the D1 HTTP adapter is not available in this worker");
  },
};
