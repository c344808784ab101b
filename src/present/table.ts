/** The one table helper of the screens: columns padded to their widest cell, two spaces apart. */

export interface TableOptions {
  /** Per column: right-align (numbers); left-aligned otherwise. */
  numeric?: readonly boolean[];
  /** Prefixed to every line. */
  indent?: string;
}

/** `rows[0]` is the header; trailing spaces are trimmed from each line. */
export function formatTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const indent = options.indent ?? '';
  return rows.map(
    (r) => `${indent}${r.map((cell, i) => (options.numeric?.[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()}`,
  );
}
