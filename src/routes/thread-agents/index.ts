import { createRouter } from "../../http/router";
import * as handlers from "./thread-agents.handlers";
import * as routes from "./thread-agents.routes";

export const threadAgentsRouter = createRouter()
  .openapi(routes.listThreadAgents, handlers.listThreadAgentsHandler)
  .openapi(routes.addThreadAgent, handlers.addThreadAgentHandler)
  .openapi(routes.removeThreadAgent, handlers.removeThreadAgentHandler);
