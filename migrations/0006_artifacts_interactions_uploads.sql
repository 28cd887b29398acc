-- Artifacts made by agents and versioned in full, interactions with message blocks, resumable uploads.
-- Written by hand from what scripts/migrations.mjs generated (`npm run db:check` proves it matches).
-- CreateTable
CREATE TABLE "interactions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "thread_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "user_id" TEXT,
    "api_key_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "interactions_thread_id_fkey" FOREIGN KEY ("thread_id") REFERENCES "threads" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "interactions_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "interactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "interactions_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "uploads" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT,
    "api_key_id" TEXT,
    "thread_id" TEXT,
    "filename" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "total_bytes" INTEGER NOT NULL,
    "part_bytes" INTEGER NOT NULL,
    "sha256" TEXT,
    "storage_key" TEXT NOT NULL,
    "r2_upload_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "file_id" TEXT,
    "expires_at" DATETIME NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "uploads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "uploads_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "uploads_thread_id_fkey" FOREIGN KEY ("thread_id") REFERENCES "threads" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "upload_parts" (
    "upload_id" TEXT NOT NULL,
    "part_number" INTEGER NOT NULL,
    "etag" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("upload_id", "part_number"),
    CONSTRAINT "upload_parts_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "uploads" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Artifacts and their versions: who (user or API key) made them, a summary, and versions that hold
-- a whole state. Plain ADD COLUMNs (Prisma would rebuild both tables; on D1 the DROP would cascade
-- to every version and attached file).
ALTER TABLE "artifacts" ADD COLUMN "api_key_id" TEXT CONSTRAINT "artifacts_api_key_id_fkey" REFERENCES "api_keys" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "artifacts" ADD COLUMN "summary" TEXT;
CREATE INDEX "artifacts_api_key_id_idx" ON "artifacts"("api_key_id");
ALTER TABLE "artifact_versions" ADD COLUMN "title" TEXT NOT NULL DEFAULT '';
ALTER TABLE "artifact_versions" ADD COLUMN "metadata" JSONB;
ALTER TABLE "artifact_versions" ADD COLUMN "file_ids" JSONB;
ALTER TABLE "artifact_versions" ADD COLUMN "api_key_id" TEXT CONSTRAINT "artifact_versions_api_key_id_fkey" REFERENCES "api_keys" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "artifact_versions_api_key_id_idx" ON "artifact_versions"("api_key_id");
-- Versions written before this migration take their artifact's title.
UPDATE "artifact_versions" SET "title" = (SELECT "title" FROM "artifacts" WHERE "id" = "artifact_versions"."artifact_id");

-- CreateIndex
CREATE INDEX "interactions_message_id_created_at_id_idx" ON "interactions"("message_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "interactions_thread_id_created_at_id_idx" ON "interactions"("thread_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "interactions_user_id_idx" ON "interactions"("user_id");

-- CreateIndex
CREATE INDEX "interactions_api_key_id_idx" ON "interactions"("api_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "uploads_storage_key_key" ON "uploads"("storage_key");

-- CreateIndex
CREATE UNIQUE INDEX "uploads_file_id_key" ON "uploads"("file_id");

-- CreateIndex
CREATE INDEX "uploads_status_expires_at_idx" ON "uploads"("status", "expires_at");

-- CreateIndex
CREATE INDEX "uploads_user_id_created_at_id_idx" ON "uploads"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "uploads_api_key_id_created_at_id_idx" ON "uploads"("api_key_id", "created_at", "id");
