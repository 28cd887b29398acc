// Makes sure .dev.vars (local secrets for `wrangler dev`, git-ignored) exists with a signing key, so
// `npm run dev` works on a fresh clone. Never overwrites what a developer put there.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateSigningKeys } from "./signing-keys.mjs";

const file = join(import.meta.dirname, "..", ".dev.vars");
const current = existsSync(file) ? readFileSync(file, "utf8") : "";
if (!/^JWT_SIGNING_KEYS=/m.test(current)) {
  const keys = await generateSigningKeys("local-dev");
  appendFileSync(file, `${current && !current.endsWith("\n") ? "\n" : ""}JWT_SIGNING_KEYS='${keys}'\n`);
  console.log("wrote a local signing key to .dev.vars");
}
