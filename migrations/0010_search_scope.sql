-- Search narrowed inside FTS5: every indexed message also carries a `scope` column of two tokens,
-- "o<owner id>" and "t<thread id>", so a search for one owner's or one thread's messages intersects
-- posting lists instead of ranking every match in the database and filtering afterwards (the cost
-- grew with the matches across all owners). The search still filters on the joined rows; the scope
-- only narrows. Outside Prisma's schema, like migrations/0004's search objects. An FTS5 table
-- cannot gain a column, so it is re-created and filled again from `messages`; `message_search_rows`
-- (the stable rowids) stays. Threads never change owner and messages never change thread, so the
-- scope is written once, on insert; the update and delete triggers of 0004 are unchanged.
DROP TRIGGER "messages_search_insert";
DROP TABLE "messages_fts";
CREATE VIRTUAL TABLE "messages_fts" USING fts5("text", "scope", tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER "messages_search_insert" AFTER INSERT ON "messages" BEGIN
    INSERT INTO "message_search_rows" ("message_id") VALUES (new."id");
    INSERT INTO "messages_fts" ("rowid", "text", "scope")
        SELECT "s"."rowid", new."text", 'o' || "t"."owner_id" || ' t' || "t"."id"
        FROM "message_search_rows" AS "s" JOIN "threads" AS "t" ON "t"."id" = new."thread_id"
        WHERE "s"."message_id" = new."id";
END;
INSERT INTO "messages_fts" ("rowid", "text", "scope")
    SELECT "s"."rowid", "m"."text", 'o' || "t"."owner_id" || ' t' || "t"."id"
    FROM "message_search_rows" AS "s"
    JOIN "messages" AS "m" ON "m"."id" = "s"."message_id"
    JOIN "threads" AS "t" ON "t"."id" = "m"."thread_id";
