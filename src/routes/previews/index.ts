import { createRouter } from "../../http/router";
import * as handlers from "./previews.handlers";
import * as routes from "./previews.routes";

export const previewsRouter = createRouter()
  .openapi(routes.getFilePreview, handlers.getFilePreviewHandler)
  .openapi(routes.getFileThumbnail, handlers.getFileThumbnailHandler);
