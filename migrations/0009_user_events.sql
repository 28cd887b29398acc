-- Written by hand: scripts/migrations.mjs proposed rebuilding "users" (DROP TABLE), which on D1
-- cascades to everything users own. Adding the column is equivalent, and `npm run db:check`
-- confirms this file matches prisma/schema.prisma.
-- CreateTable
CREATE TABLE "user_events" (
    "user_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "thread_id" TEXT NOT NULL,
    "thread_seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor_type" TEXT,
    "actor_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("user_id", "seq"),
    CONSTRAINT "user_events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "users" ADD COLUMN "last_event_seq" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "user_events_created_at_idx" ON "user_events"("created_at");
