import { redactText } from '../redact.ts';

/** A database failure described in one line, with the connection password removed. */
export class DatabaseError extends Error {
  readonly code = 'DATABASE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

function rawMessage(error: unknown): string {
  if (error instanceof Error) {
    const parts = [error.message];
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && !error.message.includes(code)) parts.push(`(${code})`);
    if (error instanceof AggregateError) parts.push(...error.errors.map(rawMessage));
    return parts.filter(Boolean).join(' ');
  }
  if (typeof error === 'object' && error !== null) return JSON.stringify(error);
  return String(error);
}

/** Where the database is, without credentials: "host:port/db". */
export function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const host = url.hostname || url.searchParams.get('host') || 'local socket';
    return `${host}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'the database in DATABASE_URL';
  }
}

export function describeDatabaseError(error: unknown, connectionString: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  let message = rawMessage(error).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|Can't reach|\bconnect\b|Connection terminated|trying to connect/i.test(message)) {
    message = `cannot connect to ${describeTarget(connectionString)}: ${message}`;
  } else {
    message = `database error on ${describeTarget(connectionString)}: ${message}`;
  }
  return new DatabaseError(redactText(message.slice(0, 600)), { cause: error });
}
