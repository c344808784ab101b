import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { upsertAgents } from '../../../src/db/agents.ts';
import { replaceReferenceList } from '../../../src/db/reference-lists.ts';
import { writeRecords } from './write-records.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { ADA_USER_ID, BEN_USER_ID, VOICE_ID, WRAP_UP_ADA, WRAP_UP_BEN, firstSession, liveVoiceConversation, participant, voiceConversation, withConversationId } from '../../fixtures/db/conversations.ts';

const QUEUE_1 = '9a0e1c2b-0001-4d3c-8b2a-1f0e9d8c7b6a';
const QUEUE_2 = '9a0e1c2b-0002-4d3c-8b2a-1f0e9d8c7b6a';

interface InteractionRow {
  conversation_id: string;
  session_id: string;
  participant_id: string;
  agent_user_id: string;
  agent_name: string;
  media_type: string;
  direction: string;
  originating_direction: string;
  conversation_start: Date;
  conversation_end: Date | null;
  queue_id: string | null;
  first_segment_start: Date;
  last_segment_end: Date | null;
  alert_ms: bigint | null;
  talk_ms: bigint | null;
  hold_ms: bigint | null;
  acw_ms: bigint | null;
  handle_ms: bigint | null;
  wrap_up_code: string | null;
  queue_name: string | null;
  wrap_up_name: string | null;
  evaluation_score: number | null;
  survey_promoter_score: number | null;
}

describe('the agent_interactions view', () => {
  let database: TestDatabase;
  let db: Db;
  const rows = () => db.$queryRawUnsafe<InteractionRow[]>(`SELECT * FROM agent_interactions ORDER BY first_segment_start`);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await database.open()).prisma;
  });
  afterAll(async () => database?.drop());

  it('returns one row per agent session with durations from the metrics and the wrap-up code', async () => {
    await writeRecords(db, [voiceConversation()], { syncedAt: new Date('2026-03-02T10:00:00Z') });
    const [ada, ben, ...rest] = await rows();
    expect(rest).toEqual([]);
    expect(ada).toEqual({
      conversation_id: VOICE_ID,
      session_id: '5e551011-0004-4000-8000-00000000c004',
      participant_id: 'a1b2c3d4-0004-4000-8000-000000000004',
      agent_user_id: ADA_USER_ID,
      agent_name: 'Ada Abara', // no agents row yet: the participant's name
      media_type: 'voice',
      direction: 'inbound',
      originating_direction: 'inbound',
      conversation_start: new Date('2026-03-02T09:14:03.117Z'),
      conversation_end: new Date('2026-03-02T09:21:55.002Z'),
      queue_id: '9a0e1c2b-0001-4d3c-8b2a-1f0e9d8c7b6a',
      first_segment_start: new Date('2026-03-02T09:14:52.880Z'),
      last_segment_end: new Date('2026-03-02T09:20:10.250Z'),
      alert_ms: 15124n,
      talk_ms: 226746n,
      hold_ms: 45500n,
      acw_ms: 30000n,
      handle_ms: 302246n,
      wrap_up_code: WRAP_UP_ADA,
      queue_name: null, // no queues row yet
      wrap_up_name: null,
      evaluation_score: null, // not evaluated, not surveyed
      survey_promoter_score: null,
    });
    expect(ben).toMatchObject({
      agent_user_id: BEN_USER_ID,
      queue_id: '9a0e1c2b-0002-4d3c-8b2a-1f0e9d8c7b6a',
      alert_ms: 3750n,
      talk_ms: 215752n,
      hold_ms: null,
      acw_ms: 30000n,
      handle_ms: 245752n,
      wrap_up_code: WRAP_UP_BEN,
      last_segment_end: new Date('2026-03-02T09:22:25.002Z'),
    });
  });

  it('names agents from the agents table once users are synced', async () => {
    await upsertAgents(db, [{ id: ADA_USER_ID, name: 'Ada Abara-Lopez' }], new Date());
    const [ada, ben] = await rows();
    expect(ada!.agent_name).toBe('Ada Abara-Lopez');
    expect(ben!.agent_name).toBe('Ben Berg');
  });

  it('shows a live session with no end and only the metrics emitted so far', async () => {
    // Fetched after the finished version the tests above stored, so it replaces it (an older fetch never would).
    await writeRecords(db, [liveVoiceConversation()], { syncedAt: new Date('2026-03-02T09:20:00Z'), fetchedAt: new Date() });
    const [, ben] = await rows();
    expect(ben).toMatchObject({ last_segment_end: null, talk_ms: null, handle_ms: null, wrap_up_code: null, alert_ms: 3750n, conversation_end: null });
  });

  it('names queues and wrap-up codes from the reference tables, also once Genesys stops listing them', async () => {
    await replaceReferenceList(db, 'queues', [{ id: QUEUE_1, name: 'Billing' }, { id: QUEUE_2, name: 'Technical' }], new Date());
    await replaceReferenceList(db, 'wrap_up_codes', [{ id: WRAP_UP_ADA, name: 'Resolved' }], new Date());
    await writeRecords(db, [voiceConversation()], { syncedAt: new Date() });
    const [ada, ben] = await rows();
    expect(ada).toMatchObject({ queue_id: QUEUE_1, queue_name: 'Billing', wrap_up_code: WRAP_UP_ADA, wrap_up_name: 'Resolved' });
    expect(ben).toMatchObject({ queue_id: QUEUE_2, queue_name: 'Technical', wrap_up_code: WRAP_UP_BEN, wrap_up_name: null });
    // Billing deleted in Genesys: the row stays, inactive, and so does the name.
    await replaceReferenceList(db, 'queues', [{ id: QUEUE_2, name: 'Technical' }], new Date());
    expect((await rows())[0]!.queue_name).toBe('Billing');
  });

  it('sums a metric repeated within a session (one tHeld per hold, one tTalk per talk stretch)', async () => {
    const c = withConversationId(voiceConversation(), 'two-holds');
    const ada = firstSession(participant(c, 'Ada Abara'));
    const metric = (name: string) => ada.metrics!.find((m) => m.name === name)!;
    const [held, talk, handle] = [metric('tHeldComplete').value, metric('tTalkComplete').value, metric('tHandle').value];
    // Split the hold and the talk in two stretches each; handle time is unchanged.
    ada.metrics = ada.metrics!.flatMap((m) =>
      ['tHeld', 'tHeldComplete', 'tTalk', 'tTalkComplete'].includes(m.name)
        ? [{ ...m, value: 1_000 }, { ...m, value: m.value - 1_000 }]
        : [m],
    );
    await writeRecords(db, [c], { syncedAt: new Date() });
    const [row] = await db.$queryRawUnsafe<InteractionRow[]>(
      `SELECT * FROM agent_interactions WHERE conversation_id = 'two-holds' AND agent_user_id = $1`, ADA_USER_ID,
    );
    expect(row).toMatchObject({ hold_ms: BigInt(held), talk_ms: BigInt(talk), handle_ms: BigInt(handle) });
    const stored = await db.sessionMetric.count({ where: { conversationId: 'two-holds', name: { in: ['tHeldComplete', 'tTalkComplete'] } } });
    expect(stored).toBeGreaterThanOrEqual(4);
  });

  it('shows the agent\'s evaluation score and survey promoter score; a later version rescoring, deleting or answering replaces them', async () => {
    const at = (n: number) => ({ syncedAt: new Date(), fetchedAt: new Date(Date.now() + n) });
    const evaluation = (id: string, userId: string, score: number, extra: object = {}) =>
      ({ evaluationId: id, userId, evaluationStatus: 'Finished', eventTime: '2026-03-03T10:00:00.000Z', oTotalScore: score, oTotalCriticalScore: 100, ...extra });
    const version = (evaluations: object[], surveys: object[]) => ({ ...withConversationId(voiceConversation(), 'scored'), evaluations, surveys });
    const scores = async () => (await rows()).filter((r) => r.conversation_id === 'scored').map((r) => [r.agent_user_id, r.evaluation_score, r.survey_promoter_score]);
    const sent = { surveyId: 's-1', userId: ADA_USER_ID, surveyStatus: 'Sent', eventTime: '2026-03-02T09:22:00.000Z' };

    await writeRecords(db, [version([evaluation('e-1', ADA_USER_ID, 82), evaluation('e-2', BEN_USER_ID, 64)], [sent])], at(1));
    expect(await scores()).toEqual([[ADA_USER_ID, 82, null], [BEN_USER_ID, 64, null]]);

    // Days later: Ada's evaluation rescored, Ben's deleted (still listed), the survey answered.
    const answered = { ...sent, surveyStatus: 'Finished', surveyCompletedDate: '2026-03-04T08:00:00.000Z', surveyPromoterScore: 9 };
    await writeRecords(db, [version([evaluation('e-1', ADA_USER_ID, 90, { rescored: true }), evaluation('e-2', BEN_USER_ID, 64, { deleted: true })], [answered])], at(2));
    expect(await scores()).toEqual([[ADA_USER_ID, 90, 9], [BEN_USER_ID, null, null]]);
    const stored = await db.evaluation.findMany({ where: { conversationId: 'scored' }, orderBy: { evaluationIndex: 'asc' } });
    expect(stored.map((e) => [e.evaluationId, e.totalScore, e.rescored, e.deleted])).toEqual([['e-1', 90, true, null], ['e-2', 64, null, true]]);
    const quality = await db.$queryRawUnsafe<Array<{ agent_user_id: string; evaluations: bigint; average_score: number; surveys_answered: bigint; nps: string }>>(
      `SELECT agent_user_id, evaluations, average_score, surveys_answered, nps::text FROM agent_quality WHERE day = '2026-03-02' AND agent_user_id = $1`, ADA_USER_ID,
    );
    expect(quality).toMatchObject([{ agent_user_id: ADA_USER_ID, evaluations: 1n, average_score: 90, surveys_answered: 1n, nps: '100.0' }]);
  });
});
