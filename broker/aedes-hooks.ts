// Adapts the pure policy (policy.ts), the device directory and the spool to aedes' hooks.
//
// Refused PUBLISH: MQTT-3.3.5-2 lets the server either acknowledge normally or close the connection.
// We acknowledge and drop (the packet is re-addressed to a topic nobody may subscribe to): a valid
// device with one misconfigured topic keeps its other data flowing, and its QoS 1 client does not
// resend the refused message forever, as it would after every reconnect if we disconnected it.
// It is logged and counted (courtyard_broker_refused_publishes_total).
// A topic that is not well-formed UTF-8 or holds U+0000 is refused the same way (reasons
// `malformed-utf8`, `nul`; policy.ts), although MQTT-1.5.3-1/2 would have the connection closed: closed,
// a device whose firmware builds one bad topic would resend it after every reconnect, be closed again and
// have its Will say offline each time, its valid readings stuck behind it (protocol: bad input is
// rejected with a reason, never losing the valid messages around it).
import type { AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from 'aedes'
import type { Logger } from 'pino'
import { DEVICE_ID_RE } from '../domain/protocol.ts'
import { topics } from '../domain/topics.ts'
import type { CredentialDirectory, DeviceDirectory } from '../registry/index.ts'
import type { SpoolWriter } from '../spool/index.ts'
import type { AuthCache } from './auth-cache.ts'
import { type AuthGuard, clientAddress } from './auth-guard.ts'
import type { BrokerMetrics } from './broker-metrics.ts'
import { createSecretCheck } from './check-secret.ts'
import { keptPayload } from './kept-payload.ts'
import type { LogSampler } from './log-sampler.ts'
import {
  type ConnectVerdict,
  canSubscribe,
  commandRefusal,
  commandTarget,
  mayRetain,
  publishRefusal,
  REVOKE_TOPIC,
  validateConnect,
} from './policy.ts'
import type { Qos2Receipts } from './qos2-receipts.ts'
import type { Identity } from './types.ts'

/** Where refused publishes go: `$` topics match no wildcard (MQTT-4.7.2-1) and canSubscribe refuses it. */
const DROP_TOPIC = '$courtyard/dropped'
const EMPTY = Buffer.alloc(0)

export interface HookDeps {
  directory: DeviceDirectory & CredentialDirectory
  spool: SpoolWriter
  /** QoS 2 messages spooled and not yet released, so that a retransmission is not spooled again */
  qos2: Qos2Receipts
  log: Logger
  metrics: BrokerMetrics
  cache: AuthCache
  /** rate limits and the bound on concurrent secret checks (auth-guard.ts) */
  guard: AuthGuard
  /** samples 'connect refused' lines: a storm of wrong secrets must not flood the log */
  refusals: LogSampler
  /** largest retained payload (a device's status); see policy.ts mayRetain */
  retainMaxBytes: number
  /** disconnects a revoked device */
  onRevoke: (deviceId: string) => void
  /** a connection of this device is established now (commands go to connected devices only) */
  isConnected: (deviceId: string) => boolean
  /** the service account of a connection made in this process (BrokerHandle.connectInternal) */
  internalName: (client: Client) => string | undefined
}

type AedesClient = Client & { will?: PublishPacket | null; _disconnected?: boolean }

/**
 * An authenticated connection: its identity and, for a device, the auth-cache generation when its
 * credential was looked up (check-secret.ts) and whether it set a Will at CONNECT (aedes clears
 * `client.will` before 'clientDisconnect'). One object in one WeakMap: a connected device's share of
 * the hooks' memory (issue 12 §1) was three WeakMap entries and an identity.
 */
type Known = Identity & { generation?: number; hadWill?: boolean }

export function createAedesHooks(deps: HookDeps) {
  const { directory, spool, log, metrics, cache } = deps
  const checkSecret = createSecretCheck({
    directory,
    cache,
    guard: deps.guard,
    log,
    counted: (via) => metrics.secretChecks.inc({ via }),
  })
  /** from preConnect to authenticate: what the CONNECT alone says, and the packet itself */
  const verdicts = new WeakMap<Client, { verdict: ConnectVerdict; packet: ConnectPacket }>()
  /** who each authenticated connection is, with what else is kept about it: one object per connection */
  const identities = new WeakMap<Client, Known>()
  const refusedCount = new WeakMap<Client, number>()
  /** connections the broker ended itself (keep alive timeout, revoke): their Will is the broker's word */
  const endedByBroker = new WeakSet<Client>()
  /**
   * Newest authenticated connection per device id, to tell a session takeover from a disconnect. Not
   * aedes' clients table: when an old connection finishes closing after the new one registered, aedes
   * deletes the table's entry by id, the new connection's included, so the table cannot tell.
   */
  const latest = new Map<string, WeakRef<Client>>()
  /** connections aedes has registered ('client' event): a device's newest one of these is connected */
  const registered = new WeakSet<Client>()

  function fail(
    client: Client,
    done: (err: AuthenticateError | null, ok: boolean | null) => void,
    returnCode: number,
    reason: string,
  ): void {
    metrics.authFailures.inc({ reason })
    deps.refusals.log(reason, () => log.warn({ clientId: printable(client.id), reason }, 'connect refused'))
    const err = new Error(reason) as AuthenticateError
    err.returnCode = returnCode as AuthenticateError['returnCode']
    done(err, false)
  }

  const hooks = {
    identityOf: (client: Client): Identity | undefined => identities.get(client),
    /** whether the client set a Will at CONNECT (aedes clears `client.will` before 'clientDisconnect') */
    hadWill: (client: Client): boolean => identities.get(client)?.hadWill === true,
    /**
     * A device connection whose credential was rotated (or the device decommissioned, or revoked) since it
     * authenticated, possibly while it was still mid-handshake. No registry lookup: every such change
     * revokes the device in the auth cache, which moves its generation.
     */
    credentialStale(client: Client): boolean {
      const identity = identities.get(client)
      if (identity?.type !== 'device') return false
      return cache.generation(identity.deviceId) !== identity.generation
    },
    /** marks a connection the broker is about to end (keep alive timeout, revoke) */
    endedByBroker: (client: Client): void => {
      endedByBroker.add(client)
    },
    /** a newer connection of the same device is taking over this one (MQTT-3.1.4-2) */
    /** aedes registered `client` (its 'client' event) */
    registered(client: Client): void {
      registered.add(client)
    },
    /**
     * Whether the device's newest connection is registered and open. Not aedes' clients table: it loses a
     * device's entry when an old connection finishes closing after the new one registered.
     */
    connected(deviceId: string): boolean {
      const c = latest.get(deviceId)?.deref()
      return c !== undefined && registered.has(c) && !c.closed
    },
    isTakenOver(client: Client, deviceId: string): boolean {
      const newer = latest.get(deviceId)?.deref()
      if (newer === undefined || newer === client) {
        latest.delete(deviceId)
        return false
      }
      return !newer.closed
    },

    preConnect(client: Client, packet: ConnectPacket, done: (err: Error | null, ok: boolean) => void): void {
      // aedes keeps the Will for the connection's life
      if (packet.will?.payload != null) packet.will.payload = keptPayload(packet.will.payload)
      verdicts.set(client, {
        verdict: validateConnect({
          clientId: packet.clientId,
          username: packet.username,
          hasPassword: packet.password !== undefined,
          willTopic: packet.will?.topic,
        }),
        packet,
      })
      done(null, true)
    },

    authenticate(
      client: Client,
      username: Readonly<string | undefined>,
      password: Readonly<Buffer | undefined>,
      done: (err: AuthenticateError | null, ok: boolean | null) => void,
    ): void {
      const connect = verdicts.get(client)
      verdicts.delete(client)
      // aedes has read the secret from the CONNECT, and mqtt-packet's parser keeps that packet for the
      // connection's life (its protocol settings): the secret, a view of the socket read it came in,
      // must not stay in memory with it
      if (connect) connect.packet.password = undefined
      const verdict = connect?.verdict
      const hadWill = connect?.packet.will != null
      const internalName = deps.internalName(client)
      if (internalName !== undefined) {
        identities.set(client, { type: 'service', name: internalName })
        done(null, true)
        return
      }
      const address = clientAddress(client)
      if (!deps.guard.admit(address, username)) {
        fail(client, done, 3, 'too many attempts')
        return
      }
      if (verdict === undefined) {
        fail(client, done, 5, 'no connect verdict')
        return
      }
      if (!verdict.ok) {
        fail(client, done, verdict.returnCode, verdict.reason)
        return
      }
      const identity = verdict.identity
      checkSecret(client, identity, password?.toString('utf8') ?? '', address, (v) => {
        if (!v.ok) {
          fail(client, done, v.returnCode, v.reason)
          return
        }
        if (identity.type === 'device') {
          // a literal, not a spread of `identity`: on this V8, a spread with added fields made a hidden
          // class per object (~100 bytes per device)
          identities.set(client, {
            type: 'device',
            deviceId: identity.deviceId,
            generation: v.generation,
            hadWill,
          })
          latest.set(identity.deviceId, new WeakRef(client))
        } else identities.set(client, identity)
        done(null, true)
      })
    },

    authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
      // null: a Will left by another broker instance; we cannot tell whose, so it is not published
      const identity = client === null ? undefined : identities.get(client)
      if (client === null || identity === undefined) {
        done(new Error('publisher unknown'))
        return
      }
      const isWill = (client as AedesClient).will === packet
      const target = identity.type === 'service' ? commandTarget(packet.topic) : undefined
      const refusal =
        publishRefusal(identity, packet.topic) ??
        (target === undefined ? undefined : commandRefusal(packet, deps.isConnected(target)))
      if (refusal !== undefined) {
        metrics.refusedPublishes.inc({ reason: refusal })
        const n = (refusedCount.get(client) ?? 0) + 1
        refusedCount.set(client, n)
        // first refusal of a connection at warn, then every 1000th: a looping device must not flood logs
        if (n === 1 || n % 1000 === 0) {
          log.warn(
            { clientId: client.id, topic: printable(packet.topic), reason: refusal, refused: n },
            'publish refused',
          )
        }
        if (isWill) {
          done(new Error('will refused'))
          return
        }
        packet.topic = DROP_TOPIC
        packet.retain = false
        packet.payload = EMPTY
        done(null)
        return
      }
      if (packet.retain && !mayRetain(identity, packet.topic, packet.payload.length, deps.retainMaxBytes)) {
        packet.retain = false
        metrics.unretainedPublishes.inc()
      }
      if (packet.retain && !isWill) {
        // aedes keeps a retained message until the next one: its payload, and its topic as the same
        // string as the Will's (both `devices/{id}/status`), are kept once, not per socket read
        packet.payload = keptPayload(packet.payload)
        const will = (client as AedesClient).will
        if (will && will.topic === packet.topic) packet.topic = will.topic
      }
      if (identity.type === 'service') {
        if (packet.topic === REVOKE_TOPIC) {
          revoke(packet.payload)
          packet.topic = DROP_TOPIC
          packet.retain = false
        }
        // service publishes (commands) are not telemetry: not spooled
        done(null)
        return
      }
      let spoolTopic = packet.topic
      if (isWill && packet.topic === topics.status(identity.deviceId)) {
        // protocol (Connection limits): a device taken over by its own new connection (MQTT-3.1.4-2)
        // stays online; its old connection's Will would say offline right before the new `online`
        if (hooks.isTakenOver(client, identity.deviceId)) {
          metrics.suppressedWills.inc()
          done(new Error('will suppressed: session taken over'))
          return
        }
        spoolTopic = topics.statusRecord(identity.deviceId, endedByBroker.has(client) ? 'broker' : 'will')
      }
      // DURABILITY: aedes writes the QoS 1 PUBACK right after this callback, so it means "on disk"
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
      const deviceId = identity.deviceId
      if (packet.qos !== 2 || typeof packet.messageId !== 'number' || isWill) {
        // the path of every QoS 0/1 publish: one closure, no more (young-generation garbage per message)
        spool.append(spoolTopic, payload, (err) => appended(err ?? null, false, deviceId, done))
        return
      }
      // a QoS 2 retransmission of a message spooled and not yet released is not appended again:
      // aedes' own duplicate check (MQTT-4.3.3-2) comes after this hook
      deps.qos2.admit(
        client.id,
        { messageId: packet.messageId, topic: spoolTopic, payload },
        (cb) => spool.append(spoolTopic, payload, cb),
        (err, duplicate) => appended(err, duplicate, deviceId, done),
      )
    },

    authorizeSubscribe(
      client: Client,
      sub: Subscription,
      done: (err: Error | null, sub?: Subscription | null) => void,
    ): void {
      const identity = identities.get(client)
      if (identity !== undefined && canSubscribe(identity, sub.topic)) {
        done(null, sub)
        return
      }
      metrics.refusedSubscribes.inc()
      log.warn({ clientId: client.id, filter: printable(sub.topic) }, 'subscribe refused')
      // null grants 0x80 (failure) in the SUBACK (MQTT 3.1.1 §3.9.3) without closing the connection
      done(null, null)
    },
  }
  return hooks

  /** A device publish is spooled (or refused by the spool): count it and let aedes answer. */
  function appended(
    err: Error | null,
    duplicate: boolean,
    deviceId: string,
    done: (err?: Error | null) => void,
  ): void {
    if (err) {
      metrics.spoolErrors.inc()
      log.error({ err, deviceId }, 'spool append failed')
      // no PUBACK without durability: the connection closes and the client resends after reconnect
      done(err)
      return
    }
    if (duplicate) metrics.qos2Duplicates.inc()
    else metrics.devicePublishes.inc()
    done(null)
  }

  function revoke(payload: Buffer | string): void {
    let deviceId: unknown
    try {
      deviceId = (JSON.parse(payload.toString()) as { deviceId?: unknown }).deviceId
    } catch {
      deviceId = undefined
    }
    if (typeof deviceId !== 'string' || !DEVICE_ID_RE.test(deviceId)) {
      log.warn({ payload: printable(payload.toString()) }, 'revoke ignored: no valid deviceId')
      return
    }
    cache.revoke(deviceId)
    metrics.revocations.inc()
    log.info({ deviceId }, 'device revoked')
    deps.onRevoke(deviceId)
  }
}

/** For logs: bounded length, control characters made visible. */
function printable(s: string | null | undefined): string | undefined {
  if (s == null) return undefined
  const short = s.length > 200 ? `${s.slice(0, 200)}…` : s
  return short.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
