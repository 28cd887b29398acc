import { base64url } from "jose";
import type { RingKey } from "../auth/keyring";
import type { Disposition } from "./disposition";

/**
 * Short-lived signed download links for clients that cannot send a header (an `<img>`, a plain
 * download): HMAC-SHA256 over the file id, expiry and disposition, with a key from the
 * `DOWNLOAD_URL_KEYS` keyring (see ../auth/keyring.ts). The first key signs, every listed key verifies:
 * rotate by putting a new key first and dropping the old one once its links have expired.
 */
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

const payloadOf = ({ fileId, expires, disposition }: LinkClaims) =>
  new TextEncoder().encode(`v1.${fileId}.${expires}.${disposition}`);

const hmacKey = (key: RingKey, usage: "sign" | "verify") =>
  crypto.subtle.importKey("raw", base64url.decode(key.secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);

export const signLink = async (keys: RingKey[], claims: LinkClaims): Promise<SignedLink> => {
  const [key] = keys;
  if (!key) throw new Error("no download-link key");
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(key, "sign"), payloadOf(claims));
  return { ...claims, kid: key.kid, signature: base64url.encode(new Uint8Array(signature)) };
};

/** Whether the signature is one of ours over exactly these claims (constant-time, by WebCrypto). */
export const verifyLink = async (keys: RingKey[], link: SignedLink): Promise<boolean> => {
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
