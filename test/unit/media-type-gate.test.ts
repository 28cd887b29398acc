import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { handleError } from "../../src/http/error-handler";
import { createRouter } from "../../src/http/router";

// Every operation of the API declares a required body; this router shows what the validation set-up does
// for one whose body is optional, and for one whose schema accepts `{}` (where the 500 of issue 25 came from).
const Options = z.object({ note: z.string().max(10).optional() }).strict();
const echo = (path: string, required: boolean) =>
  createRoute({
    method: "post",
    path,
    request: { body: { required, content: { "application/json": { schema: Options } } } },
    responses: { 200: { description: "The body as validated." } },
  });

const router = createRouter()
  .openapi(echo("/optional", false), (c) => c.json(c.req.valid("json"), 200))
  .openapi(echo("/required", true), (c) => c.json(c.req.valid("json"), 200));
router.onError(handleError);

const send = (path: string, init: RequestInit = {}) =>
  router.request(path, { method: "POST", ...init, headers: { Accept: "application/json", ...init.headers } });
const asJson = (body: string, contentType = "application/json") => ({ body, headers: { "Content-Type": contentType } });

describe("request bodies before validation", () => {
  it("treats no body at all as the empty body an optional body documents", async () => {
    const response = await send("/optional");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  it("validates an optional body that is sent", async () => {
    expect(await (await send("/optional", asJson('{"note":"hi"}'))).json()).toEqual({ note: "hi" });
    expect((await send("/optional", asJson('{"note":"far too long"}'))).status).toBe(400);
  });

  it("answers a required body that was not sent with 415, though its schema accepts {}", async () => {
    const response = await send("/required");
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      error: { detail: "This operation needs a request body: send it as application/json, with that Content-Type." },
    });
  });

  it("answers an empty body sent as JSON with 400", async () => {
    expect((await send("/required", asJson(""))).status).toBe(400);
  });

  it.each(["text/plain", "application/merge-patch+json", "application/vnd.api+json"])(
    "takes only the declared media type: %s is 415, for an optional body too",
    async (type) => {
      for (const path of ["/required", "/optional"]) {
        const response = await send(path, asJson("{}", type));
        expect(response.status, path).toBe(415);
        expect(await response.json()).toMatchObject({ error: { detail: expect.stringContaining(type) } });
      }
    },
  );

  it("accepts the declared type with parameters, in any case", async () => {
    expect((await send("/required", asJson('{"note":"ok"}', "Application/JSON; charset=utf-8"))).status).toBe(200);
  });
});
