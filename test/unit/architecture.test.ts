/**
 * The structure of src/, measured from its import graph (every static import and export-from,
 * type-only ones included, and dynamic imports): no import from a lower layer to a higher one,
 * and no import cycle anywhere (the simulator included). The layers are docs/sync.md's code map.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/**
 * Lowest first. A module may import its own layer or any layer listed before it. The simulator
 * stands apart: it may use the base modules only (it is Genesys' side of the wire).
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['time', 'duration', 'redact', 'retry', 'exit-codes', 'logger'],
  ['sim'],
  ['genesys'],
  ['decisions'],
  ['db', 'config'],
  ['metrics'],
  ['pipeline'],
  ['streams'],
  ['present'],
  ['runtime'],
  ['commands'],
  ['cli'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The top-level unit of a file: its folder under src/, or its name for a file directly in src/. */
function unitOf(file: string): string {
  const [first] = path.relative(SRC, file).split(path.sep);
  return first!.replace(/\.ts$/, '');
}

function layerOf(unit: string): number {
  const i = LAYERS.findIndex((names) => names.includes(unit));
  if (i < 0) throw new Error(`src/${unit} is in no layer: add it to LAYERS (test/unit/architecture.test.ts) and to docs/sync.md's code map`);
  return i;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((m) => path.resolve(path.dirname(file), (m[1] ?? m[2])!))
    .filter((target) => !target.includes(`${path.sep}generated${path.sep}`));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(SRC, w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const f of files) if (!indices.has(f)) visit(f);
  return found;
}

describe('the structure of src/', () => {
  it('reads a real graph (the check cannot pass on nothing)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(unitOf(file));
      for (const target of targets) {
        const to = layerOf(unitOf(target));
        if (to > from) upward.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });
});
