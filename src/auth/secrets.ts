import { base64url } from "jose";

/** Random secrets and their stored form: only SHA-256 hashes of secrets ever reach the database. */
export const randomSecret = (bytes = 32): string => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));

export const sha256Hex = async (text: string): Promise<string> => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
};
