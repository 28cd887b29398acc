import { z } from "@hono/zod-openapi";
import { Id } from "./common";

/** Who wrote a message, reacted or changed something: a user, or a partner API key (an agent). */
export const ActorSchema = z
  .object({
    type: z.enum(["user", "api_key"]).openapi({ description: "`user`: a signed-in person; `api_key`: an agent." }),
    id: Id.openapi({ description: "The user's id, or the API key's id." }),
  })
  .openapi("Actor", { example: { type: "user", id: "cmif7vj3k0000abcd12345678" } });
