// The display names a console shell keeps (stores/people-names.ts): asked once on first need and kept;
// asked again, at most once a minute, when a page shows someone it does not know (a person added since,
// or removed: then the username recorded shows); a failed answer asked again a minute later. Pure store
// logic against a scripted answerer; the route itself is tested in test/api/people/people-names.test.ts.
import { describe, expect, it } from 'vitest'
import { createPeopleNames } from '../../console/src/stores/people-names.ts'

type Person = { username: string; displayName: string; createdAt: number }

function answerer() {
  const s = { people: [] as Person[], fail: false, asked: 0 }
  const api = {
    get: async <T>(path: string): Promise<T> => {
      expect(path).toBe('/people/names')
      s.asked++
      if (s.fail) throw new Error('no answer')
      return { items: s.people.map((p) => ({ ...p })) } as T
    },
  }
  return { s, api }
}
const settled = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve()
}

describe('people names', () => {
  it('asks once and keeps the answer: a known person is not asked about again', async () => {
    let t = 0
    const { s, api } = answerer()
    s.people = [{ username: 'wang.crew', displayName: '王师傅', createdAt: 0 }]
    const names = createPeopleNames({ api, now: () => t })
    expect(names.displayNameOf('wang.crew')).toBeUndefined()
    // renders before the answer do not ask again
    expect(names.displayNameOf('wang.crew')).toBeUndefined()
    await settled()
    expect(names.displayNameOf('wang.crew', 10)).toBe('王师傅')
    t = 60 * 60_000
    expect(names.displayNameOf('wang.crew', 10)).toBe('王师傅')
    expect(s.asked).toBe(1)
  })

  it('names a person added since at the next asking, a minute on; and shows the username once a person is removed', async () => {
    let t = 0
    const { s, api } = answerer()
    s.people = [{ username: 'zhao.crew', displayName: '赵师傅', createdAt: 0 }]
    const names = createPeopleNames({ api, now: () => t })
    names.displayNameOf('zhao.crew')
    await settled()
    // a new colleague acts; the page learns their name within a minute, not at every render
    s.people.push({ username: 'sun.crew', displayName: '孙师傅', createdAt: 5 })
    t = 30_000
    expect(names.displayNameOf('sun.crew')).toBeUndefined()
    expect(s.asked).toBe(1)
    t = 61_000
    expect(names.displayNameOf('sun.crew')).toBeUndefined()
    expect(s.asked).toBe(2)
    await settled()
    expect(names.displayNameOf('sun.crew')).toBe('孙师傅')
    // zhao.crew is removed: the next answer (asked for someone unknown) no longer lists them
    s.people = s.people.filter((p) => p.username !== 'zhao.crew')
    t = 130_000
    names.displayNameOf('nobody.listed')
    await settled()
    expect(names.displayNameOf('zhao.crew')).toBeUndefined()
  })

  it('asks again a minute after a failed answer', async () => {
    let t = 0
    const { s, api } = answerer()
    s.fail = true
    s.people = [{ username: 'wang.crew', displayName: '王师傅', createdAt: 0 }]
    const names = createPeopleNames({ api, now: () => t })
    names.displayNameOf('wang.crew')
    await settled()
    t = 59_000
    names.displayNameOf('wang.crew')
    expect(s.asked).toBe(1)
    s.fail = false
    t = 60_000
    names.displayNameOf('wang.crew')
    expect(s.asked).toBe(2)
    await settled()
    expect(names.displayNameOf('wang.crew')).toBe('王师傅')
  })

  it("does not give a person's name to an act from before their account, nor keep a blank display name", async () => {
    const { s, api } = answerer()
    s.people = [
      { username: 'wang.crew', displayName: '王师傅', createdAt: 1_000 },
      { username: 'li.crew', displayName: '   ', createdAt: 0 },
    ]
    const names = createPeopleNames({ api, now: () => 0 })
    names.displayNameOf('wang.crew')
    await settled()
    expect(names.displayNameOf('wang.crew', 1_000)).toBe('王师傅')
    expect(names.displayNameOf('wang.crew', 999)).toBeUndefined()
    expect(names.displayNameOf('li.crew')).toBeUndefined()
  })
})
