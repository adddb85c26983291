// prom-client metrics of the broker, registered on the Registry passed in (never the global one).
import { Counter, Gauge, type Registry } from 'prom-client'
import type { SpoolWriter } from '../spool/index.ts'

export interface BrokerMetrics {
  connects: Counter<'type'>
  disconnects: Counter<'type'>
  authFailures: Counter<'reason'>
  secretChecks: Counter<'via'>
  refusedPublishes: Counter<'reason'>
  refusedSubscribes: Counter
  oversizePackets: Counter
  revocations: Counter
  spoolErrors: Counter
  devicePublishes: Counter
  qos2Duplicates: Counter
  suppressedWills: Counter
  unretainedPublishes: Counter
}

export function createBrokerMetrics(
  registry: Registry,
  sources: { spool: SpoolWriter; connectedDevices: () => number },
): BrokerMetrics {
  const registers = [registry]
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers })
  new Gauge({
    name: 'courtyard_broker_connected_devices',
    help: 'Devices with an established MQTT session',
    registers,
    collect() {
      this.set(sources.connectedDevices())
    },
  })
  new Gauge({
    name: 'courtyard_spool_disk_bytes',
    help: 'Bytes in spool segment files (unconsumed backlog plus the current segment)',
    registers,
    collect() {
      this.set(sources.spool.stats().diskBytes)
    },
  })
  new Gauge({
    name: 'courtyard_spool_blocked',
    help: '1 while spool appends are held back (bound reached or disk full)',
    registers,
    collect() {
      this.set(sources.spool.stats().blocked ? 1 : 0)
    },
  })
  // group commits and the records they made durable: records per commit is how much each fdatasync (and
  // the wake-ups after it) is shared, the spool's main cost per message beside the disk
  const fromStats = (name: string, help: string, read: () => number) => {
    let seen = 0
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = read()
        this.inc(now - seen)
        seen = now
      },
    })
  }
  fromStats(
    'courtyard_spool_commits_total',
    'Spool group commits (one fdatasync each)',
    () => sources.spool.stats().commits,
  )
  fromStats(
    'courtyard_spool_committed_records_total',
    'Spool records made durable by group commits',
    () => sources.spool.stats().committedRecords,
  )
  return {
    connects: counter('courtyard_broker_connects_total', 'Established MQTT sessions', ['type']),
    disconnects: counter('courtyard_broker_disconnects_total', 'Ended MQTT sessions', ['type']),
    authFailures: counter('courtyard_broker_auth_failures_total', 'Refused CONNECTs', ['reason']),
    secretChecks: counter(
      'courtyard_broker_secret_checks_total',
      'CONNECT secrets checked, by the verified-secret cache (a sha256) or by scrypt',
      ['via'],
    ),
    refusedPublishes: counter('courtyard_broker_refused_publishes_total', 'PUBLISHes refused by the ACL', [
      'reason',
    ]),
    refusedSubscribes: counter(
      'courtyard_broker_refused_subscribes_total',
      'Subscriptions refused by the ACL',
    ),
    oversizePackets: counter(
      'courtyard_broker_oversize_packets_total',
      'Connections dropped for a packet over the size limit',
    ),
    revocations: counter('courtyard_broker_revocations_total', 'Devices revoked via $courtyard/revoke'),
    spoolErrors: counter('courtyard_broker_spool_errors_total', 'Device publishes the spool failed to store'),
    devicePublishes: counter(
      'courtyard_broker_device_publishes_total',
      'Device publishes stored in the spool',
    ),
    qos2Duplicates: counter(
      'courtyard_broker_qos2_duplicates_total',
      'QoS 2 retransmissions of a message already spooled (acknowledged, not spooled again)',
    ),
    unretainedPublishes: counter(
      'courtyard_broker_unretained_publishes_total',
      'Publishes with the retain flag delivered but not retained (only a device status is retained)',
    ),
    suppressedWills: counter(
      'courtyard_broker_suppressed_wills_total',
      'Wills not published because a new connection of the same device took over',
    ),
  }
}
