#!/bin/sh
# Container entrypoint. Without arguments: apply the migrations, then run the scheduled
# worker. With arguments: run that CLI command instead (`sync`, `backfill ...`, `status`,
# `migrate`), e.g. from the Kubernetes CronJob.
#
# The compiled CLI (dist/cli.js, built in the image) is exec'd with node directly: one
# process, PID 1, receives SIGTERM itself (no npm wrapper in between), so a stop lets the run
# in flight finish its writes and mark itself interrupted within SYNC_SHUTDOWN_TIMEOUT.
set -eu
cd /app

if [ "$#" -eq 0 ]; then
  node dist/cli.js migrate
  exec node dist/cli.js worker
fi
exec node dist/cli.js "$@"
