// Whether a CONNECT's secret is right, within the authentication limits (auth-guard.ts): the cache of
// verified secrets first (a sha256 compare), then, if the failure limits and the semaphore allow, the
// registry's scrypt check. Calls back with the outcome; aedes-hooks.ts turns it into a CONNACK.
//
// The device's credential version is read from the registry once per CONNECT. What may change it later
// (a rotation, a decommission) is told to the broker at once (the registry's onCredentialChange, and the
// API's $courtyard/revoke), which revokes the device in the auth cache and so moves its generation: the
// generation read beside the version is what the rest of the connect compares, not a second lookup.
import type { Client } from 'aedes'
import type { Logger } from 'pino'
import type { CredentialDirectory, DeviceDirectory } from '../registry/index.ts'
import type { AuthCache } from './auth-cache.ts'
import type { AuthGuard } from './auth-guard.ts'
import type { Identity } from './types.ts'

export type SecretVerdict =
  /**
   * `generation`: the device's auth-cache generation when its credential version was read (devices only);
   * a credential change since then moved it
   */
  { ok: true; generation?: number } | { ok: false; returnCode: 3 | 4; reason: string }

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
    // the connect's one sync SQLite lookup: refuses a decommissioned device whose secret is still cached,
    // and a secret cached for a credential that has been rotated since
    const version = directory.credentialVersion(id)
    // read in the same tick as the version: a change after the lookup moves it
    const generation = cache.generation(id)
    if (version === undefined) {
      guard.failed(address)
      done(refuse(4, 'unknown device'))
      return
    }
    // a secret verified before bypasses the failure limits: a device under attack keeps reconnecting
    if (cache.has(id, secret, version)) {
      counted('cache')
      done({ ok: true, generation })
      return
    }
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
        if (cache.generation(id) !== generation) {
          done(refuse(4, 'secret rotated during check'))
          return
        }
        cache.remember(id, secret, version, generation)
        done({ ok: true, generation })
      },
    )
  }
}
