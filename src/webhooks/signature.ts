import { SECRET_PREFIX, toBase64 } from "./secrets";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `v1,` + base64 HMAC-SHA256, keyed with
 * the secret's bytes, over `{webhook-id}.{webhook-timestamp}.{body}`. While a rotated-out secret still
 * signs, the header carries one signature per secret, space-separated; a receiver accepts any that verifies.
 */
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

const signOne = async (secret: string, content: Uint8Array) => {
  const raw = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`;
};

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three headers of one attempt: `timestamp` is when it is sent (receivers refuse stale ones). */
export const signWebhook = async (
  secrets: string[],
  id: string,
  timestamp: Date,
  body: string,
): Promise<SignedHeaders> => {
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const content = new TextEncoder().encode(`${id}.${seconds}.${body}`);
  const signatures = await Promise.all(secrets.map((secret) => signOne(secret, content)));
  return { "webhook-id": id, "webhook-timestamp": seconds, "webhook-signature": signatures.join(" ") };
};
