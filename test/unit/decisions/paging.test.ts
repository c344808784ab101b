import { describe, expect, it } from 'vitest';
import {
  classifyRecord,
  countedDays,
  describeShortPaging,
  describeUnconfirmedEnd,
  endsData,
  isUserDetailsPageFull,
  judgeJobResults,
  judgePaging,
  pagesFor,
  type PagingEvidence,
} from '../../../src/decisions/paging.ts';

const pass1 = (e: Partial<PagingEvidence>): PagingEvidence => ({ hitsAnnounced: 250, idsReceived: 250, newIds: 250, endSeen: true, pass: 1, ...e });

describe('judgePaging: both witnesses, the end of the data and the count, must agree', () => {
  it('is complete when a short page ended the data and the ids equal the count', () => {
    expect(judgePaging(pass1({}))).toEqual({ kind: 'complete', countTooLow: false });
  });

  it('never stops on the count alone: full pages to the end means the end was never seen', () => {
    expect(judgePaging(pass1({ endSeen: false }))).toEqual({ kind: 'unended' });
    // The hardening issue: totalHits 0 beside a full page. The count "agrees" with nothing.
    expect(judgePaging(pass1({ hitsAnnounced: 0, idsReceived: 100, newIds: 100, endSeen: false }))).toEqual({ kind: 'unended' });
  });

  it('is short, by how many, when ids are missing after the data ended (a count too high, or a page came back short)', () => {
    expect(judgePaging(pass1({ idsReceived: 248 }))).toEqual({ kind: 'short', missing: 2 });
    expect(judgePaging(pass1({ idsReceived: 248, pass: 3, newIds: 0 }))).toEqual({ kind: 'short', missing: 2 });
  });

  it('asks a second pass to confirm the end when the count is below what arrived, or absent', () => {
    expect(judgePaging(pass1({ hitsAnnounced: 0, idsReceived: 50, newIds: 50 }))).toEqual({ kind: 'confirm' });
    expect(judgePaging(pass1({ hitsAnnounced: undefined, idsReceived: 40, newIds: 40 }))).toEqual({ kind: 'confirm' });
    // The second pass found more: the first end was a lie (a page cut short); keep reading.
    expect(judgePaging(pass1({ hitsAnnounced: 100, idsReceived: 1_096, newIds: 996, pass: 2 }))).toEqual({ kind: 'confirm' });
    // The second pass ended in the same place with nothing new: complete, with the contradiction noted.
    expect(judgePaging(pass1({ hitsAnnounced: 100, idsReceived: 1_096, newIds: 0, pass: 2 }))).toEqual({ kind: 'complete', countTooLow: true });
  });

  it('counts pages within the API cap, and knows a short or empty page ends the data', () => {
    expect(pagesFor(250, 100, 100_000)).toBe(3);
    expect(pagesFor(150_000, 100, 100_000)).toBe(1_000);
    expect(endsData(99, 100)).toBe(true);
    expect(endsData(0, 100)).toBe(true);
    expect(endsData(100, 100)).toBe(false);
  });

  it('describes a short window and an end that could not be confirmed, naming the counts', () => {
    expect(describeShortPaging({ hitsAnnounced: 250, idsReceived: 248 }, 3)).toContain('announced 250 conversations but 248 distinct ids arrived after 3 pass(es)');
    expect(describeUnconfirmedEnd({ hitsAnnounced: 0, idsReceived: 50 }, 3)).toContain('announced only 0 while 50 distinct ids arrived');
    expect(describeUnconfirmedEnd({ hitsAnnounced: undefined, idsReceived: 50 }, 3)).toContain('no page carried totalHits');
  });
});

describe('which ids the proof counts', () => {
  const window = { start: new Date('2025-06-11T13:00:00Z'), end: new Date('2025-06-12T09:00:00Z') };
  const days = countedDays(window);

  it('covers the whole UTC days the query touches, as totalHits does', () => {
    expect(days).toEqual({ startMs: Date.parse('2025-06-11T00:00:00Z'), endMs: Date.parse('2025-06-13T00:00:00Z') });
    const midnight = countedDays({ start: new Date('2025-06-11T00:00:00Z'), end: new Date('2025-06-12T00:00:00Z') });
    expect(midnight).toEqual({ startMs: Date.parse('2025-06-11T00:00:00Z'), endMs: Date.parse('2025-06-12T00:00:00Z') });
  });

  it('counts ids of the queried days (inside [from, to) or not), not strays from other days; a start it cannot read still counts', () => {
    expect(classifyRecord('a', Date.parse('2025-06-11T01:00:00Z'), days)).toBe('counted'); // before `from`, same day: totalHits counts it
    expect(classifyRecord('a', Date.parse('2025-06-12T23:59:59Z'), days)).toBe('counted');
    expect(classifyRecord('a', Date.parse('2025-06-10T23:59:59Z'), days)).toBe('stray');
    expect(classifyRecord('a', Date.parse('2025-06-13T00:00:00Z'), days)).toBe('stray');
    expect(classifyRecord('a', undefined, days)).toBe('counted'); // no readable time: the runner quarantines it
    expect(classifyRecord(undefined, Date.parse('2025-06-11T01:00:00Z'), days)).toBe('no-id');
  });

  it('so one dropped record plus one stray no longer passes the count check', () => {
    // 250 announced; the API dropped one record and served one from another day: 249 counted.
    expect(judgePaging(pass1({ idsReceived: 249, newIds: 249 }))).toEqual({ kind: 'short', missing: 1 });
  });
});

describe('judgeJobResults: the same rule for a job read by cursor', () => {
  it('accepts a short last page without a cursor, with or without a count that agrees', () => {
    expect(judgeJobResults({ idsReceived: 1_500, lastPageFull: false, count: undefined })).toEqual({ kind: 'complete' });
    expect(judgeJobResults({ idsReceived: 1_500, lastPageFull: false, count: 1_500 })).toEqual({ kind: 'complete' });
  });

  it('fails a job whose results ended while the count says there are more', () => {
    const v = judgeJobResults({ idsReceived: 1_350, lastPageFull: false, count: 1_500 });
    expect(v).toMatchObject({ kind: 'incomplete' });
    expect(v.kind === 'incomplete' && v.reason).toContain('ended after 1350 conversations but the details query counts 1500');
  });

  it('accepts a full last page without a cursor only when the count confirms it', () => {
    expect(judgeJobResults({ idsReceived: 1_000, lastPageFull: true, count: undefined })).toMatchObject({ kind: 'incomplete' });
    expect(judgeJobResults({ idsReceived: 1_000, lastPageFull: true, count: 1_000 })).toEqual({ kind: 'complete' });
  });

  it('notes, but accepts, a count below what the job delivered', () => {
    expect(judgeJobResults({ idsReceived: 1_500, lastPageFull: false, count: 0 })).toMatchObject({ kind: 'complete', contradiction: expect.stringContaining('counts 0') });
  });
});

describe('isUserDetailsPageFull: a users details results page, in either unit Genesys may count', () => {
  it('is full when its statuses reach the page size (the unit the simulator counts)', () => {
    expect(isUserDetailsPageFull({ entries: 14, statuses: 1_000, pageSize: 1_000 })).toBe(true);
    expect(isUserDetailsPageFull({ entries: 14, statuses: 999, pageSize: 1_000 })).toBe(false);
  });

  it('is full when its entries reach the page size, however many statuses they carry', () => {
    expect(isUserDetailsPageFull({ entries: 1_000, statuses: 23_512, pageSize: 1_000 })).toBe(true);
  });

  it('is not full when neither count reaches it: many statuses on fewer entries than asked are a short page of entries', () => {
    expect(isUserDetailsPageFull({ entries: 300, statuses: 6_000, pageSize: 1_000 })).toBe(false);
  });
});
