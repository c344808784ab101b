/**
 * The `status` screen: the report of src/pipeline/status.ts for people (a table of runs, the
 * windows needing attention, freshness, coverage, the verdict) and for scripts (JSON).
 */
import { formatDuration } from '../duration.ts';
import { formatBackfills, planBackfills, rejectName, type StatusReport, type StreamFreshness } from '../pipeline/status.ts';
import type { Range } from '../decisions/coverage.ts';
import { formatTable } from './table.ts';
import { ago, formatSpan, oneLine, shortTime } from '../decisions/text.ts';

/** The report for scripts: ISO dates, stable field names. */
export function statusJson(report: StatusReport): unknown {
  return JSON.parse(JSON.stringify(report));
}

/** The report for people: a table of runs, the windows needing attention, freshness, the verdict. */
export function formatStatus(report: StatusReport): string {
  const lines = [
    ...formatRuns(report),
    '',
    ...formatWindows(report),
    '',
    ...formatRejects(report),
    '',
    ...formatFreshness(report),
    '',
    ...formatMirror(report),
    '',
    ...formatReferenceLists(report),
    ...formatCoverage(report),
    '',
  ];
  if (report.personalData) lines.push(formatPersonalData(report.personalData), '');
  if (report.healthy) lines.push(`HEALTHY (last successful sync within STATUS_MAX_AGE ${formatDuration(report.maxAgeMs)})`);
  else lines.push('UNHEALTHY', ...report.problems.map((p) => `  - ${oneLine(p, 300)}`));
  return lines.join('\n');
}

function formatPersonalData(p: NonNullable<StatusReport['personalData']>): string {
  const what = p.mode === 'hash' ? 'hashed (HMAC-SHA256)' : p.mode === 'drop' ? 'dropped (null)' : 'kept in clear';
  return `PERSONAL DATA  PII_MODE=${p.mode} (contact fields ${what}), PII_ATTRIBUTES=${p.attributes}; rows stored under another mode: npm run protect`;
}

function formatRuns(report: StatusReport): string[] {
  const { now } = report;
  const lines = ['RECENT RUNS'];
  if (report.runs.length === 0) return [...lines, '  (none yet: run `npm run sync` or start the worker)'];
  const header = ['STARTED (UTC)', 'KIND', 'STATUS', 'INTERVAL', 'WINDOWS d/f/t', 'CONVS', 'REQS', 'DURATION'];
  const rows = report.runs.map((r) => [
    shortTime(r.startedAt),
    r.kind,
    r.status,
    `${shortTime(r.intervalStart)} → ${shortTime(r.intervalEnd)}`,
    `${r.windowsDone}/${r.windowsFailed}/${r.windowsTotal}`,
    String(r.conversationsWritten),
    String(r.requests),
    r.durationMs !== null
      ? formatDuration(r.durationMs)
      : r.status === 'running'
        ? `${formatDuration(now.getTime() - r.startedAt.getTime())}…`
        : `heartbeat ${formatDuration(r.heartbeatAgeMs ?? now.getTime() - r.heartbeatAt.getTime())} ago`,
  ]);
  lines.push(...formatTable([header, ...rows], { indent: '  ' }));
  for (const r of report.runs.filter((x) => (x.error && x.status !== 'succeeded') || x.deadReason).slice(0, 5)) {
    const why = r.deadReason ? `${r.deadReason}; the next run marks it interrupted` : r.error!;
    lines.push(`  ${r.runId.slice(0, 8)} ${r.status}: ${oneLine(why, 200)}`);
  }
  for (const w of report.runWarnings) {
    const runs = w.runs === 1 ? `run ${w.newestRunId.slice(0, 8)}` : `${w.runs} of these runs, newest ${w.newestRunId.slice(0, 8)}`;
    lines.push(`  warning (${runs}, ${ago(w.newestStartedAt, now)}): ${oneLine(w.warning, 300)}`);
  }
  return lines;
}

function formatWindows(report: StatusReport): string[] {
  const lines = ['WINDOWS FAILED OR OPEN IN THESE RUNS'];
  if (report.windows.length === 0) lines.push('  none');
  for (const w of report.windows) {
    lines.push(
      `  ${w.status.padEnd(8)} ${shortTime(w.windowStart)} → ${shortTime(w.windowEnd)}  ${oneLine(w.scopeKey, 40)}` +
        `  run ${w.runId.slice(0, 8)}, ${w.attempts} attempt(s)${w.error ? `: ${oneLine(w.error, 160)}` : ''}`,
    );
  }
  if (report.windowsNotListed > 0) lines.push(`  … and ${report.windowsNotListed} more (see the sync_windows table)`);
  return lines;
}

function formatRejects(report: StatusReport): string[] {
  const lines = ['QUARANTINED RECORDS NOT STORED YET (sync_rejects, resolved_at is null)'];
  if (report.rejects.open === 0) lines.push('  none');
  for (const r of report.rejects.listed) {
    lines.push(
      `  ${rejectName(r)}  ${r.page}, run ${r.runId.slice(0, 8)}, seen ${r.timesSeen}x, ` +
        `last ${shortTime(r.lastSeenAt)}: ${oneLine(r.error, 160)}`,
    );
  }
  if (report.rejects.open > report.rejects.listed.length) {
    lines.push(`  … and ${report.rejects.open - report.rejects.listed.length} more (SELECT * FROM sync_rejects WHERE resolved_at IS NULL)`);
  }
  return lines;
}

function formatFreshness(report: StatusReport): string[] {
  const { now, freshness: f, settling: st } = report;
  return [
    'FRESHNESS',
    `  newest conversation start  ${f.newestConversationStart ? ago(f.newestConversationStart, now) : 'no conversations stored'}`,
    `  newest last_synced_at      ${f.newestLastSyncedAt ? ago(f.newestLastSyncedAt, now) : '–'}`,
    `  last successful sync       ${f.lastSuccess ? `${ago(f.lastSuccess.finishedAt, now)} (run ${f.lastSuccess.runId})` : 'never'}`,
    `  settling                   ${st.daysAwaiting} query-read day(s) not yet re-read through a job` +
      (st.oldestAwaiting ? ` (oldest ${st.oldestAwaiting}; the newest wait for the data-availability date)` : '') +
      `; last settle run ${st.lastRun ? `${st.lastRun.status}, ${ago(st.lastRun.startedAt, now)}` : 'never'}`,
    ...f.streams.map((s) => formatStreamFreshness(s, now)),
  ];
}

/** One line per stream: how far the worker's scope is covered and the newest record stored (a stream left out stops moving). */
function formatStreamFreshness(s: StreamFreshness, now: Date): string {
  const covered = s.newestCoveredEnd ? `covered up to ${ago(s.newestCoveredEnd, now)}` : 'nothing covered yet';
  const newest = s.newestRecordStart ? `newest record start ${ago(s.newestRecordStart, now)}` : 'no record stored';
  return `  ${`stream ${s.stream}`.padEnd(27)}${covered} (the worker's scope); ${newest}`;
}

/** Attribute debt, deletions upstream and retention (docs/sync.md §15, §17, §18). */
function formatMirror(report: StatusReport): string[] {
  const { mirror: m, settling: st } = report;
  const debtDays = st.attributeDebt.reduce((n, r) => n + r.days, 0);
  const lines = [
    'MIRROR',
    `  attributes   ${debtDays === 0 ? 'no day older than two days lacks participant attributes' : `${debtDays} day(s) read without participant attributes (the query lane); the worker's settling re-reads them through jobs (SETTLE_DAYS_PER_TICK a tick), or run:`}`,
  ];
  for (const r of st.attributeDebt.slice(0, MAX_LISTED_DEBT)) lines.push(`    ${r.from} → ${r.to} (${r.days} day(s))  ${r.command}`);
  if (st.attributeDebt.length > MAX_LISTED_DEBT) lines.push(`    … and ${st.attributeDebt.length - MAX_LISTED_DEBT} more range(s)`);
  lines.push(
    `  deletions    ${m.markedDeleted} conversation(s) marked deleted upstream (deleted_at); last 7 days: ${m.recent.deleted} deleted, ${m.recent.withheld} window(s) withheld by SYNC_DELETE_MAX_FRACTION`,
    `  retention    ${m.purgedBefore ? `conversations that started before ${shortTime(m.purgedBefore)} deleted; last 7 days: ${m.recent.expired}` : 'nothing purged (RETENTION_DAYS unset, or nothing old enough yet)'}`,
  );
  return lines;
}

const MAX_LISTED_DEBT = 5;

function formatReferenceLists(report: StatusReport): string[] {
  const lines = ['REFERENCE LISTS (names for ids)'];
  if (report.referenceLists.length === 0) lines.push('  not refreshed yet');
  if (report.referenceLists.length > 0) {
    const header = ['LIST', 'STATUS', 'ENTRIES', 'REFRESHED (UTC)', 'LAST READ (UTC)'];
    const rows = report.referenceLists.map((l) => [
      l.list, l.status, l.entries === null ? '–' : String(l.entries), shortTime(l.refreshedAt), l.lastSuccessAt ? shortTime(l.lastSuccessAt) : 'never',
    ]);
    lines.push(...formatTable([header, ...rows], { indent: '  ' }));
  }
  for (const w of report.warnings) lines.push(`  warning: ${oneLine(w, 300)}`);
  return lines;
}

/** Per scope: covered ranges and holes, merged, the newest listed and the rest counted. */
function formatCoverage(report: StatusReport): string[] {
  const lines = ['COVERAGE (time ranges whose windows are all done, per stream and agent scope)'];
  if (report.coverage.length === 0) lines.push('  none yet');
  for (const s of report.coverage) {
    const name = s.agentIds.length === 0 ? 'all agents' : `${s.agentIds.length} agent(s): ${oneLine(s.agentIds.join(','), 80)}`;
    lines.push(`  ${s.stream}: ${name}${s.worker ? '  (the worker\'s scope)' : ''}`);
    const covered = s.covered.map(span).join(', ');
    lines.push(`    covered      ${covered || 'nothing yet'}${s.coveredNotListed > 0 ? ` (and ${s.coveredNotListed} older range(s))` : ''}`);
    for (const h of s.holes) {
      lines.push(`    hole         ${span(h)}  (${formatSpan(h.end.getTime() - h.start.getTime())})  ${formatBackfills(planBackfills(h, s.agentIds, { configured: s.worker, stream: s.stream }))}`);
    }
    if (s.holesNotListed > 0) lines.push(`    … and ${s.holesNotListed} older hole(s)`);
    for (const r of s.inProgress) lines.push(`    in progress  ${span(r)}`);
    for (const r of s.purged) lines.push(`    purged       ${span(r)}  (deleted by retention, RETENTION_DAYS: not a hole)`);
  }
  if (report.scopesNotListed > 0) lines.push(`  … and ${report.scopesNotListed} scope(s) whose newest run is older (agent lists of sync_runs)`);
  return lines;
}

function span(r: Range): string {
  return `${shortTime(r.start)} → ${shortTime(r.end)}`;
}
