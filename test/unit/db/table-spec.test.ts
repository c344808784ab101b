import { describe, expect, it } from 'vitest';
import { col, defineTable, type RowOf } from '../../../src/db/table-spec.ts';

const EXAMPLE = defineTable('examples', {
  exampleId: col.text('example_id'),
  position: col.int4('position'),
  startedAt: col.timestamptz('started_at'),
  endedAt: col.timestamptz('ended_at').orNull,
  flagged: col.bool('flagged').orNull,
  tags: col.textArray('tags'),
  attributesJson: col.jsonb('attributes').orNull,
});
type ExampleRow = RowOf<typeof EXAMPLE>;

const rows: ExampleRow[] = [
  { exampleId: 'a', position: 0, startedAt: new Date(1767600000123), endedAt: null, flagged: true, tags: ['x', 'y z'], attributesJson: '{"k": "v, w"}' },
  { exampleId: 'b c', position: 1, startedAt: new Date(0), endedAt: new Date(5), flagged: null, tags: [], attributesJson: null },
];

describe('a table description', () => {
  it('gives the SQL column list, in description order', () => {
    expect(EXAMPLE.names).toEqual(['example_id', 'position', 'started_at', 'ended_at', 'flagged', 'tags', 'attributes']);
  });

  it('gives one typed unnest parameter per column, timestamps as epoch ms and JSON as text', () => {
    expect(EXAMPLE.unnestParams(3)).toBe('$3::text[], $4::int4[], $5::int8[], $6::int8[], $7::bool[], $8::text[], $9::text[]');
    expect(EXAMPLE.selectList('x')).toBe(
      'x.example_id, x.position, to_timestamp(x.started_at::float8 / 1000), to_timestamp(x.ended_at::float8 / 1000), x.flagged, x.tags::text[], x.attributes::jsonb',
    );
    expect(EXAMPLE.insertSql(1)).toMatch(/^INSERT INTO examples \(example_id, position, .*attributes\)\s+SELECT x\.example_id, .* FROM unnest\(\$1::text\[\], .*\$7::text\[\]\) AS x\(example_id, .*attributes\)$/s);
  });

  it('turns rows into one array literal per column', () => {
    expect(EXAMPLE.literals(rows)).toEqual([
      '{a,"b c"}',
      '{0,1}',
      '{1767600000123,0}',
      '{NULL,5}',
      '{t,NULL}',
      '{"{x,\\"y z\\"}","{}"}',
      '{"{\\"k\\": \\"v, w\\"}",NULL}',
    ]);
    expect(EXAMPLE.literals([])).toEqual(['{}', '{}', '{}', '{}', '{}', '{}', '{}']);
  });
});
