import { base64url } from "jose";
import type { RingKey } from "../auth/keyring";

/**
 * Signing secrets of webhook subscriptions. A secret must be recoverable to sign with, so it is stored
 * encrypted (AES-256-GCM, a fresh 12-byte IV per secret) with the current key of the WEBHOOK_SECRET_KEYS
 * keyring; `kid` names the key, so secrets made under an older key still decrypt while it is listed.
 * A secret is shown as Standard Webhooks writes it: `whsec_` + base64 of 32 random bytes.
 */
export const SECRET_PREFIX = "whsec_";

export interface SealedSecret {
  kid: string;
  /** base64url of IV ‖ ciphertext. */
  ciphertext: string;
}

const IV_BYTES = 12;

/** Standard (not url-safe) base64, as Standard Webhooks writes secrets and signatures. */
export const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** A new signing secret, as the subscriber sees it once. */
export const newSigningSecret = (): string => SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));

const aesKey = (key: RingKey, usage: "encrypt" | "decrypt") =>
  crypto.subtle.importKey("raw", base64url.decode(key.secret).slice(0, 32), { name: "AES-GCM" }, false, [usage]);

export const sealSecret = async (keys: RingKey[], secret: string): Promise<SealedSecret> => {
  const [key] = keys;
  if (!key) throw new Error("no webhook secret key");
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    // The key id is bound to the ciphertext, so a row cannot be made to decrypt under another key.
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(key.kid) },
    await aesKey(key, "encrypt"),
    new TextEncoder().encode(secret),
  );
  const joined = new Uint8Array(IV_BYTES + sealed.byteLength);
  joined.set(iv);
  joined.set(new Uint8Array(sealed), IV_BYTES);
  return { kid: key.kid, ciphertext: base64url.encode(joined) };
};

/** The secret, or null when its key is no longer in the keyring (or the row was tampered with). */
export const openSecret = async (keys: RingKey[], sealed: SealedSecret): Promise<string | null> => {
  const key = keys.find((candidate) => candidate.kid === sealed.kid);
  if (!key) return null;
  try {
    const joined = base64url.decode(sealed.ciphertext);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: joined.slice(0, IV_BYTES), additionalData: new TextEncoder().encode(key.kid) },
      await aesKey(key, "decrypt"),
      joined.slice(IV_BYTES),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
};
