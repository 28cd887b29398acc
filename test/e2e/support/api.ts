import { randomUUID } from "node:crypto";
import { inject } from "vitest";

/** The shared `wrangler dev` of global-setup.ts. */
export const base = () => inject("baseUrl");

// Sign-in is limited to 10 requests a minute per client IP: every request comes from an address of its own.
let lastIp = 0;
const nextIp = () => {
  lastIp += 1;
  return `10.88.${lastIp >> 8}.${lastIp & 255}`;
};

/** One operation as `token`, answering its `data`; anything but 2xx throws with the answer. */
export const api = async <T>(token: string | null, method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${base()}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      "CF-Connecting-IP": nextIp(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text).data : undefined) as T;
};

/** A new user's access token (local development sign-in). */
export const signIn = async (role: "ADMIN" | "USER") =>
  (
    await api<{ access_token: string }>(null, "POST", "/auth/dev/sign-in", {
      email: `e2e-${randomUUID()}@example.com`,
      role,
    })
  ).access_token;
