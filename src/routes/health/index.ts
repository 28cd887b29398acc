import { createRouter } from "../../http/router";
import { getHealthHandler, getLivenessHandler } from "./health.handlers";
import { getHealth, getLiveness } from "./health.routes";

export const healthRouter = createRouter()
  .openapi(getHealth, getHealthHandler)
  .openapi(getLiveness, getLivenessHandler);
