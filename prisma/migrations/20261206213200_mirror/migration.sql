-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN     "deletions_withheld" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "records_deleted" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "records_expired" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "retention_purges" (
    "stream" TEXT NOT NULL,
    "purged_before" TIMESTAMPTZ(3) NOT NULL,
    "records_purged" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retention_purges_pkey" PRIMARY KEY ("stream")
);

-- CreateIndex
CREATE INDEX "conversations_deleted_at_idx" ON "conversations"("deleted_at");
