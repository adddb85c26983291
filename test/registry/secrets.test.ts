import { describe, expect, it } from 'vitest'
import { hashSecret, parseSecretHash, verifySecret } from '../../registry/secrets.ts'

const params = { N: 1024, r: 8, p: 1 }

describe('verifySecret', () => {
  it('verifies a secret against its own hash and no other', async () => {
    const a = await hashSecret('secret-a', params)
    const b = await hashSecret('secret-a', params)
    expect(a).not.toBe(b) // salted
    expect(await verifySecret(a, 'secret-a')).toBe(true)
    expect(await verifySecret(b, 'secret-a')).toBe(true)
    expect(await verifySecret(a, 'secret-b')).toBe(false)
  })

  it('verifies with the parameters stored in the hash, so raising the default keeps old rows valid', async () => {
    const older = await hashSecret('secret-a', { N: 2048, r: 8, p: 1 })
    expect(older.startsWith('scrypt$2048$8$1$')).toBe(true)
    expect(await verifySecret(older, 'secret-a')).toBe(true)
  })

  it.each([
    ['an empty string', ''],
    ['another scheme', 'bcrypt$10$abc'],
    ['a non power-of-two N', 'scrypt$1000$8$1$c2FsdA$' + 'A'.repeat(43)],
    ['an absurd N', `scrypt$${2 ** 30}$8$1$c2FsdA$` + 'A'.repeat(43)],
    ['a short hash', 'scrypt$1024$8$1$c2FsdA$AAAA'],
    ['missing parts', 'scrypt$1024$8$1'],
  ])('treats a stored hash with %s as not matching', async (_name, stored) => {
    expect(parseSecretHash(stored)).toBeUndefined()
    expect(await verifySecret(stored, 'anything')).toBe(false)
  })
})
