-- The run ledger's vocabulary (src/decisions/states.ts), enforced: a status or kind the code
-- does not know is refused by the database rather than stored. test/unit/db/migrations-vocabulary
-- holds these lists equal to the ones in states.ts.
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_kind_check"
  CHECK ("kind" IN ('sync', 'backfill', 'settle'));
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_status_check"
  CHECK ("status" IN ('running', 'succeeded', 'failed', 'interrupted'));
ALTER TABLE "sync_windows" ADD CONSTRAINT "sync_windows_status_check"
  CHECK ("status" IN ('pending', 'running', 'failed', 'done', 'done_with_rejects', 'split'));

-- Windows and rejects belong to a stream (conversations so far).
-- AlterTable
ALTER TABLE "sync_windows" ADD COLUMN     "stream" TEXT NOT NULL DEFAULT 'conversations';

-- AlterTable
ALTER TABLE "sync_rejects" ADD COLUMN     "stream" TEXT NOT NULL DEFAULT 'conversations';

-- One open reject per record key of a stream: two streams' keys never share a row
-- (Prisma cannot model a partial index).
DROP INDEX "sync_rejects_open_key";
CREATE UNIQUE INDEX "sync_rejects_open_key" ON "sync_rejects"("stream", "reject_key") WHERE "resolved_at" IS NULL;
