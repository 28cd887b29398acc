-- Files uploaded by agents: the API key that uploaded a file. Written by hand: Prisma would rebuild
-- `files` to add a foreign-key column, and on D1 that DROP cascades to every attachment.
ALTER TABLE "files" ADD COLUMN "api_key_id" TEXT CONSTRAINT "files_api_key_id_fkey" REFERENCES "api_keys" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "files_api_key_id_created_at_id_idx" ON "files"("api_key_id", "created_at", "id");
