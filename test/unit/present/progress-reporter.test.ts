import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createProgressReporter } from '../../../src/present/progress-reporter.ts';
import {
  completedFraction,
  estimateRemainingMs,
  formatBar,
  formatProgressLine,
  progressFields,
  requestsPerMinute,
} from '../../../src/present/progress.ts';
import type { SyncProgress } from '../../../src/pipeline/sync.ts';
import { MINUTE_MS, SECOND_MS } from '../../../src/time.ts';

const progress = (over: Partial<SyncProgress> = {}): SyncProgress => ({
  windowsTotal: 40,
  windowsDone: 10,
  windowsFailed: 0,
  conversationsWritten: 12_345,
  requests: 120,
  elapsedMs: 2 * MINUTE_MS,
  ...over,
});

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

function fakeClock(startMs = Date.UTC(2025, 0, 1)) {
  let now = startMs;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('progress formatting', () => {
  it('counts done and failed windows as finished', () => {
    expect(completedFraction(progress({ windowsDone: 9, windowsFailed: 1 }))).toBe(0.25);
    expect(completedFraction(progress({ windowsTotal: 0, windowsDone: 0 }))).toBe(1);
  });

  it('computes requests per minute over the elapsed time, not before a second has passed', () => {
    expect(requestsPerMinute(progress())).toBe(60);
    expect(requestsPerMinute(progress({ elapsedMs: 500 }))).toBeUndefined();
  });

  it('extrapolates the ETA from the average time per finished window', () => {
    // 10 windows in 2 minutes, 30 left → 6 minutes.
    expect(estimateRemainingMs(progress())).toBe(6 * MINUTE_MS);
    expect(estimateRemainingMs(progress({ windowsDone: 0 }))).toBeUndefined();
    expect(estimateRemainingMs(progress({ windowsDone: 40 }))).toBe(0);
  });

  it('draws a bar of fixed width, clamped to 0..1', () => {
    expect(formatBar(0, 10)).toBe('[----------]');
    expect(formatBar(0.5, 10)).toBe('[#####-----]');
    expect(formatBar(2, 10)).toBe('[##########]');
  });

  it('formats one line with windows, conversations, rate and ETA', () => {
    expect(formatProgressLine(progress())).toBe(
      '[######------------------]  10/40 windows  12,345 conversations  60 req/min  ETA 6m 00s',
    );
    expect(formatProgressLine(progress({ windowsDone: 0, windowsFailed: 2, elapsedMs: 100 }))).toContain(
      '0/40 windows (2 failed)  12,345 conversations  – req/min',
    );
  });

  it('never makes a line longer than the terminal (a wrapped line cannot be redrawn)', () => {
    expect(formatProgressLine(progress(), 30)).toHaveLength(29);
  });

  it('gives the log line numeric fields', () => {
    expect(progressFields(progress())).toEqual({
      windowsDone: 10,
      windowsFailed: 0,
      windowsTotal: 40,
      percent: 25,
      conversations: 12_345,
      requests: 120,
      requestsPerMinute: 60,
      elapsedMs: 2 * MINUTE_MS,
      etaMs: 6 * MINUTE_MS,
    });
  });
});

describe('createProgressReporter', () => {
  it('redraws one line in place on a terminal and ends it with a newline', () => {
    const written: string[] = [];
    const { logger, lines } = captureLogger();
    const { clock, advance } = fakeClock();
    const reporter = createProgressReporter({ logger, stream: { write: (t: string) => written.push(t), columns: 200 }, isTTY: true, clock });
    reporter.update(progress({ windowsDone: 1 }));
    reporter.update(progress({ windowsDone: 2 })); // throttled: same instant
    advance(SECOND_MS);
    reporter.update(progress({ windowsDone: 3 }));
    reporter.finish();
    reporter.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\r\[.*1\/40 windows.*\x1b\[K$/);
    expect(written[1]).toContain('3/40 windows');
    expect(written[2]).toBe('\n');
    expect(lines).toHaveLength(0);
  });

  it('draws a full line when a pseudo-terminal reports 0 columns', () => {
    const written: string[] = [];
    const { logger } = captureLogger();
    const reporter = createProgressReporter({ logger, stream: { write: (t: string) => written.push(t), columns: 0 }, isTTY: true });
    reporter.update(progress());
    expect(written[0]).toContain('ETA 6m 00s');
  });

  it('draws the last state at finish when the last update was throttled', () => {
    const written: string[] = [];
    const { logger } = captureLogger();
    const { clock } = fakeClock();
    const reporter = createProgressReporter({ logger, stream: { write: (t: string) => written.push(t) }, isTTY: true, clock });
    reporter.update(progress({ windowsDone: 1 }));
    reporter.update(progress({ windowsDone: 40 }));
    reporter.finish();
    expect(written.at(-2)).toContain('40/40 windows');
  });

  it('logs a progress line at the interval off a terminal, and none for a short run', () => {
    const { logger, lines } = captureLogger();
    const { clock, advance } = fakeClock();
    const written: string[] = [];
    const reporter = createProgressReporter({ logger, stream: { write: (t: string) => written.push(t) }, intervalMs: 30 * SECOND_MS, clock });
    reporter.update(progress({ windowsDone: 1 }));
    advance(10 * SECOND_MS);
    reporter.update(progress({ windowsDone: 2 }));
    expect(lines).toHaveLength(0);
    advance(20 * SECOND_MS);
    reporter.update(progress({ windowsDone: 3 }));
    advance(5 * SECOND_MS);
    reporter.update(progress({ windowsDone: 4 }));
    reporter.finish();
    expect(written).toHaveLength(0);
    expect(lines.map((l) => [l.msg, l.windowsDone])).toEqual([
      ['progress', 3],
      ['progress', 4],
    ]);

    const short = captureLogger();
    const quick = createProgressReporter({ logger: short.logger, stream: { write: () => {} }, clock });
    quick.update(progress());
    quick.finish();
    expect(short.lines).toHaveLength(0);
  });
});
