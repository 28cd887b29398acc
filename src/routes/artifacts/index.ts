import { createRouter } from "../../http/router";
import * as handlers from "./artifacts.handlers";
import * as routes from "./artifacts.routes";

export const artifactsRouter = createRouter()
  .openapi(routes.createArtifact, handlers.createArtifactHandler)
  .openapi(routes.listArtifacts, handlers.listArtifactsHandler)
  .openapi(routes.getArtifact, handlers.getArtifactHandler)
  .openapi(routes.updateArtifact, handlers.updateArtifactHandler)
  .openapi(routes.deleteArtifact, handlers.deleteArtifactHandler)
  .openapi(routes.listArtifactVersions, handlers.listArtifactVersionsHandler)
  .openapi(routes.getArtifactVersion, handlers.getArtifactVersionHandler)
  .openapi(routes.restoreArtifactVersion, handlers.restoreArtifactVersionHandler);
