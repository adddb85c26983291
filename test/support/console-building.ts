// A building of the 河畔花园 community on a test service, with a crew member and a manager who sign in to
// the console: what the browser tests of a circuit's alerts start from.
import { api, type ServiceProcess } from './service-process.ts'

export interface Person {
  username: string
  password: string
  displayName: string
}

/** The site's id. */
export async function seedBuilding(
  svc: ServiceProcess,
  building: string,
  people: { crew: Person; manager: Person },
): Promise<string> {
  const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
    name: building,
    community: '河畔花园',
    kind: 'building',
  })
  for (const [role, p] of [
    ['crew', people.crew],
    ['manager', people.manager],
  ] as const)
    await api(svc, 'POST', '/api/v1/users', { ...p, role, tenantId: 'default' })
  return site.id
}
