import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// dist/time.js
var SECOND_MS = 1e3;
var MINUTE_MS = 60 * SECOND_MS;
var HOUR_MS = 60 * MINUTE_MS;
var DAY_MS = 24 * HOUR_MS;
var systemClock = () => /* @__PURE__ */ new Date();
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort2);
      resolve();
    }, ms);
    const onAbort2 = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort2, { once: true });
  });
}
function onAbort(signal, fn) {
  if (!signal)
    return () => {
    };
  if (signal.aborted) {
    fn();
    return () => {
    };
  }
  signal.addEventListener("abort", fn, { once: true });
  return () => signal.removeEventListener("abort", fn);
}
function untilAborted(signal) {
  return new Promise((resolve) => onAbort(signal, resolve));
}

export {
  SECOND_MS,
  MINUTE_MS,
  HOUR_MS,
  DAY_MS,
  systemClock,
  sleep,
  onAbort,
  untilAborted
};
