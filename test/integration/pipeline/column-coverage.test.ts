import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../../src/sim/index.ts';
import { DOCUMENTED_COLUMNS } from '../../helpers/documented-schema.ts';
import { idsOf, startHarness, type Harness } from '../../helpers/harness.ts';

/*
 * A simulated month, synced like production, fills every documented column of the
 * conversation tables and of the view somewhere: the simulator produces every shape the
 * typed columns exist for. And the view's durations are right although real sessions repeat
 * metric names (one tHeld per hold, one tTalk per talk stretch).
 */
const TABLES = ['conversations', 'participants', 'sessions', 'segments', 'session_metrics', 'agent_interactions'] as const;

/** Columns legitimately null everywhere in this test, with the reason. */
const NULL_BY_DESIGN: Record<string, string> = {
  'conversations.deleted_at': 'set only when a complete read no longer returns a stored conversation (docs/sync.md §18); test/integration/pipeline/deletions.test.ts fills it',
  'participants.attributes':
    'only conversation details jobs return participant attributes (docs/genesys-api-facts.md §2); this sync reads the query, which never carries them, and the simulator serves no jobs yet',
};

describe('a simulated month fills the schema', () => {
  let h: Harness;
  let expected: Conversation[];

  beforeAll(async () => {
    h = await startHarness({ seed: 77, org: { agentCount: 25, days: 30, conversationsPerDay: 60 } });
    const interval = { start: h.sim.range.start, end: new Date(h.sim.range.end.getTime() + 1) };
    const report = await h.run({ interval, windowDays: 7 });
    expect(report.status).toBe('succeeded');
    expected = h.sim.expected({ from: interval.start, to: interval.end });
    expect(await h.storedIds()).toEqual(idsOf(expected));
  }, 240_000);
  afterAll(async () => h?.close());

  it('leaves no documented column null in every row', async () => {
    const empty: string[] = [];
    for (const table of TABLES) {
      const columns = DOCUMENTED_COLUMNS[table];
      expect(columns?.length, `${table} is documented`).toBeGreaterThan(0);
      const counts = columns!.map((c) => `count("${c}") AS "${c}"`).join(', ');
      const [row] = await h.handle.prisma.$queryRawUnsafe<Array<Record<string, bigint>>>(`SELECT ${counts} FROM "${table}"`);
      for (const column of columns!) {
        if (Number(row![column]) === 0 && !(`${table}.${column}` in NULL_BY_DESIGN)) empty.push(`${table}.${column}`);
      }
    }
    expect(empty).toEqual([]);
  });

  it('sums repeated metrics in agent_interactions: talk and hold equal the segments they time', async () => {
    const spans = new Map<string, { talk: number; hold: number; holds: number; talkMetric: boolean }>();
    for (const c of expected) {
      for (const p of c.participants.filter((x) => x.purpose === 'agent')) {
        for (const s of p.sessions) {
          if (s.segments.some((g) => g.segmentEnd === undefined)) continue;
          const span = (type: string) => s.segments.filter((g) => g.segmentType === type).reduce((sum, g) => sum + Date.parse(g.segmentEnd!) - Date.parse(g.segmentStart), 0);
          spans.set(`${c.conversationId}/${s.sessionId}`, {
            talk: span('interact'), hold: span('hold'), holds: s.segments.filter((g) => g.segmentType === 'hold').length,
            talkMetric: (s.metrics ?? []).some((m) => m.name === 'tTalkComplete'),
          });
        }
      }
    }
    const rows = await h.handle.prisma.$queryRawUnsafe<Array<{ conversation_id: string; session_id: string; talk_ms: bigint | null; hold_ms: bigint | null }>>(
      'SELECT conversation_id, session_id, talk_ms, hold_ms FROM agent_interactions WHERE last_segment_end IS NOT NULL',
    );
    let twoHolds = 0;
    let checked = 0;
    for (const r of rows) {
      const truth = spans.get(`${r.conversation_id}/${r.session_id}`);
      if (!truth) continue;
      checked++;
      if (truth.talkMetric) expect(Number(r.talk_ms), `talk of ${r.session_id}`).toBe(truth.talk);
      expect(r.hold_ms === null ? 0 : Number(r.hold_ms), `hold of ${r.session_id}`).toBe(truth.hold);
      if (truth.holds >= 2) twoHolds++;
    }
    expect(checked).toBeGreaterThan(1_000);
    expect(twoHolds).toBeGreaterThan(10);
  });
});
