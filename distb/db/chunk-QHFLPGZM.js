import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  EXIT
} from "./chunk-NYIOMDCQ.js";

// dist/commands/signals.js
function stopSignal(logger, grace) {
  const controller = new AbortController();
  let graceTimer;
  const onSignal = (name) => {
    if (controller.signal.aborted) {
      logger.warn(`${name} again: exiting now`);
      process.exit(EXIT.INTERRUPTED);
    }
    logger.warn(`${name} received: finishing the writes in flight, then stopping (send again to exit at once)`);
    controller.abort(new Error(`stopped by ${name}`));
    if (grace) {
      graceTimer = setTimeout(() => grace.expired(), grace.ms);
      graceTimer.unref();
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(graceTimer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  };
}
function cutConnectionsAfterGrace(logger, shutdownTimeoutMs, database) {
  const ms = Math.max(1, Math.floor(shutdownTimeoutMs / 2));
  return {
    ms,
    expired() {
      const cut = database.cutConnections();
      if (cut > 0)
        logger.warn({ cut, graceMs: ms }, `database statements still waiting ${Math.round(ms / 1e3)} s after the stop: cutting ${cut} connection(s)`);
    }
  };
}
function armExitDeadline(logger, ms, exit = (code) => process.exit(code)) {
  let timer;
  const onSignal = (name) => {
    if (process.listenerCount(name) === 1)
      return exit(EXIT.INTERRUPTED);
    if (timer)
      return;
    timer = setTimeout(() => {
      logger.error({ deadlineMs: ms }, `still running ${Math.round(ms / 1e3)} s after ${name}: exiting now (exit ${EXIT.INTERRUPTED})`);
      exit(EXIT.INTERRUPTED);
    }, ms);
    timer.unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    clearTimeout(timer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
var EXIT_DEADLINE_SLACK_MS = 3e4;

export {
  stopSignal,
  cutConnectionsAfterGrace,
  armExitDeadline,
  EXIT_DEADLINE_SLACK_MS
};
