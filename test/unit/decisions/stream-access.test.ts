import { describe, expect, it } from 'vitest';
import { judgeStreamRefusal, type StreamRefusalInput } from '../../../src/decisions/stream-access.ts';

const base: StreamRefusalInput = {
  stream: 'agent-activity',
  what: 'agent activity',
  status: 403,
  endpoint: 'POST /api/v2/analytics/users/details/query',
  permission: 'analytics:userDetail:view',
  explicit: false,
};

describe('judgeStreamRefusal', () => {
  it('leaves a stream on by default out on a 403, the warning naming the permission', () => {
    const judged = judgeStreamRefusal(base);
    expect(judged).toMatchObject({ action: 'leave-out', missing: 'permission' });
    expect(judged.action === 'leave-out' && judged.warning).toBe(
      'agent activity not synced: Genesys refused POST /api/v2/analytics/users/details/query (403): the OAuth client lacks the permission ' +
        'analytics:userDetail:view; grant the OAuth client the permission analytics:userDetail:view, or leave agent-activity out of SYNC_STREAMS',
    );
  });

  it('leaves a stream on by default out on a 404, the warning naming the missing endpoint and not the permission', () => {
    const judged = judgeStreamRefusal({ ...base, status: 404 });
    expect(judged).toMatchObject({ action: 'leave-out', missing: 'endpoint' });
    const warning = judged.action === 'leave-out' ? judged.warning : '';
    expect(warning).toContain('Genesys has no POST /api/v2/analytics/users/details/query for this org or region (404)');
    expect(warning).not.toContain('analytics:userDetail:view');
  });

  it('fails a stream asked for by name, naming the permission (403) or the endpoint (404)', () => {
    const forbidden = judgeStreamRefusal({ ...base, explicit: true });
    expect(forbidden).toMatchObject({ action: 'fail', missing: 'permission' });
    expect(forbidden.action === 'fail' && forbidden.error).toMatch(/^agent activity cannot be read: .*lacks the permission analytics:userDetail:view; grant the permission analytics:userDetail:view$/);
    const missing = judgeStreamRefusal({ ...base, explicit: true, status: 404 });
    expect(missing).toMatchObject({ action: 'fail', missing: 'endpoint' });
    expect(missing.action === 'fail' && missing.error).toMatch(/no POST \/api\/v2\/analytics\/users\/details\/query .*\(404\).*leave agent-activity out of --streams \/ SYNC_STREAMS$/);
  });

  it('reads the stream on any other answer: the windows meet it (a 500, a 429, a 400, no answer at all)', () => {
    for (const status of [400, 401, 429, 500, undefined]) {
      expect(judgeStreamRefusal({ ...base, status })).toEqual({ action: 'read' });
      expect(judgeStreamRefusal({ ...base, status, explicit: true })).toEqual({ action: 'read' });
    }
  });
});
