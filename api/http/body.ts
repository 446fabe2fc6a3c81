/**
 * Reads a request body up to a limit, never buffering past it. A declared Content-Length above the
 * limit is refused before any byte is kept; a streamed body is refused at the first chunk past it.
 * After a refusal the rest of the body is read and dropped, so the client (still sending) gets the
 * 413 answer instead of a broken pipe, but only up to another `limit` bytes: past that the
 * connection is cut.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

export function bodyTooLarge(limit: number, size?: number): HttpError {
  return new HttpError(
    413,
    'BAD_USER_INPUT',
    `Request body too large${size === undefined ? '' : ` (${size} bytes)`}: the limit is ${limit} bytes. ` +
      'Import large CSV files with `forecastql import` or in smaller parts, or raise FORECASTQL_MAX_BODY_BYTES.',
  );
}

/** Drops what is left of a refused body, cutting the connection after `cap` more bytes. */
function discard(req: IncomingMessage, cap: number): void {
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > cap) req.socket.destroy();
  });
  req.resume();
}

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discard(req, limit);
    return Promise.reject(bodyTooLarge(limit, declared));
  }
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      req.off('data', onData);
      chunks = [];
      discard(req, limit);
      reject(bodyTooLarge(limit));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
