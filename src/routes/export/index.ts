import { createRouter } from "../../http/router";
import * as handlers from "./export.handlers";
import * as routes from "./export.routes";

export const exportRouter = createRouter().openapi(routes.exportThread, handlers.exportThreadHandler);
