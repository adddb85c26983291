// Opaque list cursors: base64url JSON. Clients must treat them as opaque; we validate on the way in.
import type { Static, TObject } from 'typebox'
import { Compile } from 'typebox/compile'
import { CourtyardError } from '../domain/errors.ts'
import { DEFAULT_LIMIT } from './schemas.ts'

export function encodeCursor(value: Record<string, string | number | object>): string {
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

/**
 * The cursor of a list that takes filters. Each `next` carries, beside where the next page starts, the
 * filters the first page was asked with (defaults filled in): a page asked for with the cursor alone
 * lists the same selection. The filters may be repeated beside the cursor; one that differs from the
 * cursor's is a 400 BAD_CURSOR naming it, never a page of another selection.
 */
export interface ListCursor<P, Filters> {
  /**
   * The page to list: on a first page (no cursor) `first()`, the filters asked with their defaults; with
   * a cursor, its position and filters, after checking that those `given` beside it are the same.
   */
  read(
    cursor: string | undefined,
    given: Partial<Filters>,
    first: () => Filters,
  ): { after?: P; filters: Filters }
  /** The `next` of a page that ends at `after`, listed with `filters`. */
  next(after: P, filters: Filters): string
}

export function listCursor<P extends Record<string, string | number>, F extends TObject>(def: {
  /** where the next page starts, as decodeCursor checks it */
  position: { [K in keyof P]: CursorField }
  /** the filters, each a string, number or boolean (`additionalProperties: false`): a forged cursor's are checked against it */
  filters: F
}): ListCursor<P, Static<F>> {
  const check = Compile(def.filters)
  return {
    read(cursor, given, first) {
      if (cursor === undefined) return { filters: first() }
      // a cursor of a version before the filters (no `f`) is refused too: its selection is unknown
      const value = decodeCursor<P>(cursor, def.position, (v) => check.Check((v as { f?: unknown }).f))
      const { f, ...after } = value as P & { f: Static<F> }
      for (const [name, asked] of Object.entries(given)) {
        const carried = (f as Record<string, unknown>)[name]
        if (asked === undefined || asked === carried) continue
        throw new CourtyardError(
          'BAD_CURSOR',
          `${name}=${String(asked)} differs from the cursor's ${name} (${carried === undefined ? 'none' : String(carried)}): a cursor lists what its first page was asked for, so repeat that page's filters unchanged or leave them out beside it, or leave cursor out to list with other filters`,
        )
      }
      return { after: after as unknown as P, filters: f }
    },
    next(after, filters) {
      return encodeCursor({ ...after, f: filters as object })
    },
  }
}

/**
 * Keyset paging by id: fetch limit + 1 rows to learn whether there is a next page; `nextOf` makes the
 * cursor from the page's last id.
 */
function keysetById<T extends { id: string }>(
  rows: (limit: number) => T[],
  limit: number,
  nextOf: (lastId: string) => string,
): { items: T[]; next?: string } {
  const all = rows(limit + 1)
  if (all.length <= limit) return { items: all }
  const items = all.slice(0, limit)
  return { items, next: nextOf(items[items.length - 1]!.id) }
}

/**
 * Keyset paging by id of a list without filters. The cursor names its list (`list`, e.g. `sites`), so
 * another list's `next` is a 400 BAD_CURSOR, not a page of this one starting at an id it never had.
 */
export function pageById<T extends { id: string }>(
  list: string,
  fetch: (p: { limit: number; afterId?: string }) => T[],
  q: { limit?: number; cursor?: string },
): { items: T[]; next?: string } {
  const afterId = q.cursor
    ? decodeCursor<{ l: string; after: string }>(
        q.cursor,
        { l: 'string', after: 'string' },
        (c) => c.l === list,
      ).after
    : undefined
  return keysetById(
    (limit) => fetch({ limit, afterId }),
    q.limit ?? DEFAULT_LIMIT,
    (after) => encodeCursor({ l: list, after }),
  )
}

/**
 * Keyset paging by id of a list that takes filters: the cursor carries them (listCursor). `fetch` lists
 * with the filters this page goes by: the first page's, asked again or not.
 */
export function pageByIdFiltered<T extends { id: string }, Filters>(
  cursor: ListCursor<{ after: string }, Filters>,
  fetch: (p: { limit: number; afterId?: string }, filters: Filters) => T[],
  q: { limit?: number; cursor?: string },
  given: Partial<Filters>,
  first: () => Filters,
): { items: T[]; next?: string } {
  const page = cursor.read(q.cursor, given, first)
  const afterId = page.after?.after
  return keysetById(
    (limit) => fetch({ limit, afterId }, page.filters),
    q.limit ?? DEFAULT_LIMIT,
    (after) => cursor.next({ after }, page.filters),
  )
}
