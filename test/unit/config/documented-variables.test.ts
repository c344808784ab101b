/**
 * The configuration is written once in src/config.ts and documented twice, in .env.example and
 * the README's configuration table. Both must name exactly the variables the code reads, each
 * with the default the code applies. "No default" and an empty default read the same to a user
 * (unset and empty are both the default), so both compare as ''.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, VARIABLES } from '../../../src/config.ts';

const read = (file: string) => readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');

/** `NAME=value` lines of .env.example, in order. */
function envExampleDefaults(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!.trim()]);
}

/**
 * The rows of the table under "## Configuration": the first cell names one or more variables in
 * backticks, the second gives as many backticked defaults, or one cell without backticks
 * ("—", "empty = …") meaning no default for all of them.
 */
function readmeDefaults(text: string): Array<[string, string]> {
  const start = text.indexOf('\n## Configuration\n');
  expect(start, 'README has a "## Configuration" section').toBeGreaterThan(0);
  const section = text.slice(start + 1);
  const end = section.slice(1).search(/\n#{2,3} /);
  const table = end < 0 ? section : section.slice(0, end + 1);
  const rows: Array<[string, string]> = [];
  for (const line of table.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 3) continue;
    const names = [...cells[0]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!);
    const values = [...cells[1]!.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
    if (values.length === 0) for (const name of names) rows.push([name, '']);
    else {
      expect(values, `README row for ${names.join(', ')}: one default per variable`).toHaveLength(names.length);
      names.forEach((name, i) => rows.push([name, values[i]!]));
    }
  }
  return rows;
}

const CODE: Array<[string, string]> = VARIABLES.map((v) => [v.name, v.default ?? '']);
const byName = (rows: Array<[string, string]>) => [...rows].sort(([a], [b]) => a.localeCompare(b));

describe('the documented configuration', () => {
  it('has a description of every variable in the code, each named once', () => {
    expect(VARIABLES.length).toBeGreaterThan(30);
    expect(new Set(VARIABLES.map((v) => v.name)).size).toBe(VARIABLES.length);
  });

  it('.env.example names exactly the variables of src/config.ts, with the same defaults', () => {
    expect(byName(envExampleDefaults(read('.env.example')))).toEqual(byName(CODE));
  });

  it("the README's configuration table names exactly the variables of src/config.ts, with the same defaults", () => {
    expect(byName(readmeDefaults(read('README.md')))).toEqual(byName(CODE));
  });

  it('applies the documented defaults: .env.example as an environment parses like an empty one', () => {
    const documented = Object.fromEntries(envExampleDefaults(read('.env.example')));
    const defaults = loadConfig({ DATABASE_URL: 'postgresql://localhost/x' });
    const fromExample = loadConfig({ ...documented, DATABASE_URL: 'postgresql://localhost/x' });
    expect({ ...fromExample, hostname: '' }).toEqual({ ...defaults, hostname: '' });
  });
});
