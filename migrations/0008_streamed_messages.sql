-- Written by hand: scripts/migrations.mjs proposed rebuilding "messages" (DROP TABLE), which on D1
-- cascades to reactions and attachments and drops the search triggers. Adding the columns is
-- equivalent, and `npm run db:check` confirms it matches prisma/schema.prisma.
-- AlterTable
ALTER TABLE "messages" ADD COLUMN "state" TEXT NOT NULL DEFAULT 'COMPLETE';
ALTER TABLE "messages" ADD COLUMN "streamed_length" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "messages_thread_id_state_idx" ON "messages"("thread_id", "state");
