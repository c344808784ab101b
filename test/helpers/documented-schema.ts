/**
 * Reads docs/schema.md so tests can hold the documentation and the database to each other:
 * every `### \`name\`` heading starts a table or view, and every row of the markdown table
 * under it that begins with a backticked name is a documented column.
 */
import { readFileSync } from 'node:fs';

const DOC = new URL('../../docs/schema.md', import.meta.url);

function parse(markdown: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^###\s+`([a-z][a-z0-9_]*)`/.exec(line);
    if (heading) {
      current = heading[1]!;
      out[current] = [];
      continue;
    }
    if (/^#{1,3}\s/.test(line)) current = undefined;
    const row = /^\|\s*`([a-z][a-z0-9_]*)`\s*\|/.exec(line);
    if (current && row) out[current]!.push(row[1]!);
  }
  return out;
}

export const DOCUMENTED_COLUMNS: Record<string, string[]> = parse(readFileSync(DOC, 'utf8'));

/** The ```sql blocks of docs/schema.md (the example queries). */
export const DOCUMENTED_QUERIES: string[] = [...readFileSync(DOC, 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
