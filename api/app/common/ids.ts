import { NotFoundError } from '../../errors/index.js';

/** A GraphQL ID as the integer row id it stands for; anything else cannot exist (NOT_FOUND). */
export function parseRowId(kind: string, id: string | number): number {
  const text = String(id);
  if (!/^[1-9]\d{0,14}$/.test(text)) throw new NotFoundError(kind, text);
  return Number(text);
}
