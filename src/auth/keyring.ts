import { base64url } from "jose";

/**
 * A keyring held in a secret (DOWNLOAD_URL_KEYS, WEBHOOK_SECRET_KEYS): a JSON array of `{ "kid", "secret" }`,
 * each secret base64url of at least 32 bytes. The first key is the current one (it signs or encrypts); every
 * listed key verifies or decrypts, so a key is rotated by putting a new one first and dropping the old one once
 * nothing made with it is left.
 */
export interface RingKey {
  kid: string;
  secret: string;
}

const isRingKey = (value: unknown): value is RingKey =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as RingKey).kid === "string" &&
  typeof (value as RingKey).secret === "string" &&
  base64url.decode((value as RingKey).secret).length >= 32;

/** The configured keys, or null when the secret is missing or not a list of such keys. */
export const keyringFrom = (secret: string | undefined): RingKey[] | null => {
  if (!secret) return null;
  try {
    const keys: unknown = JSON.parse(secret);
    return Array.isArray(keys) && keys.length > 0 && keys.every(isRingKey) ? keys : null;
  } catch {
    return null;
  }
};
