// The grants against docs/api.md v1.1's role table, permission by permission.
import { describe, expect, it } from 'vitest'
import { can, PERMISSIONS, type Permission } from '../../api/permissions.ts'
import { ROLES, type Role } from '../../registry/index.ts'

const EXPECTED: Record<Permission, Role[]> = {
  read: ['admin', 'manager', 'crew', 'viewer'],
  session: ['admin', 'manager', 'crew', 'viewer'],
  'alerts:act': ['admin', 'manager', 'crew'],
  'commands:send': ['admin', 'manager', 'crew'],
  'settings:write': ['admin', 'manager'],
  'sites:write': ['admin', 'manager'],
  'devices:write': ['admin', 'manager'],
  'notify:write': ['admin', 'manager'],
  'users:manage': ['admin', 'manager'],
  'tokens:manage': ['admin'],
  'tenants:manage': ['admin'],
}

describe('permissions', () => {
  it.each(PERMISSIONS.map((p) => [p]))('%s goes to the roles the contract names', (permission) => {
    expect(
      ROLES.filter(
        (role) =>
          can({ role, tenantId: 'acme' }, permission) ||
          (role === 'admin' && can({ role, tenantId: null }, permission)),
      ),
    ).toEqual(EXPECTED[permission])
  })

  it('keeps tenants to an admin spanning every tenant', () => {
    expect(can({ role: 'admin', tenantId: null }, 'tenants:manage')).toBe(true)
    expect(can({ role: 'admin', tenantId: 'acme' }, 'tenants:manage')).toBe(false)
    expect(can({ role: 'admin', tenantId: 'acme' }, 'tokens:manage')).toBe(true)
  })
})
