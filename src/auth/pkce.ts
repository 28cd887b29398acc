import { base64url } from "jose";

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export const pkceChallenge = async (verifier: string): Promise<string> =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
