import type { Logger } from '../logger.ts';

/**
 * Turns the first SIGINT/SIGTERM into an abort signal (finish in-flight writes, mark the run
 * interrupted); a second one exits at once, for an operator who really means it.
 */
export function stopSignal(logger: Logger): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn(`${name} again: exiting now`);
      process.exit(130);
    }
    logger.warn(`${name} received: finishing the writes in flight, then stopping (send again to exit at once)`);
    controller.abort(new Error(`stopped by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
