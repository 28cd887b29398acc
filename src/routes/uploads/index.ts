import { createRouter } from "../../http/router";
import * as handlers from "./uploads.handlers";
import * as routes from "./uploads.routes";

export const uploadsRouter = createRouter()
  .openapi(routes.createUpload, handlers.createUploadHandler)
  .openapi(routes.getUpload, handlers.getUploadHandler)
  .openapi(routes.uploadPart, handlers.uploadPartHandler)
  .openapi(routes.completeUpload, handlers.completeUploadHandler)
  .openapi(routes.abortUpload, handlers.abortUploadHandler);
