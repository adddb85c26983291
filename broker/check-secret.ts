// Whether a CONNECT's secret is right, within the authentication limits (auth-guard.ts): the cache of
// verified secrets first (a sha256 compare), then, if the failure limits and the semaphore allow, the
// registry's scrypt check. Calls back with the outcome; aedes-hooks.ts turns it into a CONNACK.
import type { Client } from 'aedes'
import type { Logger } from 'pino'
import type { CredentialDirectory, DeviceDirectory } from '../registry/index.ts'
import type { AuthCache } from './auth-cache.ts'
import type { AuthGuard } from './auth-guard.ts'
import type { Identity } from './types.ts'

export type SecretVerdict =
  /** `version`: the device credential version the secret was verified against (devices only) */
  { ok: true; version?: number } | { ok: false; returnCode: 3 | 4; reason: string }

export function createSecretCheck(deps: {
  directory: DeviceDirectory & CredentialDirectory
  cache: AuthCache
  guard: AuthGuard
  log: Logger
  /** counts each check by what answered it */
  counted: (via: 'cache' | 'scrypt') => void
}) {
  const { directory, cache, guard, log, counted } = deps
  const refuse = (returnCode: 3 | 4, reason: string): SecretVerdict => ({ ok: false, returnCode, reason })

  /** a scrypt check, if the failure limits and the semaphore allow one now */
  function verify(
    client: Client,
    address: string,
    username: string,
    check: () => Promise<boolean>,
    done: (v: SecretVerdict) => void,
  ): void {
    if (!guard.mayVerify(address, username)) {
      done(refuse(3, 'too many failures'))
      return
    }
    const queued = guard.verifications.run((release) => {
      // gave up (connect timeout, closed) while waiting: no scrypt for nobody
      if (client.closed) {
        release()
        return
      }
      counted('scrypt')
      check().then(
        (ok) => {
          release()
          if (ok) {
            done({ ok: true })
            return
          }
          guard.failed(address, username)
          done(refuse(4, 'wrong secret'))
        },
        (err: unknown) => {
          release()
          log.error({ err, username }, 'secret check failed')
          done(refuse(3, 'directory unavailable'))
        },
      )
    })
    if (!queued) done(refuse(3, 'verifications busy'))
  }

  return function checkSecret(
    client: Client,
    identity: Identity,
    secret: string,
    address: string,
    done: (v: SecretVerdict) => void,
  ): void {
    if (identity.type === 'service') {
      verify(
        client,
        address,
        `svc:${identity.name}`,
        () => directory.verifyServiceSecret(identity.name, secret),
        done,
      )
      return
    }
    const id = identity.deviceId
    // sync SQLite lookup: refuses a decommissioned device whose secret is still cached, and a secret
    // cached for a credential that has been rotated since
    const version = directory.credentialVersion(id)
    if (version === undefined) {
      guard.failed(address)
      done(refuse(4, 'unknown device'))
      return
    }
    // a secret verified before bypasses the failure limits: a device under attack keeps reconnecting
    if (cache.has(id, secret, version)) {
      counted('cache')
      done({ ok: true, version })
      return
    }
    const generation = cache.generation(id)
    verify(
      client,
      address,
      id,
      () => directory.verifyDeviceSecret(id, secret),
      (v) => {
        if (!v.ok) {
          done(v)
          return
        }
        // a rotation landed while scrypt ran: what verified was the old secret
        if (directory.credentialVersion(id) !== version) {
          done(refuse(4, 'secret rotated during check'))
          return
        }
        cache.remember(id, secret, version, generation)
        done({ ok: true, version })
      },
    )
  }
}
