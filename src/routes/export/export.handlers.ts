import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { negotiate } from "../../http/content-negotiation";
import { Status } from "../../http/status";
import type { exportThread } from "./export.routes";
import { exportSource } from "./export-source";
import { jsonExport } from "./json-writer";
import { markdownExport } from "./markdown-writer";
import { textStream } from "./text-stream";

const FORMATS = {
  "application/json": { write: jsonExport, contentType: "application/json; charset=utf-8", extension: "json" },
  "text/markdown": { write: markdownExport, contentType: "text/markdown; charset=utf-8", extension: "md" },
} as const;

export const exportThreadHandler: RouteHandler<typeof exportThread, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const format = FORMATS[negotiate(c.req.header("Accept"), ["application/json", "text/markdown"])];
  const source = await exportSource(c, id);
  return c.body(textStream(format.write(source), c.get("logger")), Status.OK, {
    "Content-Type": format.contentType,
    "Content-Disposition": `attachment; filename="thread-${id}.${format.extension}"`,
  });
};
