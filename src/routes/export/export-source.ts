import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../auth/access";
import { assertReachable, callersThreads } from "../../auth/thread-access";
import type { AppEnv } from "../../env";
import type { CursorPosition } from "../../http/cursor";
import { actorOf } from "../../principal";
import { repositories } from "../../repositories";
import { artifactToWire, versionToWire } from "../../wire/artifacts";
import type { InteractionWire } from "../../wire/interactions";
import { memoryToWire } from "../../wire/memory";
import type { MessageWire } from "../../wire/messages";
import type { ExportedArtifactSchema, ThreadExportSchema } from "../../wire/thread-export";
import { threadToWire } from "../../wire/threads";
import { withReactions } from "../messages/message-views";
import { EXPORT_PAGE_SIZE, pagesOf } from "./pages";

type ThreadExport = z.infer<typeof ThreadExportSchema>;
type ExportedArtifact = z.infer<typeof ExportedArtifactSchema>;

/**
 * What an export is made of: the thread and its memory, read at once, and its messages, artifacts (with their
 * versions) and interactions as pages read only when the writer asks for them. Every object is the one the REST
 * read answers, made by the same mapper.
 */
export interface ExportSource extends Pick<ThreadExport, "exported_at" | "thread" | "memory"> {
  messagePages: () => AsyncGenerator<MessageWire[]>;
  artifacts: () => AsyncGenerator<{
    artifact: ExportedArtifact["artifact"];
    versionPages: AsyncGenerator<ExportedArtifact["versions"]>;
  }>;
  interactionPages: () => AsyncGenerator<InteractionWire[]>;
  /** The `seq` of these messages (the parents of a page's replies, for the transcript). */
  seqsOf: (messageIds: string[]) => Promise<Map<string, number>>;
}

const byCreation = (row: { createdAt: Date; id: string }): CursorPosition => ({ at: row.createdAt, id: row.id });

/** The thread as the caller reaches it (404 otherwise), ready to be written page by page. */
export const exportSource = async (c: Context<AppEnv>, threadId: string): Promise<ExportSource> => {
  const repos = repositories(c);
  const exportedAt = new Date().toISOString();
  const viewer = actorOf(principalOf(c));
  const row = assertReachable(threadId, await repos.threads.findById(threadId, callersThreads(c)));
  // Deleted in between: the same 404.
  const memory = assertReachable(threadId, await repos.threads.findMemory(threadId, null));
  const marks = await repos.reads.marksIn([threadId], viewer);
  // Messages posted once the export began are left out: it ends where the thread stood when read.
  const endSeq = row.lastSeq + 1;

  async function* artifacts() {
    const pages = pagesOf(
      (after: CursorPosition | undefined) =>
        repos.artifacts.listPage({ threadId, limit: EXPORT_PAGE_SIZE, after: after ?? null }),
      byCreation,
    );
    for await (const page of pages) {
      for (const artifact of page) {
        const versionPages = pagesOf(
          (before: number | undefined) => repos.artifacts.listVersions(artifact.id, EXPORT_PAGE_SIZE, before),
          (version) => version.version,
        );
        yield {
          artifact: artifactToWire(artifact),
          versionPages: mapPages(versionPages, (version) => versionToWire(version, artifact.type)),
        };
      }
    }
  }

  return {
    exported_at: exportedAt,
    thread: threadToWire(row, marks.get(threadId) ?? null),
    memory: memoryToWire(memory),
    messagePages: async function* () {
      const pages = pagesOf(
        (afterSeq: number | undefined) =>
          repos.messages.listPage({ threadId, limit: EXPORT_PAGE_SIZE, order: "asc", afterSeq, beforeSeq: endSeq }),
        (message) => message.seq,
      );
      for await (const page of pages) yield withReactions(c, page, viewer);
    },
    artifacts,
    seqsOf: (messageIds) => repos.messages.seqsOf(threadId, messageIds),
    interactionPages: () =>
      mapPages(
        pagesOf(
          (after: CursorPosition | undefined) =>
            repos.interactions.listPage({ threadId, limit: EXPORT_PAGE_SIZE, after: after ?? null }),
          byCreation,
        ),
        // Stored as answered: the wire object itself (as GET /threads/{id}/interactions answers it).
        (row) => row.payload as unknown as InteractionWire,
      ),
  };
};

async function* mapPages<T, U>(pages: AsyncGenerator<T[]>, map: (row: T) => U): AsyncGenerator<U[]> {
  for await (const page of pages) yield page.map(map);
}
