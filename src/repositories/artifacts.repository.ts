import type { ArtifactType, Prisma } from "../generated/prisma/client";
import type { CursorPosition } from "../http/cursor";
import type { Actor } from "../principal";
import type { ArtifactRow, ArtifactState } from "../wire/artifacts";
import type { AttachedFile } from "../wire/messages";
import { and, newId, type Sql, sql, sqlDate } from "./d1";
import type { Store } from "./db";
import { ACTIVE_THREAD } from "./guards";
import { type Committed, commitOne, type ThreadChange } from "./thread-log";

export interface NewArtifact extends ArtifactState {
  id: string;
  threadId: string;
  messageId: string | null;
  type: ArtifactType;
}

/** An artifact's event; artifacts are made by someone, never by the service itself. */
type ArtifactEvent<T extends "artifact.created" | "artifact.updated" | "artifact.deleted"> = Omit<
  ThreadChange<T>,
  "guard" | "computed" | "actor"
> & { actor: Actor };

const creatorColumns = (actor: Actor) =>
  actor.type === "user" ? { userId: actor.id, apiKeyId: null } : { userId: null, apiKeyId: actor.id };

const json = (value: Prisma.JsonValue | null) => (value === null ? null : JSON.stringify(value));

/** The artifact exists in the change's thread (`t`) and (when given) is still at `version`. */
const artifactInThread = (id: string, version?: number) =>
  version === undefined
    ? sql("EXISTS (SELECT 1 FROM artifacts a WHERE a.id = ? AND a.thread_id = t.id)", id)
    : sql(
        "EXISTS (SELECT 1 FROM artifacts a WHERE a.id = ? AND a.thread_id = t.id AND a.current_version = ?)",
        id,
        version,
      );

interface StateRow {
  id: string;
  thread_id: string;
  message_id: string | null;
  type: ArtifactType;
  title: string;
  summary: string | null;
  metadata: string | null;
  current_version: number;
  created_by_id: string | null;
  api_key_id: string | null;
  created_at: string;
  updated_at: string;
  content: string;
  file_ids: string | null;
}

/** The current state lives in the current version: every read joins them. */
const CURRENT = `SELECT a.id, a.thread_id, a.message_id, a.type, a.title, a.summary, a.metadata, a.current_version,
                        a.created_by_id, a.api_key_id, a.created_at, a.updated_at, v.content, v.file_ids
                 FROM artifacts a JOIN artifact_versions v ON v.artifact_id = a.id AND v.version = a.current_version`;

export const artifactsRepository = ({ db, d1 }: Store) => {
  /** The files with these ids, in one query, in the order given (ids of files that are gone are left out). */
  const filesByIds = async (ids: string[]): Promise<AttachedFile[]> => {
    if (ids.length === 0) return [];
    const { results } = await d1
      .prepare("SELECT id, filename, content_type, size_bytes FROM files WHERE id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(ids))
      .all<{ id: string; filename: string; content_type: string; size_bytes: number }>();
    const byId = new Map(
      results.map((f) => [
        f.id,
        { id: f.id, filename: f.filename, contentType: f.content_type, sizeBytes: f.size_bytes },
      ]),
    );
    return ids.flatMap((id) => {
      const file = byId.get(id);
      return file ? [file] : [];
    });
  };

  /** Rows with their files, in one more query for the whole page. */
  const withFiles = async (rows: StateRow[]): Promise<ArtifactRow[]> => {
    const fileIds = rows.map((row) => (row.file_ids ? (JSON.parse(row.file_ids) as string[]) : []));
    const byId = new Map((await filesByIds([...new Set(fileIds.flat())])).map((file) => [file.id, file]));
    return rows.map((row, index) => ({
      id: row.id,
      threadId: row.thread_id,
      messageId: row.message_id,
      type: row.type,
      title: row.title,
      summary: row.summary,
      metadata: row.metadata ? (JSON.parse(row.metadata) as Prisma.JsonObject) : null,
      content: JSON.parse(row.content) as Prisma.JsonObject,
      fileIds: fileIds[index] ?? [],
      version: row.current_version,
      creator: row.created_by_id
        ? { type: "user", id: row.created_by_id }
        : row.api_key_id
          ? { type: "api_key", id: row.api_key_id }
          : null,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      files: (fileIds[index] ?? []).flatMap((id) => {
        const file = byId.get(id);
        return file ? [file] : [];
      }),
    }));
  };

  /** Statements that make `state` the artifact's attached files (after its links were cleared). */
  const linkFiles = (artifactId: string, fileIds: string[], pending: Sql, now: string) =>
    fileIds.length === 0
      ? []
      : [
          d1
            .prepare(
              `INSERT INTO artifact_files (artifact_id, file_id, created_at)
               SELECT ?, f.value, ? FROM json_each(?) f WHERE ${pending.sql}`,
            )
            .bind(artifactId, now, JSON.stringify(fileIds), ...pending.params),
        ];

  const insertVersion = (
    artifactId: string,
    version: number,
    state: ArtifactState,
    actor: Actor,
    pending: Sql,
    now: string,
  ) => {
    const creator = creatorColumns(actor);
    return d1
      .prepare(
        `INSERT INTO artifact_versions (id, artifact_id, version, title, content, summary, metadata, file_ids,
                                        created_by_id, api_key_id, created_at)
         SELECT ?, ?, ?, ?, json(?), ?, ?, json(?), ?, ?, ? WHERE ${pending.sql}`,
      )
      .bind(
        newId(),
        artifactId,
        version,
        state.title,
        JSON.stringify(state.content),
        state.summary,
        json(state.metadata),
        JSON.stringify(state.fileIds),
        creator.userId,
        creator.apiKeyId,
        now,
        ...pending.params,
      );
  };

  return {
    filesByIds,

    /** A new artifact at version 1, with its `artifact.created` event. Null when the guard failed. */
    create: (event: ArtifactEvent<"artifact.created">, artifact: NewArtifact): Promise<Committed | null> => {
      const messageGuard = artifact.messageId
        ? [sql("EXISTS (SELECT 1 FROM messages m WHERE m.id = ? AND m.thread_id = t.id)", artifact.messageId)]
        : [];
      const now = sqlDate(event.now);
      const creator = creatorColumns(event.actor);
      return commitOne(d1, {
        change: { ...event, guard: and(ACTIVE_THREAD, ...messageGuard) },
        write: (pending) => [
          d1
            .prepare(
              `INSERT INTO artifacts (id, thread_id, message_id, created_by_id, api_key_id, type, title, summary,
                                      current_version, metadata, created_at, updated_at)
               SELECT ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ? WHERE ${pending.sql}`,
            )
            .bind(
              artifact.id,
              artifact.threadId,
              artifact.messageId,
              creator.userId,
              creator.apiKeyId,
              artifact.type,
              artifact.title,
              artifact.summary,
              json(artifact.metadata),
              now,
              now,
              ...pending.params,
            ),
          insertVersion(artifact.id, 1, artifact, event.actor, pending, now),
          ...linkFiles(artifact.id, artifact.fileIds, pending, now),
        ],
      });
    },

    /**
     * Makes `state` the artifact's version `expectedVersion + 1` (an update or a restore), with its
     * `artifact.updated` event, if it is still at `expectedVersion`. Null when the guard failed.
     */
    saveVersion: (
      event: ArtifactEvent<"artifact.updated">,
      artifactId: string,
      state: ArtifactState,
      expectedVersion: number,
    ): Promise<Committed | null> => {
      const now = sqlDate(event.now);
      const next = expectedVersion + 1;
      return commitOne(d1, {
        change: { ...event, guard: and(ACTIVE_THREAD, artifactInThread(artifactId, expectedVersion)) },
        write: (pending) => [
          d1
            .prepare(
              `UPDATE artifacts SET title = ?, summary = ?, metadata = ?, current_version = ?, updated_at = ?
               WHERE id = ? AND ${pending.sql}`,
            )
            .bind(state.title, state.summary, json(state.metadata), next, now, artifactId, ...pending.params),
          insertVersion(artifactId, next, state, event.actor, pending, now),
          d1
            .prepare(`DELETE FROM artifact_files WHERE artifact_id = ? AND ${pending.sql}`)
            .bind(artifactId, ...pending.params),
          ...linkFiles(artifactId, state.fileIds, pending, now),
        ],
      });
    },

    /** Deletes the artifact (its versions and links by cascade) with its `artifact.deleted` event. */
    delete: (event: ArtifactEvent<"artifact.deleted">, artifactId: string): Promise<Committed | null> =>
      commitOne(d1, {
        change: { ...event, guard: and(ACTIVE_THREAD, artifactInThread(artifactId)) },
        write: (pending) => [
          d1.prepare(`DELETE FROM artifacts WHERE id = ? AND ${pending.sql}`).bind(artifactId, ...pending.params),
        ],
      }),

    findInThread: async (threadId: string, id: string): Promise<ArtifactRow | null> => {
      const row = await d1
        .prepare(`${CURRENT} WHERE a.id = ? AND a.thread_id = ?`)
        .bind(id, threadId)
        .first<StateRow>();
      return row ? ((await withFiles([row]))[0] ?? null) : null;
    },

    /** Newest first; one page plus one row. */
    listPage: async (options: {
      threadId: string;
      type?: ArtifactType;
      limit: number;
      after?: CursorPosition | null;
    }) => {
      const conditions = [sql("a.thread_id = ?", options.threadId)];
      if (options.type) conditions.push(sql("a.type = ?", options.type));
      if (options.after) {
        const at = sqlDate(options.after.at);
        conditions.push(sql("(a.created_at < ? OR (a.created_at = ? AND a.id < ?))", at, at, options.after.id));
      }
      const where = and(...conditions);
      const { results } = await d1
        .prepare(`${CURRENT} WHERE ${where.sql} ORDER BY a.created_at DESC, a.id DESC LIMIT ?`)
        .bind(...where.params, options.limit + 1)
        .all<StateRow>();
      return withFiles(results);
    },

    /** Newest version first; one page plus one row. */
    listVersions: (artifactId: string, limit: number, beforeVersion?: number) =>
      db.artifactVersion.findMany({
        where: { artifactId, ...(beforeVersion === undefined ? {} : { version: { lt: beforeVersion } }) },
        orderBy: { version: "desc" },
        take: limit + 1,
      }),

    findVersion: (artifactId: string, version: number) =>
      db.artifactVersion.findFirst({ where: { artifactId, version } }),
  };
};
