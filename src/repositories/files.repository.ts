import { type File, type FileStatus, type PreviewStatus, Prisma } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import type { Actor } from "../principal";
import type { Store } from "./db";
import { after, NEWEST_FIRST } from "./keyset";
import { type ThreadScope, threadsIn } from "./thread-scope";

export interface NewFile {
  id: string;
  uploader: Actor;
  threadId: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  storageKey: string;
}

const uploadedBy = (actor: Actor) => (actor.type === "user" ? { uploadedById: actor.id } : { apiKeyId: actor.id });

export const filesRepository = ({ db }: Store) => ({
  /** The row of an upload about to stream: PENDING until its bytes are stored. */
  createPending: (file: NewFile) =>
    db.file.create({
      data: {
        id: file.id,
        ...uploadedBy(file.uploader),
        threadId: file.threadId,
        filename: file.filename,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
        storageKey: file.storageKey,
        status: "PENDING",
      },
    }),

  /** The stored file READY, with where its preview starts (`null`: none asked for) in the same statement. */
  markReady: (
    id: string,
    stored: { sizeBytes: number; sha256: string },
    preview: { status: PreviewStatus; preview: Prisma.InputJsonObject | null } | null,
  ) =>
    db.file.update({
      where: { id },
      data: {
        ...stored,
        status: "READY",
        ...(preview ? { previewStatus: preview.status, preview: preview.preview ?? Prisma.DbNull } : {}),
      },
    }),

  /** Where the file's preview stands; `preview` is what it says, or why there is none. */
  setPreview: (id: string, status: PreviewStatus, preview: Prisma.InputJsonObject | null, previewKey: string | null) =>
    db.file.update({
      where: { id },
      data: { previewStatus: status, preview: preview ?? Prisma.DbNull, previewKey },
    }),

  /** A refused upload leaves nothing behind. */
  forget: (id: string) => db.file.deleteMany({ where: { id } }),

  findById: (id: string) => db.file.findFirst({ where: { id } }),

  /** The caller's own uploads, newest first; one page plus one row. */
  listPage: (options: {
    uploader: Actor;
    limit: number;
    after?: CursorPosition | null;
    threadId?: string;
    status?: FileStatus;
  }) =>
    db.file.findMany({
      where: {
        ...uploadedBy(options.uploader),
        threadId: options.threadId,
        status: options.status,
        ...after(options.after),
      },
      orderBy: NEWEST_FIRST,
      take: options.limit + 1,
    }),

  /** Whether the file belongs to, or is attached in, a thread that `scope` reaches. */
  isInThreadOf: async (file: Pick<File, "id" | "threadId">, scope: ThreadScope) => {
    const threads = threadsIn(scope);
    const viaThread = file.threadId
      ? db.thread.findFirst({ where: { id: file.threadId, ...threads }, select: { id: true } })
      : null;
    const viaMessage = db.messageFile.findFirst({
      where: { fileId: file.id, message: { thread: threads } },
      select: { fileId: true },
    });
    const viaArtifact = db.artifactFile.findFirst({
      where: { fileId: file.id, artifact: { thread: threads } },
      select: { fileId: true },
    });
    const found = await Promise.all([viaThread, viaMessage, viaArtifact]);
    return found.some((row) => row !== null);
  },

  /** Files still PENDING since before `before`: their upload died half-way. */
  stuckPending: (before: Date, limit: number) =>
    db.file.findMany({
      where: { status: "PENDING", createdAt: { lt: before } },
      orderBy: { createdAt: "asc" },
      select: { id: true, storageKey: true },
      take: limit,
    }),

  markFailed: (ids: string[]) =>
    db.file.updateMany({ where: { id: { in: ids }, status: "PENDING" }, data: { status: "FAILED" } }),

  /** Deleted files keep their row (attachments still name them); their bytes go. */
  markDeleted: (id: string) =>
    db.file.updateMany({ where: { id, status: { not: "DELETED" } }, data: { status: "DELETED" } }),
});
