import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { webhookScopeOf } from "../../auth/reach";
import { reachableThread } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import { ApiError } from "../../http/api-error";
import { inBackground } from "../../http/background";
import { decodeCursor } from "../../http/cursor";
import { ok, okPage } from "../../http/envelope";
import { toPage } from "../../http/pagination";
import { Status } from "../../http/status";
import { repositories } from "../../repositories";
import { enqueueDeliveries } from "../../webhooks/enqueue";
import { assertWebhookUrl, webhookSetup } from "../../webhooks/requirements";
import { newSigningSecret, sealSecret } from "../../webhooks/secrets";
import { webhookSettings } from "../../webhooks/settings";
import { MAX_WEBHOOKS_PER_CREATOR, webhookDeliveryToWire, webhookToWire } from "../../wire/webhooks";
import type {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  retryWebhookDelivery,
  rotateWebhookSecret,
  testWebhook,
  updateWebhook,
} from "./webhooks.routes";

const webhookNotFound = (id: string) => new ApiError("not-found", `No webhook subscription with id ${id}.`);
const disabled = (id: string) =>
  new ApiError("conflict", `Webhook subscription ${id} is disabled: enable it (PATCH enabled: true) first.`);

/** The subscription, if the caller manages it (else 404). */
const managed = async (c: Context<AppEnv>, id: string) => {
  const subscription = await repositories(c).webhooks.findById(id, webhookScopeOf(principalOf(c)));
  if (!subscription) throw webhookNotFound(id);
  return subscription;
};

export const createWebhookHandler: RouteHandler<typeof createWebhook, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const principal = principalOf(c);
  const { keys } = webhookSetup(c.env);
  assertWebhookUrl(c.env, body.url);
  if (body.thread_id) await reachableThread(c, body.thread_id);
  const creator = principal.kind === "user" ? { userId: principal.id } : { keyId: principal.id };
  const webhooks = repositories(c).webhooks;
  if ((await webhooks.countByCreator(creator)) >= MAX_WEBHOOKS_PER_CREATOR) {
    throw new ApiError("conflict", `At most ${MAX_WEBHOOKS_PER_CREATOR} subscriptions per creator; delete one first.`);
  }
  const secret = newSigningSecret();
  const sealed = await sealSecret(keys, secret);
  const subscription = await webhooks.create({
    url: body.url,
    events: body.events,
    description: body.description ?? null,
    threadId: body.thread_id ?? null,
    creator,
    secretKid: sealed.kid,
    secretCiphertext: sealed.ciphertext,
    now: new Date(),
  });
  c.header("Location", `/webhooks/${subscription.id}`);
  return ok(c, { ...webhookToWire(subscription), secret }, Status.CREATED);
};

export const listWebhooksHandler: RouteHandler<typeof listWebhooks, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const rows = await repositories(c).webhooks.listPage(
    limit,
    cursor ? decodeCursor(cursor) : null,
    webhookScopeOf(principalOf(c)),
  );
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(c, page.map(webhookToWire), pagination);
};

export const getWebhookHandler: RouteHandler<typeof getWebhook, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return ok(c, webhookToWire(await managed(c, id)), Status.OK);
};

export const updateWebhookHandler: RouteHandler<typeof updateWebhook, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  await managed(c, id);
  if (body.url !== undefined) assertWebhookUrl(c.env, body.url);
  const updated = await repositories(c).webhooks.update(id, body, new Date());
  if (!updated) throw webhookNotFound(id);
  return ok(c, webhookToWire(updated), Status.OK);
};

export const deleteWebhookHandler: RouteHandler<typeof deleteWebhook, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  await managed(c, id);
  await repositories(c).webhooks.delete(id);
  return c.body(null, Status.NO_CONTENT);
};

export const rotateWebhookSecretHandler: RouteHandler<typeof rotateWebhookSecret, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { keys } = webhookSetup(c.env);
  const subscription = await managed(c, id);
  const secret = newSigningSecret();
  const sealed = await sealSecret(keys, secret);
  const now = new Date();
  const rotated = await repositories(c).webhooks.rotate(
    id,
    { secretKid: sealed.kid, secretCiphertext: sealed.ciphertext },
    { secretKid: subscription.secretKid, secretCiphertext: subscription.secretCiphertext },
    new Date(now.getTime() + webhookSettings(c.env).previousSecretMs),
    now,
  );
  if (!rotated) throw webhookNotFound(id);
  return ok(c, { ...webhookToWire(rotated), secret }, Status.OK);
};

export const testWebhookHandler: RouteHandler<typeof testWebhook, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { queue } = webhookSetup(c.env);
  const subscription = await managed(c, id);
  if (!subscription.enabled) throw disabled(id);
  const delivery = await repositories(c).webhookDeliveries.createTest(id, new Date());
  // Lost, it is only late: the sweep sends it.
  await inBackground(c, "queueing a webhook delivery", enqueueDeliveries(queue, [delivery.id]));
  c.header("Location", `/webhooks/${id}/deliveries`);
  return ok(c, webhookDeliveryToWire(delivery), Status.ACCEPTED);
};

export const listWebhookDeliveriesHandler: RouteHandler<typeof listWebhookDeliveries, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor, status } = c.req.valid("query");
  await managed(c, id);
  const rows = await repositories(c).webhookDeliveries.listPage(
    id,
    limit,
    cursor ? decodeCursor(cursor) : null,
    status,
  );
  const { page, pagination } = toPage(rows, limit, (row) => row.createdAt);
  return okPage(c, page.map(webhookDeliveryToWire), pagination);
};

export const retryWebhookDeliveryHandler: RouteHandler<typeof retryWebhookDelivery, AppEnv> = async (c) => {
  const { id, delivery_id } = c.req.valid("param");
  const { queue } = webhookSetup(c.env);
  const subscription = await managed(c, id);
  const deliveries = repositories(c).webhookDeliveries;
  const deliveryNotFound = () =>
    new ApiError("not-found", `Subscription ${id} has no delivery with id ${delivery_id}.`);
  if (!(await deliveries.find(id, delivery_id))) throw deliveryNotFound();
  if (!subscription.enabled) throw disabled(id);
  const delivery = await deliveries.retry(delivery_id, new Date());
  if (!delivery) throw deliveryNotFound();
  await inBackground(c, "queueing a webhook delivery", enqueueDeliveries(queue, [delivery.id]));
  return ok(c, webhookDeliveryToWire(delivery), Status.ACCEPTED);
};
