import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from './types.ts';

/** A Genesys ErrorBody; contextId doubles as the correlation id header. */
function errorBody(status: number, code: string, message: string): ErrorBody {
  return { message, code, status, contextId: randomUUID(), details: [], errors: [] };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const correlation = typeof body === 'object' && body !== null && 'contextId' in body ? String((body as ErrorBody).contextId) : randomUUID();
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'inin-correlation-id': correlation,
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, errorBody(status, code, message), headers);
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The request is over the size limit. Maximum bytes: ${maxBytes}`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the request body; `maxBytes` 0 means unlimited. An oversized body is still drained
 * (and discarded) before throwing, so the client sees the 413 instead of a broken pipe.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (maxBytes === 0 || size <= maxBytes) chunks.push(buf);
  }
  if (maxBytes > 0 && size > maxBytes) throw new BodyTooLargeError(maxBytes);
  return Buffer.concat(chunks).toString('utf8');
}
