import { createRouter } from "../../http/router";
import * as handlers from "./files.handlers";
import * as routes from "./files.routes";

export const filesRouter = createRouter()
  .openapi(routes.uploadFile, handlers.uploadFileHandler)
  .openapi(routes.listFiles, handlers.listFilesHandler)
  .openapi(routes.getFile, handlers.getFileHandler)
  .openapi(routes.deleteFile, handlers.deleteFileHandler)
  .openapi(routes.downloadFile, handlers.downloadFileHandler)
  .openapi(routes.createDownloadLink, handlers.createDownloadLinkHandler)
  .openapi(routes.downloadFileWithLink, handlers.downloadFileWithLinkHandler);
