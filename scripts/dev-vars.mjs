// Makes sure .dev.vars (local secrets for `wrangler dev`, git-ignored) exists with a signing key, a
// download-link key and a webhook-secret key, so `npm run dev` works on a fresh clone. Never overwrites what a developer put there.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyring, generateSigningKeys } from "./signing-keys.mjs";

const file = join(import.meta.dirname, "..", ".dev.vars");
const secrets = [
  ["JWT_SIGNING_KEYS", () => generateSigningKeys("local-dev"), "a local signing key"],
  ["DOWNLOAD_URL_KEYS", async () => generateKeyring("local-dev"), "a local download-link key"],
  ["WEBHOOK_SECRET_KEYS", async () => generateKeyring("local-dev"), "a local key for webhook secrets"],
];
for (const [name, generate, what] of secrets) {
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (new RegExp(`^${name}=`, "m").test(current)) continue;
  appendFileSync(file, `${current && !current.endsWith("\n") ? "\n" : ""}${name}='${await generate()}'\n`);
  console.log(`wrote ${what} to .dev.vars`);
}
