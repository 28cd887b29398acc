import { z } from "@hono/zod-openapi";

export const GoogleCallbackQuery = z.object({
  code: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .openapi({
      param: { name: "code", in: "query" },
      description: "The authorization code; absent when Google reports an `error` instead.",
      example: "4/0AeanS0ZkLq3Xb1c2d3e4f5g6h7i8j9k",
    }),
  // Optional here so that a missing state is refused like a wrong one: 401, not 400.
  state: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .openapi({
      param: { name: "state", in: "query" },
      description: "Echoed by Google; must match the sign-in cookie set by GET /auth/google/start.",
      example: "o3ZpY2tzdGF0ZXZhbHVlMTIzNDU2Nzg5MGFiY2RlZmdo",
    }),
  error: z
    .string()
    .max(256)
    .optional()
    .openapi({
      param: { name: "error", in: "query" },
      description: "Set by Google instead of `code` when the user declined or the request was refused.",
      example: "access_denied",
    }),
  iss: z
    .string()
    .max(2048)
    .optional()
    .openapi({
      param: { name: "iss", in: "query" },
      description: "RFC 9207 issuer identification; when present it must be the configured Google issuer.",
      example: "https://accounts.google.com",
    }),
});

export const GoogleIdTokenBody = z
  .strictObject({
    id_token: z
      .string()
      .min(1)
      .max(4096)
      .openapi({ description: "A Google ID token (RS256 JWT), e.g. the `credential` of Google One Tap." }),
    nonce: z.string().min(1).max(256).optional().openapi({
      description:
        "The nonce your client put in the Google request; when sent, the token's `nonce` must equal it (replay protection).",
    }),
  })
  .openapi("GoogleIdTokenRequest", {
    example: {
      id_token:
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImFiYzEyMyIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2FjY291bnRzLmdvb2dsZS5jb20ifQ.sig",
      nonce: "n-0S6_WzA2Mj",
    },
  });
