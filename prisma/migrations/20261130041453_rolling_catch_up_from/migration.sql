-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN     "catch_up_from" TIMESTAMPTZ(3);
