#!/bin/sh
# Container entrypoint. Without arguments: apply the migrations, then run the scheduled
# worker. With arguments: run that CLI command instead (`sync`, `backfill ...`, `status`,
# `migrate`), e.g. from the Kubernetes CronJob.
#
# The worker is exec'd as `node --import tsx` rather than through `npx tsx`: one process,
# PID 1, receives SIGTERM itself (no npm or tsx wrapper in between), so a stop lets the run
# in flight finish its writes and mark itself interrupted within SYNC_SHUTDOWN_TIMEOUT.
set -eu
cd /app

if [ "$#" -eq 0 ]; then
  node --import tsx src/cli.ts migrate
  exec node --import tsx src/cli.ts worker
fi
exec node --import tsx src/cli.ts "$@"
