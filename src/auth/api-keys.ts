import type { Context } from "hono";
import type { AppEnv } from "../env";
import { inBackground } from "../http/background";
import type { Principal } from "../principal";
import { repositories } from "../repositories";
import { API_KEY_PATTERN, scopesOf } from "../schemas/api-keys";
import { randomSecret, sha256Hex } from "./secrets";
import { invalidToken } from "./tokens";

/**
 * Partner API keys: `elk_<prefix>_<secret>`. The prefix (12 base32 characters, 60 bits) names the
 * key in listings and finds its row with one indexed query (the key's shape: API_KEY_PATTERN); only the SHA-256 of the whole key is
 * stored, so the database never holds a usable credential.
 */
const API_KEY_MARKER = "elk_";
const PREFIX_LENGTH = 12;
const PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** How often `last_used_at` is written at most: once a minute is plenty and spares D1 a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Bearer credentials starting with the marker are API keys; anything else is an access token. */
export const isApiKey = (credential: string) => credential.startsWith(API_KEY_MARKER);

export const newApiKey = async () => {
  // 32 divides 256, so masking a random byte to 5 bits picks every character equally often.
  const prefix = [...crypto.getRandomValues(new Uint8Array(PREFIX_LENGTH))]
    .map((byte) => PREFIX_ALPHABET[byte & 31])
    .join("");
  const key = `${API_KEY_MARKER}${prefix}_${randomSecret(32)}`;
  return { key, prefix, keyHash: await sha256Hex(key) };
};

const sameHash = (a: string, b: string) => {
  const encoder = new TextEncoder();
  return a.length === b.length && crypto.subtle.timingSafeEqual(encoder.encode(a), encoder.encode(b));
};

const assertKeyLive = (apiKey: { revokedAt: Date | null; expiresAt: Date | null }, now: Date) => {
  if (apiKey.revokedAt) throw invalidToken("This API key has been revoked.");
  if (apiKey.expiresAt && apiKey.expiresAt <= now) throw invalidToken("This API key has expired.");
};

/** The principal of the API key with this id if it is still live (a stream token names its key by id). */
export const apiKeyById = async (c: Context<AppEnv>, id: string): Promise<Principal> => {
  const apiKey = await repositories(c).apiKeys.findById(id);
  if (!apiKey) throw invalidToken("The API key of this token no longer exists.");
  assertKeyLive(apiKey, new Date());
  return { kind: "api_key", id: apiKey.id, scopes: scopesOf(apiKey.scopes) };
};

/**
 * The principal of an API key, or 401. Unknown prefixes and wrong secrets get the same answer, so
 * a caller learns nothing from guessing; revoked and expired are told apart only to the key's holder.
 */
export const authenticateApiKey = async (c: Context<AppEnv>, key: string): Promise<Principal> => {
  const prefix = API_KEY_PATTERN.exec(key)?.[1];
  if (!prefix) throw invalidToken("The API key is malformed; it looks like elk_<prefix>_<secret>.");
  const repository = repositories(c).apiKeys;
  const apiKey = await repository.findByPrefix(prefix);
  if (!apiKey || !sameHash(await sha256Hex(key), apiKey.keyHash)) throw invalidToken("The API key is not valid.");
  const now = new Date();
  assertKeyLive(apiKey, now);
  if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await inBackground(
      c,
      "recording API key use",
      repository.recordUse(apiKey.id, now, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)),
    );
  }
  return { kind: "api_key", id: apiKey.id, scopes: scopesOf(apiKey.scopes) };
};
