-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "fetched_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "participants" ADD COLUMN     "attributes" JSONB;

-- AlterTable
ALTER TABLE "sync_windows" ADD COLUMN     "ids_received" INTEGER,
ADD COLUMN     "job_id" TEXT,
ADD COLUMN     "lane" TEXT NOT NULL DEFAULT 'query',
ADD COLUMN     "lane_note" TEXT,
ADD COLUMN     "records_rejected" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "sync_rejects" (
    "reject_id" BIGSERIAL NOT NULL,
    "reject_key" TEXT NOT NULL,
    "conversation_id" TEXT,
    "run_id" UUID NOT NULL,
    "window_id" BIGINT,
    "page" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "raw_json" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "times_seen" INTEGER NOT NULL DEFAULT 1,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_rejects_pkey" PRIMARY KEY ("reject_id")
);

-- CreateIndex
CREATE INDEX "sync_rejects_conversation_idx" ON "sync_rejects"("conversation_id");

-- One open reject per record: a record rejected again updates its row (Prisma cannot model a partial index).
CREATE UNIQUE INDEX "sync_rejects_open_key" ON "sync_rejects"("reject_key") WHERE "resolved_at" IS NULL;
