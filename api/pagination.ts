// Opaque list cursors: base64url JSON. Clients must treat them as opaque; we validate on the way in.
import { CourtyardError } from '../domain/errors.ts'
import { DEFAULT_LIMIT } from './schemas.ts'

export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}

/** What a cursor field must be: a string, or a whole number within [min, max]. */
export type CursorField = 'string' | { int: [min: number, max: number] }

/** An instant in epoch ms as cursors carry it (the range JavaScript dates allow). */
export const EPOCH_MS: CursorField = { int: [-8_640_000_000_000_000, 8_640_000_000_000_000] }

const fieldOk = (v: unknown, f: CursorField): boolean =>
  f === 'string'
    ? typeof v === 'string'
    : Number.isSafeInteger(v) && (v as number) >= f.int[0] && (v as number) <= f.int[1]

/**
 * Decodes a cursor and checks that it carries `keys` of the expected types and ranges. A cursor is
 * client-held, so anything in it reaches a query only after this check: a forged one is a 400
 * BAD_CURSOR, never a malformed query (which InfluxDB answers with an error, a 502 here). `valid`
 * checks what the fields must be together (e.g. a window's start not after its end).
 */
export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string,
  shape: { [K in keyof T]: CursorField },
  valid: (value: T) => boolean = () => true,
): T {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  const ok =
    typeof value === 'object' &&
    value !== null &&
    Object.entries(shape).every(([k, f]) =>
      fieldOk((value as Record<string, unknown>)[k], f as CursorField),
    ) &&
    valid(value as T)
  if (!ok)
    throw new CourtyardError(
      'BAD_CURSOR',
      'cursor is not valid here: pass the `next` value of the previous page unchanged, or leave cursor out to start from the first page',
    )
  return value as T
}

/** Keyset paging by id: fetch limit + 1 rows to learn whether there is a next page. */
export function pageById<T extends { id: string }>(
  fetch: (p: { limit: number; afterId?: string }) => T[],
  q: { limit?: number; cursor?: string },
): { items: T[]; next?: string } {
  const limit = q.limit ?? DEFAULT_LIMIT
  const afterId = q.cursor ? decodeCursor<{ after: string }>(q.cursor, { after: 'string' }).after : undefined
  const rows = fetch({ limit: limit + 1, afterId })
  if (rows.length <= limit) return { items: rows }
  const items = rows.slice(0, limit)
  return { items, next: encodeCursor({ after: items[items.length - 1]!.id }) }
}
