import { unwrap } from "../../sdk/src";
import { client } from "./api";
import { uniqueEmail } from "./harness";

export { uniqueEmail };

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
