import { createRouter } from "../../http/router";
import * as handlers from "./memory.handlers";
import * as routes from "./memory.routes";

export const memoryRouter = createRouter()
  .openapi(routes.getThreadMemory, handlers.getThreadMemoryHandler)
  .openapi(routes.replaceThreadMemory, handlers.replaceThreadMemoryHandler)
  .openapi(routes.updateThreadMemory, handlers.updateThreadMemoryHandler);
