import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, pageById } from '../../api/pagination.ts'

const rows = Array.from({ length: 5 }, (_, i) => ({ id: `id-${i}` }))
const fetch = ({ limit, afterId }: { limit: number; afterId?: string }) =>
  rows.filter((r) => afterId === undefined || r.id > afterId).slice(0, limit)

describe('pageById', () => {
  it('walks every row exactly once with opaque cursors', () => {
    const seen: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 10; i++) {
      const page = pageById('rows', fetch, { limit: 2, cursor })
      seen.push(...page.items.map((r) => r.id))
      cursor = page.next
      if (!cursor) break
    }
    expect(seen).toEqual(rows.map((r) => r.id))
  })

  it('has no next on an exactly full last page', () => {
    expect(pageById('rows', fetch, { limit: 5 }).next).toBeUndefined()
  })

  it("refuses another list's cursor, and one from before cursors named their list", () => {
    const next = pageById('rows', fetch, { limit: 2 }).next
    expect(next).toBeDefined()
    expect(() => pageById('others', fetch, { limit: 2, cursor: next })).toThrow(/cursor is not valid/)
    expect(() => pageById('rows', fetch, { limit: 2, cursor: encodeCursor({ after: 'id-1' }) })).toThrow(
      /cursor is not valid/,
    )
  })

  it.each([['garbage'], [encodeCursor({ offset: 3 })], ['']])('refuses the cursor %j', (cursor) => {
    expect(() => decodeCursor(cursor, { after: 'string' })).toThrow(/cursor is not valid/)
  })
})
