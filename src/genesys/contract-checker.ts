import { z } from 'zod';

/*
 * A check-only validator compiled from a zod schema: it answers "would zod accept this value?"
 * without building zod's copy of every object it checks (zod 4 copies each object, unknown keys
 * included, even when the caller discards the result, as parseConversation does). The zod
 * schema stays the one definition of the contract: this file only reads its definition
 * (`schema._zod.def`) once and mirrors, node kind by node kind, what zod's own parsers do
 * (node_modules/zod/v4/core/schemas.js and checks.js, zod 4.x).
 *
 * Only the verdict is mirrored, never the messages: callers run zod itself when the answer is
 * "invalid". A node kind, option or check this file does not understand is never accepted on
 * trust: that node is checked by its own zod `safeParse` (correct, only slower), and listed in
 * `fallbacks` so tests can see which parts of a contract are not on the fast path.
 */

type Checker = (value: unknown) => boolean;

/** A zod check the compiler cannot read, paired with a function giving the same verdict on the original value. */
export type TrustedChecks = ReadonlyMap<z.core.$ZodCheck, Checker>;

export interface CompiledChecker {
  readonly check: Checker;
  /** JSON-like paths (`participants[].attributes`) of the nodes left to zod, with the reason. */
  readonly fallbacks: readonly string[];
}

type Node = z.core.$ZodType;
type Def = Record<string, unknown>;
interface Compiler {
  readonly trusted: TrustedChecks;
  readonly fallbacks: string[];
}

/** Thrown inside the compiler when a node is not understood; caught where the node starts. */
class NotUnderstood extends Error {}

/**
 * Compiles `schema` once. Trusted checks (for example a superRefine the schema declares) must be
 * given by instance, with a function that decides the same thing on the ORIGINAL value; that
 * is sound because every node the compiler understands returns a value structurally equal to
 * its input (no transforms, defaults or coercions are understood).
 */
export function compileChecker(schema: Node, trusted: TrustedChecks = new Map()): CompiledChecker {
  const compiler: Compiler = { trusted, fallbacks: [] };
  return { check: compileNode(schema, '', compiler), fallbacks: compiler.fallbacks };
}

function compileNode(schema: Node, path: string, compiler: Compiler): Checker {
  try {
    return compileKnown(schema, path, compiler);
  } catch (error) {
    if (!(error instanceof NotUnderstood)) throw error;
    compiler.fallbacks.push(`${path || '(root)'}: ${error.message}`);
    return (value) => z.safeParse(schema, value).success;
  }
}

function compileKnown(schema: Node, path: string, compiler: Compiler): Checker {
  const def = schema._zod.def as unknown as Def;
  // Checks first: a check not understood sends the whole node to zod before its children compile.
  const checks = ((def.checks ?? []) as z.core.$ZodCheck[]).map((check) => compileCheck(check, compiler));
  return withChecks(compileType(schema, def, path, compiler), checks);
}

function compileType(schema: Node, def: Def, path: string, compiler: Compiler): Checker {
  switch (def.type) {
    case 'string': return stringType(def);
    case 'number': return numberType(def);
    case 'boolean': return booleanType(def);
    case 'unknown': case 'any': return anyType(def);
    case 'optional': return optionalType(schema, path, compiler);
    case 'nullable': return nullableType(def, path, compiler);
    case 'array': return arrayType(def, path, compiler);
    case 'object': return objectType(def, path, compiler);
    default: throw new NotUnderstood(`node kind ${String(def.type)}`);
  }
}

/** Refuses a definition carrying an option this file does not mirror (coerce, catch, ...). */
function allowKeys(def: Def, extra: readonly string[]): void {
  for (const key of Object.keys(def)) {
    if (key === 'type' || key === 'checks' || key === 'error' || extra.includes(key)) continue;
    if (def[key] === undefined || def[key] === false) continue;
    throw new NotUnderstood(`${String(def.type)} option ${key}`);
  }
}

/** `z.string()` and the ISO datetime format (its own pattern, as $ZodCheckStringFormat tests it). */
function stringType(def: Def): Checker {
  allowKeys(def, ['format', 'check', 'pattern', 'offset', 'local', 'precision', 'abort']);
  if (def.format === undefined) return (value) => typeof value === 'string';
  const pattern = def.pattern;
  if (def.format !== 'datetime' || def.check !== 'string_format' || !(pattern instanceof RegExp) || pattern.global || pattern.sticky) {
    throw new NotUnderstood(`string format ${String(def.format)}`);
  }
  return (value) => typeof value === 'string' && pattern.test(value);
}

/** $ZodNumber: a finite number (NaN and ±Infinity refused). */
function numberType(def: Def): Checker {
  allowKeys(def, []);
  return (value) => typeof value === 'number' && Number.isFinite(value);
}

function booleanType(def: Def): Checker {
  allowKeys(def, []);
  return (value) => typeof value === 'boolean';
}

function anyType(def: Def): Checker {
  allowKeys(def, []);
  return () => true;
}

/** $ZodOptional: `undefined` passes without the inner check (unless the inner node has a default). */
function optionalType(schema: Node, path: string, compiler: Compiler): Checker {
  const def = schema._zod.def as unknown as Def;
  allowKeys(def, ['innerType']);
  const inner = def.innerType as Node;
  if (schema._zod.traits.has('$ZodExactOptional') || inner._zod.optin === 'defaulted') throw new NotUnderstood('exact or defaulted optional');
  return orElse(undefined, compileNode(inner, path, compiler));
}

/** $ZodNullable: `null` passes without the inner check. */
function nullableType(def: Def, path: string, compiler: Compiler): Checker {
  allowKeys(def, ['innerType']);
  return orElse(null, compileNode(def.innerType as Node, path, compiler));
}

function orElse(passes: null | undefined, inner: Checker): Checker {
  return (value) => value === passes || inner(value);
}

/** $ZodArray: a real array, every element valid (holes are read as undefined, as zod does). */
function arrayType(def: Def, path: string, compiler: Compiler): Checker {
  allowKeys(def, ['element']);
  const element = compileNode(def.element as Node, `${path}[]`, compiler);
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
    return true;
  };
}

/**
 * $ZodObject / $ZodObjectJIT: any non-null, non-array object; each shape key checked on
 * `value[key]`. An optional key (optin and optout both "optional") that is not `in` the value
 * is skipped; a required key must be `in` it. Unknown keys are checked by the catchall, which
 * must be absent (stripped) or `unknown` (looseObject): both accept anything.
 */
function objectType(def: Def, path: string, compiler: Compiler): Checker {
  allowKeys(def, ['shape', 'catchall']);
  const catchall = def.catchall as Node | undefined;
  if (catchall !== undefined && !isPlainUnknown(catchall)) throw new NotUnderstood('object catchall other than unknown');
  const shape = def.shape as Record<string, Node>;
  if (Object.getOwnPropertySymbols(shape).length > 0) throw new NotUnderstood('symbol keys');
  const keys = Object.keys(shape).filter((key) => key !== '__proto__');
  const fields = keys.map((key) => objectField(key, shape[key]!, `${path}${path ? '.' : ''}${key}`, compiler));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (let i = 0; i < fields.length; i++) if (!fields[i]!(value as Record<string, unknown>)) return false;
    return true;
  };
}

function isPlainUnknown(schema: Node): boolean {
  const def = schema._zod.def as unknown as Def;
  return (def.type === 'unknown' || def.type === 'any') && !(def.checks as unknown[] | undefined)?.length;
}

type FieldChecker = (object: Record<string, unknown>) => boolean;

function objectField(key: string, schema: Node, path: string, compiler: Compiler): FieldChecker {
  const check = compileNode(schema, path, compiler);
  const { optin, optout } = schema._zod;
  if (optin === 'optional' && optout === 'optional') return (object) => !(key in object) || check(object[key]);
  if (optin === undefined) return (object) => check(object[key]) && key in object;
  throw new NotUnderstood(`key ${key}: optin ${String(optin)} / optout ${String(optout)}`);
}

/**
 * A node's own checks, run after its type check passed (zod skips them once an issue aborts,
 * and any issue already makes the verdict "invalid"). Understood: min_length with zod's
 * default `when`, the safeint number format, a refine by Number.isSafeInteger, and the
 * compiler's trusted checks. A schema that is itself a check (string formats) is covered by
 * its type.
 */
function withChecks(type: Checker, checks: readonly Checker[]): Checker {
  if (checks.length === 0) return type;
  return (value) => {
    if (!type(value)) return false;
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(value)) return false;
    return true;
  };
}

const DEFAULT_LENGTH_WHEN = (z.string().min(1)._zod.def.checks![0]!._zod.def as { when?: unknown }).when;

function compileCheck(check: z.core.$ZodCheck, compiler: Compiler): Checker {
  const trusted = compiler.trusted.get(check);
  if (trusted) return trusted;
  const def = check._zod.def as unknown as Def;
  const kind = `${String(def.check)}${def.format ? ` ${String(def.format)}` : ''}`;
  if (kind === 'min_length' && def.when === DEFAULT_LENGTH_WHEN && Number.isInteger(def.minimum)) return minLength(def.minimum as number);
  if (kind === 'number_format safeint' && def.when === undefined) return (value) => Number.isSafeInteger(value);
  if (kind === 'custom' && isCustomRefine(check) && def.fn === Number.isSafeInteger && def.when === undefined) {
    return (value) => Number.isSafeInteger(value);
  }
  throw new NotUnderstood(`check ${kind}`);
}

/** A `.refine(fn)`: a $ZodCustom whose check fails exactly when `fn(value)` is falsy. */
function isCustomRefine(check: z.core.$ZodCheck): boolean {
  const traits = (check._zod as { traits?: Set<string> }).traits;
  return traits?.has('$ZodCustom') === true;
}

/**
 * $ZodCheckMinLength counts code points in strings (a surrogate pair is one), length otherwise;
 * `when` runs it only on values with a length, which the type check already guarantees.
 */
function minLength(minimum: number): Checker {
  return (value) => {
    const length = (value as { length: number }).length;
    if (typeof value !== 'string' || length < minimum || length >= minimum * 2) return length >= minimum;
    return codePoints(value) >= minimum;
  };
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const pair = (text.charCodeAt(i) & 0xfc00) === 0xd800 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) i++;
    count++;
  }
  return count;
}
