import { createRouter } from "../../http/router";
import { getApiResourceMetadataHandler, getMcpResourceMetadataHandler, postMcpHandler } from "./mcp.handlers";
import { getApiResourceMetadata, getMcpResourceMetadata, postMcp } from "./mcp.routes";

export const mcpRouter = createRouter()
  .openapi(postMcp, postMcpHandler)
  .openapi(getMcpResourceMetadata, getMcpResourceMetadataHandler)
  .openapi(getApiResourceMetadata, getApiResourceMetadataHandler);
