import { z } from "@hono/zod-openapi";
import { Timestamp } from "../schemas/common";

export const StreamTokenSchema = z
  .object({
    token: z.string().max(2048).openapi({ description: "Pass as `token` on the stream's URL." }),
    expires_at: Timestamp.openapi({ description: "Open the stream before this; an open stream is not cut then." }),
    url: z.string().max(2200).openapi({
      description: "The stream's path with the token, for `new EventSource(baseUrl + url)`.",
      example: "/threads/cmif7vj3k0000thr000000001/events?token=eyJ…",
    }),
  })
  .openapi("StreamToken");

export const streamTokenExample: z.input<typeof StreamTokenSchema> = {
  token: "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoic3RyZWFtK2p3dCJ9.e30.c2ln",
  expires_at: "2026-11-25T10:05:00.000Z",
  url: "/threads/cmif7vj3k0000thr000000001/events?token=eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoic3RyZWFtK2p3dCJ9.e30.c2ln",
};
