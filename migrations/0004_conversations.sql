-- Conversations: the thread event log, message order / replies / agent authors, reactions by API
-- keys, thread counters, and full-text search over messages.
--
-- Written by hand from what scripts/migrations.mjs generated (`npm run db:check` proves it matches
-- prisma/schema.prisma): Prisma rebuilds `threads` and `messages` to add columns, and on D1, where
-- foreign keys stay on, `DROP TABLE` would cascade-delete every message, reaction and attachment.
-- Plain `ADD COLUMN`s keep the rows.

-- CreateTable
CREATE TABLE "thread_events" (
    "thread_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor_type" TEXT,
    "actor_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("thread_id", "seq"),
    CONSTRAINT "thread_events_thread_id_fkey" FOREIGN KEY ("thread_id") REFERENCES "threads" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "thread_events_created_at_idx" ON "thread_events"("created_at");

-- Threads: counters kept by the batches that change a thread.
ALTER TABLE "threads" ADD COLUMN "memory_updated_at" DATETIME;
ALTER TABLE "threads" ADD COLUMN "message_count" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "threads" ADD COLUMN "last_seq" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "threads_updated_at_id_idx" ON "threads"("updated_at", "id");
CREATE INDEX "threads_status_updated_at_id_idx" ON "threads"("status", "updated_at", "id");

-- Messages: position, replies, agent authors.
ALTER TABLE "messages" ADD COLUMN "seq" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "messages" ADD COLUMN "parent_id" TEXT CONSTRAINT "messages_parent_id_fkey" REFERENCES "messages" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "messages" ADD COLUMN "api_key_id" TEXT CONSTRAINT "messages_api_key_id_fkey" REFERENCES "api_keys" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "messages" ADD COLUMN "reply_count" INTEGER NOT NULL DEFAULT 0;

-- Rows written before this migration get positions in time order, and their threads the counters.
UPDATE "messages" SET "seq" = (
    SELECT COUNT(*) FROM "messages" AS "m"
    WHERE "m"."thread_id" = "messages"."thread_id"
      AND ("m"."created_at" < "messages"."created_at" OR ("m"."created_at" = "messages"."created_at" AND "m"."id" <= "messages"."id"))
);
UPDATE "threads" SET
    "message_count" = (SELECT COUNT(*) FROM "messages" WHERE "thread_id" = "threads"."id" AND "deleted_at" IS NULL),
    "last_seq" = (SELECT COALESCE(MAX("seq"), 0) FROM "messages" WHERE "thread_id" = "threads"."id");

DROP INDEX "messages_thread_id_created_at_id_idx";
CREATE UNIQUE INDEX "messages_thread_id_seq_key" ON "messages"("thread_id", "seq");
CREATE INDEX "messages_parent_id_seq_idx" ON "messages"("parent_id", "seq");
CREATE INDEX "messages_api_key_id_idx" ON "messages"("api_key_id");

-- Reactions: by a user or an API key. Rebuilt (user_id becomes nullable); no table references
-- reactions, so the DROP cascades to nothing.
PRAGMA defer_foreign_keys=ON;
CREATE TABLE "new_reactions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "message_id" TEXT NOT NULL,
    "user_id" TEXT,
    "api_key_id" TEXT,
    "emoji" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "reactions_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "reactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "reactions_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_reactions" ("created_at", "emoji", "id", "message_id", "user_id") SELECT "created_at", "emoji", "id", "message_id", "user_id" FROM "reactions";
DROP TABLE "reactions";
ALTER TABLE "new_reactions" RENAME TO "reactions";
CREATE INDEX "reactions_user_id_idx" ON "reactions"("user_id");
CREATE INDEX "reactions_api_key_id_idx" ON "reactions"("api_key_id");
CREATE UNIQUE INDEX "reactions_message_id_emoji_user_id_key" ON "reactions"("message_id", "emoji", "user_id");
CREATE UNIQUE INDEX "reactions_message_id_emoji_api_key_id_key" ON "reactions"("message_id", "emoji", "api_key_id");
PRAGMA defer_foreign_keys=OFF;

-- Full-text search over message text (FTS5), kept in sync by triggers. FTS rows are keyed through
-- message_search_rows, whose INTEGER PRIMARY KEY is a rowid that never changes; the rowid of
-- `messages` itself (a table with a TEXT key) may be renumbered by VACUUM or a table rebuild.
-- These objects are outside Prisma's schema (listed as external tables in scripts/migrations.mjs).
-- A migration that ever rebuilds `messages` must re-create the three triggers.
CREATE TABLE "message_search_rows" (
    "rowid" INTEGER PRIMARY KEY,
    "message_id" TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE "messages_fts" USING fts5("text", tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER "messages_search_insert" AFTER INSERT ON "messages" BEGIN
    INSERT INTO "message_search_rows" ("message_id") VALUES (new."id");
    INSERT INTO "messages_fts" ("rowid", "text")
        SELECT "rowid", new."text" FROM "message_search_rows" WHERE "message_id" = new."id";
END;
CREATE TRIGGER "messages_search_update" AFTER UPDATE OF "text" ON "messages" BEGIN
    UPDATE "messages_fts" SET "text" = new."text"
        WHERE "rowid" = (SELECT "rowid" FROM "message_search_rows" WHERE "message_id" = new."id");
END;
CREATE TRIGGER "messages_search_delete" AFTER DELETE ON "messages" BEGIN
    DELETE FROM "messages_fts"
        WHERE "rowid" = (SELECT "rowid" FROM "message_search_rows" WHERE "message_id" = old."id");
    DELETE FROM "message_search_rows" WHERE "message_id" = old."id";
END;
INSERT INTO "message_search_rows" ("message_id") SELECT "id" FROM "messages";
INSERT INTO "messages_fts" ("rowid", "text")
    SELECT "s"."rowid", "m"."text" FROM "message_search_rows" AS "s" JOIN "messages" AS "m" ON "m"."id" = "s"."message_id";
