// The demo's people: a manager and a crew member of the demo tenant, made through the HTTP API as an
// admin would. Their passwords are generated on every start (a demo may listen on 0.0.0.0, so no fixed
// password) and printed next to the console's address; a second start resets them.
import { randomBytes } from 'node:crypto'

export interface DemoUser {
  username: string
  password: string
  role: 'manager' | 'crew'
}

const PEOPLE = [
  { username: 'manager', role: 'manager', displayName: 'Demo manager' },
  { username: 'crew', role: 'crew', displayName: 'Demo crew member' },
] as const

export async function ensureDemoUsers(
  httpUrl: string,
  adminToken: string,
  tenantId: string,
): Promise<DemoUser[]> {
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${httpUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
  }
  const out: DemoUser[] = []
  for (const person of PEOPLE) {
    const password = randomBytes(9).toString('base64url')
    const made = await api('POST', '/users', { ...person, password, tenantId })
    if (made.status === 409) {
      // made by an earlier run on this DATA_DIR: give it this run's password
      const list = await api('GET', '/users?limit=1000')
      const items = (list.body.items ?? []) as { id: string; username: string }[]
      const id = items.find((u) => u.username === person.username)?.id
      if (!id) throw new Error(`demo user ${person.username} exists but is not listed`)
      const set = await api('POST', `/users/${id}/password`, { password })
      if (set.status !== 204)
        throw new Error(`demo user ${person.username}: password not set (${set.status})`)
    } else if (made.status !== 201) {
      throw new Error(
        `demo user ${person.username} not created (${made.status}): ${JSON.stringify(made.body)}`,
      )
    }
    out.push({ username: person.username, password, role: person.role })
  }
  return out
}

/** The lines printed beside the console's address. */
export const demoUserLines = (users: readonly DemoUser[]): string[] =>
  users.map((u) => `  sign in as ${u.role.padEnd(7)}  ${u.username} / ${u.password}`)
