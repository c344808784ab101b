/** The one-screen summary printed at the end of a sync or backfill. */
import { formatDuration } from '../duration.ts';
import { describeReject } from '../pipeline/run-state.ts';
import { describeFailure, type SyncReport } from '../pipeline/sync.ts';

const MAX_LISTED_FAILURES = 10;
const MAX_LISTED_REJECTS = 10;

/** The days of a run's range read without participant attributes, with the backfill that fills each range. */
export function formatAttributeDebt(debt: ReadonlyArray<{ from: string; to: string; days: number; command: string }>): string {
  if (debt.length === 0) return '';
  const days = debt.reduce((n, r) => n + r.days, 0);
  const lines = [`  attributes     ${days} day(s) read without participant attributes (the query lane); the worker's settling re-reads them through jobs, or run:`];
  for (const r of debt.slice(0, MAX_LISTED_FAILURES)) lines.push(`    - ${r.from} → ${r.to}: ${r.command}`);
  if (debt.length > MAX_LISTED_FAILURES) lines.push(`    … and ${debt.length - MAX_LISTED_FAILURES} more range(s) (npm run status)`);
  return lines.join('\n');
}

/** One line per stream besides the conversations (their line is above): records written, new or changed. */
function otherStreams(report: SyncReport): string[] {
  return report.streams
    .filter((s) => s.stream !== 'conversations')
    .map((s) => `  ${s.stream.padEnd(14)} ${s.recordsWritten} written (${s.changed} new or changed${s.stale > 0 ? `, ${s.stale} older than the stored version, skipped` : ''})`);
}

export function formatSummary(report: SyncReport): string {
  const lines = [
    `${report.kind} ${report.status.toUpperCase()}  run ${report.runId}`,
    `  interval       ${report.interval.start.toISOString()} → ${report.interval.end.toISOString()}`,
    `  windows        ${report.windowsDone} done, ${report.windowsFailed} failed, ${report.windowsTotal} planned` +
      (report.windowsResumed > 0 ? ` (${report.windowsResumed} already done by an earlier run, skipped)` : ''),
    `  requests       ${report.requests} (${report.pages} pages, ${report.retries} retries, ${report.rateLimited} rate-limited)`,
    `  conversations  ${report.conversationsWritten} written (${report.conversationsChanged} new or changed` +
      (report.conversationsStale > 0 ? `, ${report.conversationsStale} older than the stored version, skipped` : '') +
      (report.recordsRejected > 0 ? `; ${report.recordsRejected} quarantined` : '') +
      ')',
    ...otherStreams(report),
    `  duration       ${formatDuration(report.durationMs)}`,
  ];
  for (const w of report.warnings) lines.push(`  warning        ${w}`);
  if (report.recordsDeleted > 0 || report.deletionsWithheld > 0) {
    lines.splice(-1, 0, `  deleted        ${report.recordsDeleted} no longer returned by Genesys (deleted upstream)` +
      (report.deletionsWithheld > 0 ? `; ${report.deletionsWithheld} window(s) withheld by SYNC_DELETE_MAX_FRACTION` : ''));
  }
  if (report.recordsRejected > 0) {
    lines.push('  quarantined records (in sync_rejects with their raw JSON; a later run that stores them closes them):');
    for (const r of report.rejects.slice(0, MAX_LISTED_REJECTS)) lines.push(`    - ${describeReject(r)}`);
    if (report.recordsRejected > MAX_LISTED_REJECTS) lines.push(`    … and ${report.recordsRejected - MAX_LISTED_REJECTS} more (npm run status)`);
  }
  if (report.failures.length > 0) {
    lines.push('  failed windows (holes until a run covers them again; npm run status lists them):');
    for (const f of report.failures.slice(0, MAX_LISTED_FAILURES)) lines.push(`    - ${describeFailure(f)}`);
    if (report.failures.length > MAX_LISTED_FAILURES) lines.push(`    … and ${report.failures.length - MAX_LISTED_FAILURES} more (npm run status)`);
  } else if (report.error && report.recordsRejected === 0) {
    lines.push(`  error          ${report.error}`);
  }
  return lines.join('\n');
}
