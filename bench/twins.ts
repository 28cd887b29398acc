import { type Context, Hono } from "hono";
import type { AppEnv } from "../src/env";
import { Status } from "../src/http/status";
import { publish } from "../src/realtime/publish";
import { newId, sql, sqlDate } from "../src/repositories/d1";
import { ACTIVE_THREAD } from "../src/repositories/guards";
import { type Committed, commitOne, insertEvents, NEXT_SEQ, type NewEvent } from "../src/repositories/thread-log";
import type { EventPayload } from "../src/wire/events";

/**
 * Raw-D1 twins of real operations: the same SQL without authentication (no session lookup), rate
 * limiting, Prisma, validation or envelope, so the benchmark can report what those layers cost. Served
 * only by the bench's own worker (./worker.ts); the service knows nothing of them. No access checks:
 * whoever reaches them is the bench; the thread's owner stands in for the signed-in viewer where the SQL
 * needs one (reactions' `me`, a message's author).
 *
 * Each twin runs the queries its real handler runs, in the same order, written out here as plain SQL
 * (deliberately not through the repositories, so a change there shows up as a difference here) — except
 * the thread log's own statements (event, owner's copy, bump), which go through the same thread-log
 * module as the service's writes, so the log has one writer. Where a read can be one statement, the twin
 * writes it as one, as one would by hand: a page's attachments are one join (Prisma's `include`, which
 * the list used at first, sent two queries: message_files, then files, even for a page without attachments).
 */
const USER_COLUMNS = "id, email, name, role, avatar_url, created_at, updated_at";
const THREAD_COLUMNS =
  "id, owner_id, title, status, memory_version, memory_updated_at, metadata, message_count, last_message_at, last_seq, created_at, updated_at";
const FILE_COLUMNS =
  "id, uploaded_by_id, api_key_id, thread_id, filename, content_type, size_bytes, sha256, storage_key, status, metadata, preview_status, preview, preview_key, created_at, updated_at";
const MESSAGE_COLUMNS =
  "id, thread_id, seq, parent_id, author_id, api_key_id, role, text, blocks, metadata, reply_count, edited_at, deleted_at, created_at, updated_at";

/** Largest page the real list operations serve. */
const MAX_LIMIT = 100;
/** Messages per chunk of the seeding route: one bound JSON array of rows (and one of events) each, under D1's 2 MB. */
const SEED_CHUNK = 2_000;
/** Most messages one seeding request appends. */
const MAX_SEED = 200_000;
/** Most threads one inbox-seeding request makes (one batch of four statements, each binding one JSON array). */
const MAX_INBOX = 5_000;

const limitOf = (text: string | undefined) => Math.min(Math.max(Number(text ?? 20) || 20, 1), MAX_LIMIT);
const seqOf = (text: string | undefined) => (text === undefined || text === "" ? undefined : Number(text));

interface AccessRow {
  id: string;
  owner_id: string;
  status: string;
  last_seq: number;
}

/**
 * `?rate_limit=1` makes a twin call the rate-limit binding first, as the real operation does (under its own key):
 * READ_RATE_LIMITER for a read, WRITE_RATE_LIMITER for a write. So the bench can tell how much of the gap between
 * an operation and its twin the limiter call is.
 */
const rateLimited = async (c: Context<AppEnv>) => {
  if (c.req.query("rate_limit") !== "1") return false;
  const { success } =
    c.req.method === "GET"
      ? await c.env.READ_RATE_LIMITER.limit({ key: "reads:bench-twin" })
      : await c.env.WRITE_RATE_LIMITER.limit({ key: "writes:bench-twin" });
  return !success;
};

const RATE_LIMITED = { error: "rate limited" } as const;

/**
 * `?notify=1` makes a write twin take the step that follows the real writes' commits (`publish`): it pokes the
 * thread's hub, and the owner's user hub when the event was copied to the owner's user stream. With
 * `?rate_limit=1` too, the twin does all the side work of the real write.
 */
const published = async (c: Context<AppEnv>, committed: Committed) => {
  if (c.req.query("notify") === "1") await publish(c, committed);
};

/** What reachableThread / writableThread read before anything else (threadsRepository.findForAccess). */
const accessRow = (db: D1Database, id: string) =>
  db.prepare("SELECT id, owner_id, status, last_seq FROM threads WHERE id = ? LIMIT 1").bind(id).first<AccessRow>();

/** Some vocabulary for seeded text, so the FTS index holds more than one repeated sentence. */
const WORDS = [
  "churn",
  "revenue",
  "pipeline",
  "forecast",
  "cohort",
  "retention",
  "margin",
  "quarter",
  "signal",
  "dashboard",
  "insight",
  "report",
  "growth",
  "segment",
  "funnel",
  "baseline",
];
const seededText = (n: number) =>
  `Seeded message ${n}: the ${WORDS[n % WORDS.length]} and ${WORDS[(n * 7 + 3) % WORDS.length]} numbers look steady this week.`;

/** The texts of `count` seeded messages after seq `lastSeq`. */
const texts = (lastSeq: number, count: number) => Array.from({ length: count }, (_, i) => seededText(lastSeq + i + 1));

export const twins = new Hono<AppEnv>()
  // ---- Users ---------------------------------------------------------------------------------------------------
  .get("/_bench/users", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const limit = Number(c.req.query("limit") ?? 20);
    const { results } = await c.env.DB.prepare(
      `SELECT ${USER_COLUMNS} FROM users ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
      .bind(limit + 1)
      .all();
    return c.json(results.slice(0, limit), Status.OK);
  })
  .post("/_bench/users", async (c) => {
    const body = await c.req.json<{ email: string; name: string; role?: string }>();
    // Same text format Prisma writes, so both kinds of rows sort together.
    const now = new Date().toISOString().replace("Z", "+00:00");
    const row = await c.env.DB.prepare(
      `INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${USER_COLUMNS}`,
    )
      .bind(crypto.randomUUID().replaceAll("-", ""), body.email.toLowerCase(), body.name, body.role ?? "USER", now, now)
      .first();
    return c.json(row, Status.CREATED);
  })

  // ---- GET /threads/{id}: the row without its memory document, then the reader's read mark in it ------------
  .get("/_bench/threads/:id", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const thread = await c.env.DB.prepare(`SELECT ${THREAD_COLUMNS} FROM threads WHERE id = ? LIMIT 1`)
      .bind(c.req.param("id"))
      .first<{ owner_id: string }>();
    if (!thread) return c.json({ error: "no such thread" }, Status.NOT_FOUND);
    const mark = await c.env.DB.prepare(
      "SELECT last_read_seq, unread_count FROM thread_reads WHERE thread_id = ? AND reader_type = 'user' AND reader_id = ?",
    )
      .bind(c.req.param("id"), thread.owner_id)
      .first();
    return c.json({ ...thread, mark }, Status.OK);
  })

  // ---- GET /threads?limit=…: one page by last activity; `?marks=1` with the reader's row of each thread ----------
  // The real list reads the page left-joined with the reader's rows (one statement); without `marks` the twin is
  // the list as it was before unread counts, so the two twins say what the counts cost. No scope: the bench lists
  // as an admin (every thread).
  .get("/_bench/threads", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const limit = limitOf(c.req.query("limit"));
    const reader = c.req.query("marks") === "1" ? c.req.query("reader") : undefined;
    const columns = THREAD_COLUMNS.split(", ")
      .map((column) => `t.${column}`)
      .join(", ");
    const { results } =
      reader === undefined
        ? await c.env.DB.prepare(`SELECT ${columns} FROM threads t ORDER BY t.updated_at DESC, t.id DESC LIMIT ?`)
            .bind(limit + 1)
            .all()
        : await c.env.DB.prepare(
            `SELECT ${columns}, r.last_read_seq, r.unread_count, r.unread_mentions
             FROM threads t LEFT JOIN thread_reads r
               ON r.thread_id = t.id AND r.reader_type = 'user' AND r.reader_id = ?
             ORDER BY t.updated_at DESC, t.id DESC LIMIT ?`,
          )
            .bind(reader, limit + 1)
            .all();
    return c.json(results.slice(0, limit), Status.OK);
  })

  // ---- GET /me/unread: every thread in reach (the admin's: all) joined with the reader's row ----------------------
  .get("/_bench/me/unread", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const totals = await c.env.DB.prepare(
      `SELECT COUNT(*) AS threads, COALESCE(SUM(unread), 0) AS messages, COALESCE(SUM(mentions), 0) AS mentions FROM (
         SELECT COALESCE(r.unread_count, t.message_count) AS unread, r.unread_mentions AS mentions
         FROM threads t LEFT JOIN thread_reads r
           ON r.thread_id = t.id AND r.reader_type = 'user' AND r.reader_id = ?
       ) WHERE unread > 0`,
    )
      .bind(c.req.query("reader") ?? "")
      .first();
    return c.json(totals, Status.OK);
  })

  // ---- GET /threads/{id}/messages: access read, one page by seq, its attachments, its reactions summary ------
  // Positions come as seqs (`after_seq` / `before_seq`), as a cursor carries them; `before=<message id>` would
  // first look the seq up (SELECT id, seq FROM messages WHERE id = ? AND thread_id = ?), which the bench avoids
  // by paging with the real route's cursor.
  .get("/_bench/threads/:id/messages", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const db = c.env.DB;
    const id = c.req.param("id");
    const limit = limitOf(c.req.query("limit"));
    const order = c.req.query("order") === "asc" ? "ASC" : "DESC";
    const afterSeq = seqOf(c.req.query("after_seq"));
    const beforeSeq = seqOf(c.req.query("before_seq"));
    const thread = await accessRow(db, id);
    if (!thread) return c.json({ error: "no such thread" }, Status.NOT_FOUND);

    const { results: rows } = await db
      .prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE thread_id = ?${afterSeq === undefined ? "" : " AND seq > ?"}${beforeSeq === undefined ? "" : " AND seq < ?"}
         ORDER BY seq ${order} LIMIT ?`,
      )
      .bind(
        id,
        ...(afterSeq === undefined ? [] : [afterSeq]),
        ...(beforeSeq === undefined ? [] : [beforeSeq]),
        limit + 1,
      )
      .all<{ id: string; seq: number }>();
    const page = rows.slice(0, limit);
    const ids = JSON.stringify(page.map((row) => row.id));
    const attachments =
      page.length === 0
        ? []
        : (
            await db
              .prepare(
                `SELECT mf.message_id, f.id, f.filename, f.content_type, f.size_bytes
                 FROM message_files mf JOIN files f ON f.id = mf.file_id
                 WHERE mf.message_id IN (SELECT value FROM json_each(?)) ORDER BY mf.message_id, mf.position`,
              )
              .bind(ids)
              .all()
          ).results;
    // reactionsRepository.summaries, the viewer being the thread's owner.
    const reactions =
      page.length === 0
        ? []
        : (
            await db
              .prepare(
                `SELECT message_id, emoji, COUNT(*) AS count, MAX(user_id IS ?) AS me, MIN(created_at) AS first_at
                 FROM reactions WHERE message_id IN (SELECT value FROM json_each(?))
                 GROUP BY message_id, emoji ORDER BY first_at, emoji`,
              )
              .bind(thread.owner_id, ids)
              .all()
          ).results;
    return c.json({ messages: page, attachments, reactions, has_more: rows.length > limit }, Status.OK);
  })

  // ---- POST /threads/{id}/messages: access read, then the same batch as messagesRepository.post --------------
  // [event insert at last_seq + 1 guarded on the thread being ACTIVE, message insert, the author's read mark if
  // missing and the other readers' unread counts, the owner's user-event copy and thread bump guarded on the event
  // row being pending], as the thread's owner (a USER message). No attachments, no reply.
  .post("/_bench/threads/:id/messages", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const db = c.env.DB;
    const id = c.req.param("id");
    const body = await c.req.json<{ text: string }>();
    const thread = await accessRow(db, id);
    if (!thread) return c.json({ error: "no such thread" }, Status.NOT_FOUND);
    if (thread.status === "ARCHIVED") return c.json({ error: "thread archived" }, Status.CONFLICT);

    const now = new Date();
    const messageId = newId();
    const row: EventPayload<"message.created"> = {
      id: messageId,
      thread_id: id,
      seq: 0,
      parent_id: null,
      role: "USER",
      state: "COMPLETE",
      incomplete_reason: null,
      author: { type: "user", id: thread.owner_id },
      text: body.text,
      blocks: [],
      metadata: {},
      attachments: [],
      mentions: [],
      reply_count: 0,
      edited_at: null,
      deleted_at: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    const at = sqlDate(now);
    const committed = await commitOne(db, {
      change: {
        threadId: id,
        type: "message.created",
        actor: { type: "user", id: thread.owner_id },
        payload: row,
        computed: { seq: NEXT_SEQ },
        guard: ACTIVE_THREAD,
        now,
      },
      write: (pending) => [
        db
          .prepare(
            `INSERT INTO messages (id, thread_id, seq, parent_id, author_id, api_key_id, role, text, blocks, metadata,
                                   created_at, updated_at)
             SELECT ?, t.id, t.last_seq + 1, NULL, ?, NULL, 'USER', ?, NULL, NULL, ?, ? FROM threads t
             WHERE t.id = ? AND ${pending.sql}`,
          )
          .bind(messageId, thread.owner_id, body.text, at, at, id, ...pending.params),
        db
          .prepare(
            `INSERT INTO thread_reads (thread_id, reader_type, reader_id, last_read_seq, unread_count, updated_at)
             SELECT ?, 'user', ?, 0,
                    (SELECT COUNT(*) FROM messages m WHERE m.thread_id = ? AND m.seq > 0 AND m.deleted_at IS NULL
                       AND NOT (m.author_id IS ?)), NULL
             WHERE ${pending.sql} AND NOT EXISTS (SELECT 1 FROM thread_reads r
                                                 WHERE r.thread_id = ? AND r.reader_type = 'user' AND r.reader_id = ?)`,
          )
          .bind(id, thread.owner_id, id, thread.owner_id, ...pending.params, id, thread.owner_id),
        db
          .prepare(
            `UPDATE thread_reads SET unread_count = unread_count + 1
             WHERE thread_id = ? AND NOT (reader_type = 'user' AND reader_id = ?) AND ${pending.sql}`,
          )
          .bind(id, thread.owner_id, ...pending.params),
      ],
      sets: sql("message_count = message_count + 1, last_message_at = ?", at),
    });
    if (!committed) return c.json({ error: "thread changed" }, Status.CONFLICT);
    await published(c, committed);
    return c.json({ ...row, seq: committed.seq }, Status.CREATED);
  })

  // ---- GET /search/messages: the same FTS5 query as searchRepository.search, for an admin (every thread) -------
  .get("/_bench/search", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const q = c.req.query("q") ?? "";
    const limit = limitOf(c.req.query("limit"));
    const threadId = c.req.query("thread_id") ?? null;
    // toFtsQuery for plain words: each one quoted, all must match.
    const words = q
      .split(/\s+/)
      .filter((word) => /[\p{L}\p{N}]/u.test(word))
      .map((word) => `"${word.replaceAll('"', "")}"`)
      .join(" ");
    if (words === "") return c.json({ error: "no terms" }, Status.BAD_REQUEST);
    // scopedMatch: the words on the text column, narrowed to the thread's scope token when one is asked for.
    const match = `text : (${words})${threadId === null ? "" : ` AND scope : "t${threadId.replaceAll('"', '""')}"`}`;
    const { results } = await c.env.DB.prepare(
      `SELECT * FROM (
         SELECT s.rowid AS row, bm25(messages_fts, 1.0, 0.0) AS score,
                snippet(messages_fts, 0, ?1, ?2, '…', 24) AS snippet,
                m.id, m.thread_id, t.title AS thread_title,
                COALESCE(r.unread_count, t.message_count) AS thread_unread_count,
                m.seq, m.parent_id, m.role, m.author_id, m.api_key_id, m.created_at
         FROM messages_fts
         JOIN message_search_rows s ON s.rowid = messages_fts.rowid
         JOIN messages m ON m.id = s.message_id
         JOIN threads t ON t.id = m.thread_id
         LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.reader_type = 'user' AND r.reader_id = ?9
         WHERE messages_fts MATCH ?3 AND m.deleted_at IS NULL
           AND (?4 IS NULL OR t.owner_id = ?4) AND (?5 IS NULL OR m.thread_id = ?5)
       )
       WHERE ?6 IS NULL OR score > ?6 OR (score = ?6 AND row > ?7)
       ORDER BY score, row LIMIT ?8`,
    )
      // The reader: the twin has no signed-in viewer, so its unread counts are the threads' own (no mark).
      .bind("\uE000", "\uE001", match, null, threadId, null, null, limit + 1, "")
      .all();
    return c.json({ hits: results.slice(0, limit), has_more: results.length > limit }, Status.OK);
  })

  // ---- POST /threads/{id}/artifacts: access read, then the same batch as artifactsRepository.create -----------
  // [event insert guarded on the thread being ACTIVE, artifact row, version 1, thread bump], as the thread's owner.
  // No source message, no attachments.
  .post("/_bench/threads/:id/artifacts", async (c) => {
    if (await rateLimited(c)) return c.json(RATE_LIMITED, Status.TOO_MANY_REQUESTS);
    const db = c.env.DB;
    const id = c.req.param("id");
    const body = await c.req.json<{ type: string; title: string; summary?: string; content: object }>();
    const thread = await accessRow(db, id);
    if (!thread) return c.json({ error: "no such thread" }, Status.NOT_FOUND);
    if (thread.status === "ARCHIVED") return c.json({ error: "thread archived" }, Status.CONFLICT);

    const now = new Date();
    const at = sqlDate(now);
    const artifactId = newId();
    const row = {
      id: artifactId,
      thread_id: id,
      message_id: null,
      type: body.type,
      title: body.title,
      summary: body.summary ?? null,
      content: body.content,
      metadata: {},
      version: 1,
      attachments: [],
      created_by: { type: "user", id: thread.owner_id },
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    const committed = await commitOne(db, {
      change: {
        threadId: id,
        type: "artifact.created",
        actor: { type: "user", id: thread.owner_id },
        // The twin takes the body as it comes; the real operation validates the content against its type.
        payload: row as EventPayload<"artifact.created">,
        guard: ACTIVE_THREAD,
        now,
      },
      write: (pending) => [
        db
          .prepare(
            `INSERT INTO artifacts (id, thread_id, message_id, created_by_id, api_key_id, type, title, summary,
                                    current_version, metadata, created_at, updated_at)
             SELECT ?, ?, NULL, ?, NULL, ?, ?, ?, 1, NULL, ?, ? WHERE ${pending.sql}`,
          )
          .bind(artifactId, id, thread.owner_id, body.type, body.title, row.summary, at, at, ...pending.params),
        db
          .prepare(
            `INSERT INTO artifact_versions (id, artifact_id, version, title, content, summary, metadata, file_ids,
                                            created_by_id, api_key_id, created_at)
             SELECT ?, ?, 1, ?, json(?), ?, NULL, json('[]'), ?, NULL, ? WHERE ${pending.sql}`,
          )
          .bind(
            newId(),
            artifactId,
            body.title,
            JSON.stringify(body.content),
            row.summary,
            thread.owner_id,
            at,
            ...pending.params,
          ),
      ],
    });
    if (!committed) return c.json({ error: "thread changed" }, Status.CONFLICT);
    await published(c, committed);
    return c.json(row, Status.CREATED);
  })

  // ---- GET /threads/{id}/artifacts/{artifact_id}: access read, then the artifact joined to its current version --
  // (artifactsRepository.findInThread; an artifact without attachments needs no files query).
  .get("/_bench/threads/:id/artifacts/:artifact_id", async (c) => {
    const db = c.env.DB;
    const id = c.req.param("id");
    if (!(await accessRow(db, id))) return c.json({ error: "no such thread" }, Status.NOT_FOUND);
    const artifact = await db
      .prepare(
        `SELECT a.id, a.thread_id, a.message_id, a.type, a.title, a.summary, a.metadata, a.current_version,
                a.created_by_id, a.api_key_id, a.created_at, a.updated_at, v.content, v.file_ids
         FROM artifacts a JOIN artifact_versions v ON v.artifact_id = a.id AND v.version = a.current_version
         WHERE a.id = ? AND a.thread_id = ?`,
      )
      .bind(c.req.param("artifact_id"), id)
      .first<{ content: string }>();
    if (!artifact) return c.json({ error: "no such artifact" }, Status.NOT_FOUND);
    return c.json({ ...artifact, content: JSON.parse(artifact.content) }, Status.OK);
  })

  // ---- Files: a bare R2 put and get under bench/, with no D1 row, hashing, type sniffing or access check ------
  // What POST /files (raw body) and GET /files/{id}/content cost on top of moving the bytes.
  .put("/_bench/files/:key", async (c) => {
    const body = c.req.raw.body;
    if (!body) return c.json({ error: "no body" }, Status.BAD_REQUEST);
    const object = await c.env.FILES.put(`bench/${c.req.param("key")}`, body);
    // null only for a conditional put, which this is not.
    return c.json({ key: object?.key, size: object?.size }, Status.CREATED);
  })
  // ---- PUT /uploads/{id}/parts/{n}: a bare R2 uploadPart of the body, into a multipart upload the bench opened --
  .post("/_bench/uploads/:key", async (c) => {
    const upload = await c.env.FILES.createMultipartUpload(`bench/${c.req.param("key")}`);
    return c.json({ upload_id: upload.uploadId }, Status.CREATED);
  })
  .put("/_bench/uploads/:key/parts/:n", async (c) => {
    const body = c.req.raw.body;
    const uploadId = c.req.query("upload_id");
    if (!body || !uploadId) return c.json({ error: "no body or no upload_id" }, Status.BAD_REQUEST);
    const upload = c.env.FILES.resumeMultipartUpload(`bench/${c.req.param("key")}`, uploadId);
    const part = await upload.uploadPart(Number(c.req.param("n")), body);
    return c.json(part, Status.OK);
  })
  // ---- GET /files/{id}: the file's row (an admin may read any file, so no access query follows) ----------------
  .get("/_bench/files/:id/metadata", async (c) => {
    const file = await c.env.DB.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE id = ? LIMIT 1`)
      .bind(c.req.param("id"))
      .first();
    return file ? c.json(file, Status.OK) : c.json({ error: "no such file" }, Status.NOT_FOUND);
  })
  .get("/_bench/files/:key", async (c) => {
    const object = await c.env.FILES.get(`bench/${c.req.param("key")}`);
    if (!object) return c.json({ error: "no such object" }, Status.NOT_FOUND);
    return new Response(object.body, {
      headers: { "content-type": "application/octet-stream", "content-length": String(object.size) },
    });
  })

  // ---- Seeding (not a twin): an inbox of `count` threads -------------------------------------------------------
  // Each thread's rows as the API leaves them when `owner_id` creates it and `author_id` (a member) then posts two
  // messages: the counters, the messages, events 1–3 (placeholder payloads: the bench reads no event of these
  // threads), the owner's read row from creation (read up to seq 1, two unread) and the author's (nothing unread). Every `read_every`-th thread has the owner's mark moved to its end. One
  // batch, set-based over json_each; the threads are the newest, so the list's first pages are theirs.
  .post("/_bench/threads/seed", async (c) => {
    const db = c.env.DB;
    const body = await c.req.json<{ owner_id: string; author_id: string; count: number; read_every: number }>();
    if (!Number.isInteger(body.count) || body.count < 1 || body.count > MAX_INBOX) {
      return c.json({ error: `count must be a whole number from 1 to ${MAX_INBOX}` }, Status.BAD_REQUEST);
    }
    const started = Date.now();
    const at = sqlDate(new Date());
    const threads = Array.from({ length: body.count }, (_, i) => ({
      id: newId(),
      title: `Inbox thread ${i + 1}`,
      read: (i + 1) % body.read_every === 0,
      messages: [newId(), newId()],
    }));
    const rows = JSON.stringify(threads);
    const each = (select: string) => `SELECT ${select} FROM json_each(?) t`;
    await db.batch([
      db
        .prepare(
          `INSERT INTO threads (id, owner_id, title, status, message_count, last_message_at, last_seq, memory_version,
                                created_at, updated_at)
           ${each("t.value ->> '$.id', ?, t.value ->> '$.title', 'ACTIVE', 2, ?, 3, 0, ?, ?")}`,
        )
        .bind(body.owner_id, at, at, at, rows),
      db
        .prepare(
          `INSERT INTO messages (id, thread_id, seq, parent_id, author_id, api_key_id, role, text, created_at, updated_at)
           SELECT t.value -> '$.messages' ->> m.key, t.value ->> '$.id', m.key + 2, NULL, ?, NULL, 'USER',
                  'Seeded inbox message ' || (m.key + 1), ?, ?
           FROM json_each(?) t, json_each(t.value -> '$.messages') m`,
        )
        .bind(body.author_id, at, at, rows),
      db
        .prepare(
          `INSERT INTO thread_events (thread_id, seq, type, actor_type, actor_id, payload, created_at)
           SELECT t.value ->> '$.id', s.value, IIF(s.value = 1, 'thread.created', 'message.created'), 'user',
                  IIF(s.value = 1, ?, ?), json_object('seeded', true), ?
           FROM json_each(?) t, json_each('[1,2,3]') s`,
        )
        .bind(body.owner_id, body.author_id, at, rows),
      db
        .prepare(
          `INSERT INTO thread_reads (thread_id, reader_type, reader_id, last_read_seq, unread_count, updated_at)
           ${each("t.value ->> '$.id', 'user', ?, IIF(t.value ->> '$.read', 3, 1), IIF(t.value ->> '$.read', 0, 2), ?")}
           UNION ALL ${each("t.value ->> '$.id', 'user', ?, 0, 0, NULL")}`,
        )
        .bind(body.owner_id, at, rows, body.author_id, rows),
    ]);
    return c.json(
      {
        threads: body.count,
        read: threads.filter((thread) => thread.read).length,
        elapsed_ms: Date.now() - started,
      },
      Status.CREATED,
    );
  })

  // ---- Seeding (not a twin): append `count` messages to a thread in bulk -------------------------------------
  // One D1 batch (one transaction): per chunk of SEED_CHUNK messages, their rows at positions last_seq + 1…n (one
  // INSERT … SELECT over json_each), their message.created events through the thread log's writer for events of
  // known seqs (so the log stays gapless), then the thread's counters. The FTS triggers index every message as it
  // is inserted. Authored by the thread's owner.
  .post("/_bench/threads/:id/seed", async (c) => {
    const db = c.env.DB;
    const id = c.req.param("id");
    const { count } = await c.req.json<{ count: number }>();
    if (!Number.isInteger(count) || count < 1 || count > MAX_SEED) {
      return c.json({ error: `count must be a whole number from 1 to ${MAX_SEED}` }, Status.BAD_REQUEST);
    }
    const thread = await accessRow(db, id);
    if (!thread) return c.json({ error: "no such thread" }, Status.NOT_FOUND);

    const started = Date.now();
    const now = new Date();
    const at = sqlDate(now);
    const iso = now.toISOString();
    const author = { type: "user" as const, id: thread.owner_id };
    const statements: D1PreparedStatement[] = [];
    for (let start = 0; start < count; start += SEED_CHUNK) {
      const size = Math.min(SEED_CHUNK, count - start);
      const rows = texts(thread.last_seq + start, size).map((text, i) => ({
        id: newId(),
        seq: thread.last_seq + start + i + 1,
        text,
      }));
      const events: NewEvent<"message.created">[] = rows.map((row) => ({
        seq: row.seq,
        type: "message.created",
        actor: author,
        payload: {
          id: row.id,
          thread_id: id,
          seq: row.seq,
          parent_id: null,
          role: "USER",
          state: "COMPLETE",
          incomplete_reason: null,
          author,
          text: row.text,
          blocks: [],
          metadata: {},
          attachments: [],
          mentions: [],
          reply_count: 0,
          edited_at: null,
          deleted_at: null,
          created_at: iso,
          updated_at: iso,
        },
      }));
      statements.push(
        db
          .prepare(
            `INSERT INTO messages (id, thread_id, seq, parent_id, author_id, api_key_id, role, text, created_at, updated_at)
             SELECT r.value ->> '$.id', ?, r.value ->> '$.seq', NULL, ?, NULL, 'USER', r.value ->> '$.text', ?, ?
             FROM json_each(?) r`,
          )
          .bind(id, thread.owner_id, at, at, JSON.stringify(rows)),
        insertEvents(db, id, events, now),
        db
          .prepare(
            `UPDATE threads SET last_seq = last_seq + ?, message_count = message_count + ?, last_message_at = ?,
                                updated_at = ?
             WHERE id = ?`,
          )
          .bind(size, size, at, at, id),
      );
    }
    // D1 reports the database's size after each query: the growth per message (row, event, FTS, indexes) is the
    // figure behind the README's capacity plan.
    const sizeBefore = (await db.prepare("SELECT 1").run()).meta.size_after;
    const results = await db.batch(statements);
    const after = await accessRow(db, id);
    return c.json(
      {
        thread_id: id,
        added: count,
        last_seq: after?.last_seq ?? null,
        elapsed_ms: Date.now() - started,
        database_bytes: { before: sizeBefore, after: results.at(-1)?.meta.size_after ?? null },
        text_chars: texts(thread.last_seq, count).reduce((sum, text) => sum + text.length, 0) / count,
      },
      Status.CREATED,
    );
  });
