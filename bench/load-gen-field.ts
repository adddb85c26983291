// Field mode of the load generator (phase `storm`): every device reports once per interval (a fixed
// phase each, as a real fleet spreads itself), and when its connection drops it reconnects like real
// firmware: after a random delay in [0, jitterMs] (0: all at once, the worst case), retrying every
// retryMs until the broker takes it, then publishes its retained `online` and a reading at once.
// What a storm costs the devices is counted from the last `mark`: reconnects, the first reading after
// each reconnect PUBACKed, CONNACK refusals by return code, and send → PUBACK of every publish.
import { topics } from '../domain/topics.ts'
import { circuitPayload } from './circuit-payload.ts'
import type { FieldSpec, FieldStats } from './ipc.ts'
import type { RawDevice } from './raw-mqtt-device.ts'

export interface FieldDevice {
  id: string
  /** undefined while disconnected */
  client: RawDevice | undefined
  seq: number
}

const TICK_MS = 100

export function createField(deps: {
  devices: FieldDevice[]
  /** opens a new connection for the device (CONNECT with its Will); rejects with the reason */
  connect: (d: FieldDevice) => Promise<RawDevice>
}) {
  const { devices } = deps
  let spec: FieldSpec | undefined
  let markMs = Date.now()
  const hist = new Map<number, number>()
  const backAt = new Map<number, number>()
  const refused = new Map<string, number>()
  let failedAttempts = 0
  let lastFailure = ''
  let reconnected = 0
  let readingsAcked = 0
  let firstReconnectMs = 0
  let lastReconnectMs = 0
  let lastReadingAckMs = 0
  let publishes = 0
  let acked = 0
  let failedPublishes = 0
  /** per device: reconnected / first reading acked since the mark */
  const backSinceMark = new Set<string>()
  const readingSinceMark = new Set<string>()
  let slot = 0
  let ticker: NodeJS.Timeout | undefined

  const publish = (d: FieldDevice, topic: string, payload: string, retain: boolean, onAck?: () => void) => {
    const c = d.client
    if (c === undefined) return
    const sent = performance.now()
    const at = Date.now()
    publishes++
    c.publish(topic, payload, { qos: 1, retain }, (err) => {
      if (err) {
        failedPublishes++
        return
      }
      acked++
      if (at >= markMs) {
        const ms = Math.round(performance.now() - sent)
        hist.set(ms, (hist.get(ms) ?? 0) + 1)
      }
      onAck?.()
    })
  }
  const report = (d: FieldDevice, onAck?: () => void) =>
    publish(d, topics.telemetry(d.id), circuitPayload(Date.now(), d.seq++), false, onAck)

  const attach = (d: FieldDevice, client: RawDevice) => {
    d.client = client
    client.on('close', () => {
      if (d.client === client) d.client = undefined
      schedule(d, true)
    })
  }

  const attempt = (d: FieldDevice) => {
    deps.connect(d).then(
      (client) => {
        attach(d, client)
        reconnected++
        lastReconnectMs = Date.now()
        if (firstReconnectMs === 0) firstReconnectMs = lastReconnectMs
        if (!backSinceMark.has(d.id)) {
          const at = lastReconnectMs - (lastReconnectMs % 100)
          backAt.set(at, (backAt.get(at) ?? 0) + 1)
        }
        backSinceMark.add(d.id)
        // protocol.md: `online`, retained, right after connecting; then the device's current state
        publish(d, topics.status(d.id), 'online', true)
        report(d, () => {
          if (readingSinceMark.has(d.id)) return
          readingSinceMark.add(d.id)
          readingsAcked++
          lastReadingAckMs = Date.now()
        })
      },
      (err: Error) => {
        const rc = /CONNACK return code (\d+)/.exec(err.message)?.[1]
        if (rc !== undefined) refused.set(rc, (refused.get(rc) ?? 0) + 1)
        else {
          failedAttempts++
          lastFailure = err.message
        }
        schedule(d, false)
      },
    )
  }

  /** first: the connection just dropped (jitter applies); otherwise a retry after a failed attempt */
  const schedule = (d: FieldDevice, first: boolean) => {
    if (spec === undefined) return
    const delay = first ? Math.random() * spec.jitterMs : spec.retryMs
    setTimeout(() => attempt(d), delay).unref()
  }

  return {
    start(s: FieldSpec) {
      spec = s
      for (const d of devices) {
        const c = d.client
        if (c !== undefined) attach(d, c)
      }
      // device i reports in slot i mod (interval / tick): the fleet's rate is even over the interval
      const slots = Math.max(1, Math.round(s.reportIntervalMs / TICK_MS))
      clearInterval(ticker)
      ticker = setInterval(() => {
        for (let i = slot; i < devices.length; i += slots) report(devices[i]!)
        slot = (slot + 1) % slots
      }, TICK_MS)
    },
    /** a new jitter (or retry) for the next drops, without touching the reporting schedule */
    configure(s: Pick<FieldSpec, 'jitterMs' | 'retryMs'>) {
      if (spec) spec = { ...spec, ...s }
    },
    mark() {
      markMs = Date.now()
      hist.clear()
      backAt.clear()
      refused.clear()
      failedAttempts = 0
      reconnected = 0
      firstReconnectMs = 0
      readingsAcked = 0
      backSinceMark.clear()
      readingSinceMark.clear()
    },
    stats(): FieldStats {
      return {
        type: 'field-stats',
        devices: devices.length,
        connected: devices.filter((d) => d.client !== undefined).length,
        reconnected,
        devicesBack: backSinceMark.size,
        devicesWithReading: readingSinceMark.size,
        readingsAcked,
        firstReconnectMs,
        lastReconnectMs,
        lastReadingAckMs,
        backAt: [...backAt],
        refused: Object.fromEntries(refused),
        failedAttempts,
        lastFailure,
        publishes,
        acked,
        failedPublishes,
        histogram: [...hist],
      }
    },
    stop() {
      spec = undefined
      clearInterval(ticker)
    },
  }
}
