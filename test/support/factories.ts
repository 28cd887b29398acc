import { unwrap } from "../../sdk/src";
import { client } from "./api";

/** Unique per call, so tests never collide on the unique email, whatever order they run in. */
export const uniqueEmail = (label = "user") => `${label}.${crypto.randomUUID()}@example.com`;

export const createUser = (overrides: { email?: string; name?: string; role?: "ADMIN" | "USER" | "VIEWER" } = {}) =>
  unwrap(
    client.POST("/users", {
      body: {
        email: overrides.email ?? uniqueEmail(),
        name: overrides.name ?? "Test User",
        role: overrides.role ?? "USER",
      },
    }),
  );
