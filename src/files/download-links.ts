import { base64url } from "jose";
import type { Disposition } from "./disposition";

/**
 * Short-lived signed download links for clients that cannot send a header (an `<img>`, a plain
 * download): HMAC-SHA256 over the file id, expiry and disposition, with a key from the
 * `DOWNLOAD_URL_KEYS` secret, a JSON array of `{ "kid", "secret" }` (secret: base64url, ≥ 32 bytes).
 * The first key signs, every listed key verifies: rotate by putting a new key first and dropping
 * the old one once its links have expired.
 */
export interface LinkKey {
  kid: string;
  secret: string;
}

export interface LinkClaims {
  fileId: string;
  /** Unix seconds. */
  expires: number;
  disposition: Disposition;
}

export interface SignedLink extends LinkClaims {
  kid: string;
  signature: string;
}

const isLinkKey = (value: unknown): value is LinkKey =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as LinkKey).kid === "string" &&
  typeof (value as LinkKey).secret === "string" &&
  base64url.decode((value as LinkKey).secret).length >= 32;

/** The configured keys, or null when the secret is missing or not a list of such keys. */
export const linkKeysFrom = (secret: string | undefined): LinkKey[] | null => {
  if (!secret) return null;
  try {
    const keys: unknown = JSON.parse(secret);
    return Array.isArray(keys) && keys.length > 0 && keys.every(isLinkKey) ? keys : null;
  } catch {
    return null;
  }
};

const payloadOf = ({ fileId, expires, disposition }: LinkClaims) =>
  new TextEncoder().encode(`v1.${fileId}.${expires}.${disposition}`);

const hmacKey = (key: LinkKey, usage: "sign" | "verify") =>
  crypto.subtle.importKey("raw", base64url.decode(key.secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);

export const signLink = async (keys: LinkKey[], claims: LinkClaims): Promise<SignedLink> => {
  const [key] = keys;
  if (!key) throw new Error("no download-link key");
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(key, "sign"), payloadOf(claims));
  return { ...claims, kid: key.kid, signature: base64url.encode(new Uint8Array(signature)) };
};

/** Whether the signature is one of ours over exactly these claims (constant-time, by WebCrypto). */
export const verifyLink = async (keys: LinkKey[], link: SignedLink): Promise<boolean> => {
  const key = keys.find((candidate) => candidate.kid === link.kid);
  if (!key) return false;
  let signature: Uint8Array;
  try {
    signature = base64url.decode(link.signature);
  } catch {
    return false;
  }
  return crypto.subtle.verify("HMAC", await hmacKey(key, "verify"), signature, payloadOf(link));
};
