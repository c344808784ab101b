import * as dims from './dimensions.ts';
import type { SimConversation, SimParticipant, SimSegment, SimSession } from './types.ts';

/*
 * Details-query filter evaluation. Filter shape (same for every family):
 *   Filter = { type: 'and'|'or', predicates?: Predicate[], clauses?: Clause[] }
 *   Clause = { type: 'and'|'or', predicates: Predicate[] }
 * Segment filters: each element of `segmentFilters` must be satisfied by at least one
 * segment, evaluated with its session, participant and conversation as context, so
 * `purpose=agent AND userId=X` inside one filter refers to the same participant.
 * Different elements may be satisfied by different segments.
 */

interface NumericRange { gt?: number; gte?: number; lt?: number; lte?: number }
interface Predicate {
  type?: string;
  dimension?: string;
  metric?: string;
  property?: string;
  operator?: 'matches' | 'exists' | 'notExists';
  value?: string;
  range?: NumericRange;
}
interface Clause { type: 'and' | 'or'; predicates: Predicate[] }
export interface Filter { type: 'and' | 'or'; predicates: Predicate[]; clauses: Clause[] }

export type Family = 'conversation' | 'segment' | 'evaluation' | 'survey' | 'resolution';

/** A 400 from filter validation; `code` is the Genesys error code. */
export class FilterError extends Error {
  constructor(readonly code: 'bad.request' | 'invalid.value', message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

const VOCAB: Record<Family, { dimensions: ReadonlySet<string>; metrics: ReadonlySet<string> }> = {
  conversation: { dimensions: dims.CONVERSATION_DIMENSIONS, metrics: dims.CONVERSATION_METRICS },
  segment: { dimensions: dims.SEGMENT_DIMENSIONS, metrics: dims.SEGMENT_METRICS },
  evaluation: { dimensions: dims.EVALUATION_DIMENSIONS, metrics: dims.EVALUATION_METRICS },
  survey: { dimensions: dims.SURVEY_DIMENSIONS, metrics: dims.SURVEY_METRICS },
  resolution: { dimensions: dims.RESOLUTION_DIMENSIONS, metrics: dims.RESOLUTION_METRICS },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseType(v: unknown, where: string): 'and' | 'or' {
  if (v === 'and' || v === 'or') return v;
  throw new FilterError('invalid.value', `${where}.type must be one of [and, or]`);
}

function parsePredicate(raw: unknown, family: Family, where: string): Predicate {
  if (!isObject(raw)) throw new FilterError('bad.request', `${where} must be an object`);
  const operator = raw['operator'] ?? 'matches';
  if (operator !== 'matches' && operator !== 'exists' && operator !== 'notExists') {
    throw new FilterError('invalid.value', `${where}.operator must be one of [matches, exists, notExists]`);
  }
  const { dimension, metric, property, value, range } = raw;
  if (property !== undefined) throw new FilterError('bad.request', `${where}: property predicates are not supported by the simulator`);
  const vocab = VOCAB[family];
  if (typeof dimension === 'string') {
    if (!vocab.dimensions.has(dimension)) throw new FilterError('invalid.value', `${where}.dimension '${dimension}' is not a valid ${family} dimension`);
    if (operator === 'matches' && typeof value !== 'string') throw new FilterError('bad.request', `${where}.value is required (a string) for dimension ${dimension}`);
  } else if (typeof metric === 'string') {
    if (!vocab.metrics.has(metric)) throw new FilterError('invalid.value', `${where}.metric '${metric}' is not a valid ${family} metric`);
    if (operator === 'matches' && !isObject(range)) throw new FilterError('bad.request', `${where}.range is required for metric ${metric}`);
  } else {
    throw new FilterError('bad.request', `${where} needs a dimension or a metric`);
  }
  return { ...(raw as Predicate), operator };
}

/** Validates one filter family from a request body; absent means no filters. */
export function parseFilters(raw: unknown, family: Family, field: string): Filter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new FilterError('bad.request', `${field} must be an array`);
  return raw.map((f, i) => {
    const where = `${field}[${i}]`;
    if (!isObject(f)) throw new FilterError('bad.request', `${where} must be an object`);
    const preds = f['predicates'] ?? [];
    const clauses = f['clauses'] ?? [];
    if (!Array.isArray(preds) || !Array.isArray(clauses)) throw new FilterError('bad.request', `${where}.predicates and .clauses must be arrays`);
    return {
      type: parseType(f['type'], where),
      predicates: preds.map((p, j) => parsePredicate(p, family, `${where}.predicates[${j}]`)),
      clauses: clauses.map((c, j): Clause => {
        const cw = `${where}.clauses[${j}]`;
        if (!isObject(c) || !Array.isArray(c['predicates'])) throw new FilterError('bad.request', `${cw}.predicates must be an array`);
        return { type: parseType(c['type'], cw), predicates: c['predicates'].map((p, k) => parsePredicate(p, family, `${cw}.predicates[${k}]`)) };
      }),
    };
  });
}

/** How a predicate reads values: a dimension's value(s), and a metric's number. */
interface Subject {
  dimension(name: string): unknown;
  metric(name: string): number | undefined;
}

const present = (v: unknown): boolean => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/** Values match case-insensitively, as the API does (`purpose` = `Customer` finds customers). */
function matchesValue(actual: unknown, wanted: string): boolean {
  if (Array.isArray(actual)) return actual.some((a) => matchesValue(a, wanted));
  if (!present(actual) || typeof actual === 'object') return false;
  return String(actual).toLowerCase() === wanted.toLowerCase();
}

function inRange(n: number | undefined, r: NumericRange | undefined): boolean {
  if (n === undefined) return false;
  if (!r) return true;
  return (r.gt === undefined || n > r.gt) && (r.gte === undefined || n >= r.gte)
    && (r.lt === undefined || n < r.lt) && (r.lte === undefined || n <= r.lte);
}

function evalPredicate(p: Predicate, subject: Subject): boolean {
  const actual = p.dimension !== undefined ? subject.dimension(p.dimension) : subject.metric(p.metric ?? '');
  if (p.operator === 'exists') return present(actual);
  if (p.operator === 'notExists') return !present(actual);
  return p.dimension !== undefined ? matchesValue(actual, p.value ?? '') : inRange(actual as number | undefined, p.range);
}

function combine(type: 'and' | 'or', results: boolean[]): boolean {
  // An empty filter constrains nothing.
  if (results.length === 0) return true;
  return type === 'and' ? results.every(Boolean) : results.some(Boolean);
}

function evalFilter(f: Filter, subject: Subject): boolean {
  const results = f.predicates.map((p) => evalPredicate(p, subject));
  for (const c of f.clauses) results.push(combine(c.type, c.predicates.map((p) => evalPredicate(p, subject))));
  return combine(f.type, results);
}

const ms = (s: unknown): number | undefined => (typeof s === 'string' ? Date.parse(s) : undefined);

function segmentSubject(c: SimConversation, p: SimParticipant, s: SimSession, seg: SimSegment): Subject {
  return {
    dimension(name) {
      if (dims.PARTICIPANT_FIELDS.has(name)) return p[name];
      if (name === 'requestedRouting') return s['requestedRoutings'];
      if (name === 'requestedRoutingSkillId') return seg['requestedRoutingSkillIds'];
      if (name === 'sipResponseCode') return seg['sipResponseCodes'];
      if (name === 'callbackNumber') return s['callbackNumbers'];
      if (name.startsWith('flowOutcome')) return s.flow?.outcomes?.map((o) => o[name]);
      if (name.startsWith('flow') && name !== 'flowOutType') return s.flow?.[name];
      return seg[name] ?? s[name] ?? p[name] ?? c[name];
    },
    metric(name) {
      const start = ms(seg.segmentStart);
      const end = ms(seg.segmentEnd);
      return name === 'tSegmentDuration' && start !== undefined && end !== undefined ? end - start : undefined;
    },
  };
}

/** True when every segment filter is satisfied by at least one segment of the conversation. */
export function matchesSegmentFilters(c: SimConversation, filters: readonly Filter[]): boolean {
  return filters.every((f) => c.participants.some((p) => p.sessions.some((s) => s.segments.some((seg) => evalFilter(f, segmentSubject(c, p, s, seg))))));
}

function conversationSubject(c: SimConversation): Subject {
  return {
    dimension: (name) => (name === 'divisionId' ? c.divisionIds : c[name]),
    metric(name) {
      if (name === 'tConversationDuration') {
        const start = ms(c.conversationStart);
        const end = ms(c.conversationEnd);
        return start !== undefined && end !== undefined ? end - start : undefined;
      }
      // Conversation-level metrics are taken as the sum over all sessions.
      let sum: number | undefined;
      for (const p of c.participants) for (const s of p.sessions) for (const m of s.metrics ?? []) if (m.name === name) sum = (sum ?? 0) + m.value;
      return sum;
    },
  };
}

export function matchesConversationFilters(c: SimConversation, filters: readonly Filter[]): boolean {
  return filters.every((f) => evalFilter(f, conversationSubject(c)));
}

/** Evaluation, survey and resolution filters: some item of the list must satisfy each filter. */
export function matchesItemFilters(items: unknown, filters: readonly Filter[]): boolean {
  if (filters.length === 0) return true;
  const list = Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
  const subject = (item: Record<string, unknown>): Subject => ({
    dimension: (name) => item[name],
    metric: (name) => (typeof item[name] === 'number' ? (item[name] as number) : undefined),
  });
  return filters.every((f) => list.some((item) => evalFilter(f, subject(item))));
}
