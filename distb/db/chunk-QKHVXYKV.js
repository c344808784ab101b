import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// dist/present/table.js
function formatTable(rows, options = {}) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const indent = options.indent ?? "";
  return rows.map((r) => `${indent}${r.map((cell, i) => options.numeric?.[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])).join("  ").trimEnd()}`);
}

export {
  formatTable
};
