/**
 * Text of an unexpected error, fit for a stored run error or a client: never SQL, a stack trace or
 * a driver's message (issue 17: a failed insert put the raw SQL, tenant and series ids into
 * `TrainingRun.error`). Such text is replaced by a sentence that says where the details are; the
 * caller logs the original.
 */
const SQL = /\b(insert\s+into|select\s[\s\S]*\sfrom|update\s+\S+\s+set|delete\s+from|returning\s|values\s*\()/i;
const DRIVER = /\b(SQLITE_[A-Z]+|violates|constraint|syntax error at or near|relation "|column "|knex|pg_)/i;
const STACK = /\n\s+at\s/;
const MAX = 300;

export const INTERNAL_DETAILS = 'an internal error (the details are in the server log)';

export function safeErrorText(message: string): string {
  if (SQL.test(message) || DRIVER.test(message) || STACK.test(message)) return INTERNAL_DETAILS;
  const line = message.split('\n', 1)[0]!.trim();
  return line.length > MAX ? `${line.slice(0, MAX - 3)}...` : line;
}
