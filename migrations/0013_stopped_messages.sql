-- Written by hand: scripts/migrations.mjs proposes rebuilding "messages" (DROP TABLE), which on D1
-- cascades to reactions and attachments and drops the search triggers. Adding the column is
-- equivalent, and `npm run db:check` confirms it matches prisma/schema.prisma.
-- AlterTable
ALTER TABLE "messages" ADD COLUMN "incomplete_reason" TEXT;

-- Every message INCOMPLETE before this migration timed out: stopping did not exist.
UPDATE "messages" SET "incomplete_reason" = 'TIMED_OUT' WHERE "state" = 'INCOMPLETE';
