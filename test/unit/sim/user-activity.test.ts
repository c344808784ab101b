import { describe, expect, it } from 'vitest';
import { createGenContext } from '../../../src/sim/generate.ts';
import { generateOrg } from '../../../src/sim/org.ts';
import { ActivityTimelines, generatePresences, type StatusRecord } from '../../../src/sim/user-activity.ts';
import { DAY_MS } from '../../../src/time.ts';

const NOW = Date.parse('2024-06-10T12:00:00Z');
const org = generateOrg(7, 15);
const ctx = createGenContext(7, org, 10, NOW);
const presences = generatePresences(7);
const timelines = () => new ActivityTimelines({ seed: 7, agents: org.agents, presences, firstDay: NOW / DAY_MS - 5, nowMs: NOW, leftAtMs: ctx.leftAtMs });

const ofKind = (records: readonly StatusRecord[], kind: StatusRecord['kind']) => records.filter((r) => r.kind === kind);

describe('agent activity timelines', () => {
  it('are continuous per kind: each status ends where the next starts, and only the last may be open', () => {
    for (const userId of timelines().userIds()) {
      for (const kind of ['presence', 'routing'] as const) {
        const list = ofKind(timelines().records(userId), kind);
        expect(list.length, userId).toBeGreaterThan(1);
        list.slice(0, -1).forEach((r, i) => expect(r.endMs, `${userId} ${kind} ${i}`).toBe(list[i + 1]!.startMs));
        list.forEach((r) => expect(r.endMs === undefined || r.endMs > r.startMs).toBe(true));
      }
    }
  });

  it('leave current statuses open for agents still here, and close the last status of agents who left', () => {
    for (const agent of org.agents) {
      const records = timelines().records(agent.id);
      const open = records.filter((r) => r.endMs === undefined);
      const left = ctx.leftAtMs.get(agent.id);
      if (left === undefined) expect(open.map((r) => r.kind).sort(), agent.id).toEqual(['presence', 'routing']);
      else {
        expect(open, agent.id).toEqual([]);
        expect(Math.max(...records.map((r) => r.endMs!)), agent.id).toBe(left);
      }
    }
  });

  it('route only while ON_QUEUE, cross midnights, and name the deactivated presence only before it was deactivated', () => {
    const retired = presences.find((p) => p.deactivated)!;
    let crossings = 0;
    let retiredUses = 0;
    for (const userId of timelines().userIds()) {
      const records = timelines().records(userId);
      const onQueue = ofKind(records, 'presence').filter((r) => r.value === 'ON_QUEUE');
      for (const r of ofKind(records, 'routing').filter((x) => x.value !== 'OFF_QUEUE')) {
        expect(onQueue.some((p) => p.startMs <= r.startMs && (p.endMs ?? Infinity) >= (r.endMs ?? Infinity))).toBe(true);
      }
      for (const r of records) if (Math.floor(r.startMs / DAY_MS) !== Math.floor(((r.endMs ?? NOW) - 1) / DAY_MS)) crossings++;
      for (const r of records.filter((x) => x.organizationPresenceId === retired.id)) {
        retiredUses++;
        expect(r.startMs).toBeLessThan(NOW - retired.deactivatedDaysAgo! * DAY_MS);
      }
    }
    expect(crossings).toBeGreaterThan(0);
    expect(retiredUses).toBeGreaterThan(0);
  });

  it('are the same for the same seed', () => {
    const [a, b] = [timelines(), timelines()];
    for (const userId of a.userIds()) expect(a.records(userId)).toEqual(b.records(userId));
  });
});
