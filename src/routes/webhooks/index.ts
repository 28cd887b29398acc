import { createRouter } from "../../http/router";
import * as handlers from "./webhooks.handlers";
import * as routes from "./webhooks.routes";

export const webhooksRouter = createRouter()
  .openapi(routes.createWebhook, handlers.createWebhookHandler)
  .openapi(routes.listWebhooks, handlers.listWebhooksHandler)
  .openapi(routes.getWebhook, handlers.getWebhookHandler)
  .openapi(routes.updateWebhook, handlers.updateWebhookHandler)
  .openapi(routes.deleteWebhook, handlers.deleteWebhookHandler)
  .openapi(routes.rotateWebhookSecret, handlers.rotateWebhookSecretHandler)
  .openapi(routes.testWebhook, handlers.testWebhookHandler)
  .openapi(routes.listWebhookDeliveries, handlers.listWebhookDeliveriesHandler)
  .openapi(routes.retryWebhookDelivery, handlers.retryWebhookDeliveryHandler);
