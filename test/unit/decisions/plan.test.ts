import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/decisions/errors.ts';
import { assertPlanSize, countPlannedWindows, MAX_PLANNED_WINDOWS, planRun } from '../../../src/decisions/plan.ts';

const d = (iso: string) => new Date(iso);

describe('plan size', () => {
  it('counts exactly the windows planRun plans, without building them', () => {
    const cases = [
      { interval: { start: d('2025-01-01T10:00:00Z'), end: d('2025-01-04T06:00:00Z') }, windowDays: 1, agentIds: [], agentGroupSize: 25 },
      { interval: { start: d('2025-01-01T13:30:00Z'), end: d('2025-02-12T01:00:00Z') }, windowDays: 7, agentIds: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], agentGroupSize: 3 },
      { interval: { start: d('2025-01-01T00:00:00Z'), end: d('2025-03-01T00:00:00Z') }, windowDays: 31, agentIds: ['a', 'a', 'b'], agentGroupSize: 1 },
      { interval: { start: d('2025-01-01T23:59:00Z'), end: d('2025-01-02T00:01:00Z') }, windowDays: 1, agentIds: [], agentGroupSize: 25 },
    ];
    for (const c of cases) expect(countPlannedWindows(c)).toBe(planRun(c).length);
  });

  it('refuses, as a usage error, a plan beyond MAX_PLANNED_WINDOWS before building it', () => {
    const agentIds = Array.from({ length: 1000 }, (_, i) => `agent-${i}`);
    const options = { interval: { start: d('2016-01-01'), end: d('2025-01-01') }, windowDays: 1, agentIds, agentGroupSize: 1 };
    expect(countPlannedWindows(options)).toBeGreaterThan(MAX_PLANNED_WINDOWS);
    expect(() => assertPlanSize(options)).toThrow(InvalidRequestError);
    expect(() => assertPlanSize(options)).toThrow(/would plan 3288000 query windows \(at most 100000\)/);
    expect(() => assertPlanSize({ ...options, agentGroupSize: 100 })).not.toThrow();
    expect(planRun({ ...options, agentGroupSize: 100 })).toHaveLength(3288 * 10);
  });
});
