import { createRoute } from "@hono/zod-openapi";
import { ALL_ROLES, guarded } from "../../auth/access";
import { Status } from "../../http/status";
import { rateLimit, readRateLimit } from "../../middleware/rate-limit";
import {
  authErrors,
  commonErrors,
  notAcceptable,
  notFound,
  rateLimited,
  rateLimitPolicyHeader,
} from "../../openapi/error-responses";
import { IdParams } from "../../schemas/common";
import { ThreadExportSchema } from "../../wire/thread-export";
import { MARKDOWN_EXAMPLE } from "./markdown-example";

// A whole conversation out at once is the owner's to take (or an admin's): like managing a thread's agents, an
// operation for people, so API keys get 403 whatever their scopes — agents read a thread through the paged reads.
const owner = { roles: ALL_ROLES, ownership: "self" } as const;

export const exportThread = createRoute({
  operationId: "exportThread",
  method: "get",
  path: "/threads/{id}/export",
  ...guarded(owner, rateLimit(readRateLimit)),
  tags: ["Threads"],
  summary: "Export a whole thread",
  description: `Everything in the thread in one download: the thread, its memory, every message (replies and deleted messages' tombstones included, by \`seq\`) with its reactions and its attachments' metadata (not their bytes: download those from GET /files/{id}/content), every artifact with all its versions, and every interaction. It is written while it is read, page by page, so a thread of any size streams in constant memory; it stops at the thread's \`last_event_seq\` when the export began (later messages are left out), but is not one transaction: an edit made meanwhile may or may not be in it. If reading fails midway the body ends early, unfinished (the status has already been sent): a JSON export that does not parse, or a transcript without its \`## Interactions\` section, is incomplete — ask again.

**JSON** (\`Accept: application/json\`, the default): one \`ThreadExport\` document made of the very objects the REST reads answer — \`thread\` as GET /threads/{id}, \`memory\` as GET /threads/{id}/memory, \`messages\` as GET /threads/{id}/messages lists them, \`artifacts\` as GET /threads/{id}/artifacts each with its versions, \`interactions\` as GET /threads/{id}/interactions. Each message and each interaction is on a line of its own, so it can also be read line by line.

**Markdown** (\`Accept: text/markdown\`): a transcript for people — the title, the memory, each message with its number, role, author and time (replies quoted and marked ↳), reactions, attachments' names and sizes, then the artifacts and the interactions.

An \`Accept\` that allows neither answers 406 \`not-acceptable\`. Both come as an attachment named \`thread-<id>.json\` or \`thread-<id>.md\`. The thread's owner or an admin only (other people's threads answer 404, viewers export their own); API keys are refused (403). Counts against the read budget.`,
  request: { params: IdParams },
  responses: {
    [Status.OK]: {
      description: "The whole thread, streamed.",
      headers: {
        "Content-Disposition": {
          description: '`attachment; filename="thread-<id>.json"` (or `.md` for Markdown).',
          schema: { type: "string", maxLength: 128, pattern: '^attachment; filename="thread-[a-z0-9]+\\.(json|md)"$' },
        },
        "RateLimit-Policy": rateLimitPolicyHeader,
      },
      content: {
        "application/json": { schema: ThreadExportSchema },
        "text/markdown": {
          // Only the thread bounds it; the largest length JSON Schema can state exactly says so.
          schema: { type: "string", maxLength: Number.MAX_SAFE_INTEGER, description: "The transcript (UTF-8)." },
          example: MARKDOWN_EXAMPLE,
        },
      },
    },
    ...commonErrors,
    ...authErrors,
    ...notFound,
    ...notAcceptable,
    ...rateLimited,
  },
});
