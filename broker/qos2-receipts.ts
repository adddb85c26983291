// QoS 2 receipts: a device's QoS 2 message reaches the spool once, however often it is sent.
//
// aedes runs authorizePublish (where we spool, before the PUBREC may go out) BEFORE its own duplicate check
// (MQTT-4.3.3-2, lib/handlers/publish.js: incomingGetPacket), so every retransmission would be spooled
// again: ingest overwrites the point, but the alert engine counts the event twice. Here, per client id,
// every QoS 2 message spooled and not yet released (PUBREL) is remembered by packet id and a fingerprint of
// topic and payload; a PUBLISH with the same id and the same content is a retransmission and is not spooled
// again. Keyed by client id rather than connection: mqtt.js resends with DUP=1 on the NEXT connection, and
// it does so with a clean session too, where aedes has wiped its own receipt (MQTT-3.1.2-6) — the
// fingerprint is what makes skipping safe then: a different message under the same id is spooled.
//
// A retransmission that arrives while the first copy is still being appended waits for that append and
// shares its outcome: acknowledging it sooner would let aedes PUBREC a message the disk then refused.
//
// Bounded: at most `maxPerClient` receipts per client id. Beyond that the oldest receipt already spooled
// is forgotten (at worst a very late retransmission of it is spooled once more: never a loss); when every
// receipt is still being appended, the publish is refused and aedes closes the connection.
// Not across a restart of the service: receipts live in memory, as aedes' own do.
import { createHash } from 'node:crypto'

type Done = (err?: Error | null) => void

interface Receipt {
  fingerprint: Buffer
  /** false while the first copy is being appended */
  spooled: boolean
  /** retransmissions waiting for that append */
  waiters: Done[]
}

export interface Qos2Receipts {
  /**
   * Spools a QoS 2 publish with `append` unless it is a retransmission of one spooled and not released;
   * `done` gets the append's outcome, and `duplicate` true when nothing was appended.
   */
  admit(
    clientId: string,
    packet: { messageId: number; topic: string; payload: Buffer },
    append: (done: Done) => void,
    done: (err: Error | null, duplicate: boolean) => void,
  ): void
  /** PUBREL: the sender has let go of this packet id; its next use is a new message. */
  release(clientId: string, messageId: number): void
  /** receipts held for a client id (for tests and metrics) */
  held(clientId: string): number
}

const fingerprintOf = (topic: string, payload: Buffer): Buffer =>
  createHash('sha256').update(topic).update('\0').update(payload).digest()

export function createQos2Receipts(opts: { maxPerClient: number }): Qos2Receipts {
  const byClient = new Map<string, Map<number, Receipt>>()

  const forget = (clientId: string, receipts: Map<number, Receipt>, messageId: number) => {
    receipts.delete(messageId)
    if (receipts.size === 0) byClient.delete(clientId)
  }

  /** Makes room for one more receipt; false when every receipt is still being appended. */
  const makeRoom = (receipts: Map<number, Receipt>): boolean => {
    if (receipts.size < opts.maxPerClient) return true
    // a Map iterates in insertion order: the first spooled receipt is the oldest
    for (const [id, r] of receipts) {
      if (r.spooled) {
        receipts.delete(id)
        return true
      }
    }
    return false
  }

  return {
    admit(clientId, packet, append, done) {
      const fingerprint = fingerprintOf(packet.topic, packet.payload)
      let receipts = byClient.get(clientId)
      const known = receipts?.get(packet.messageId)
      if (known?.fingerprint.equals(fingerprint)) {
        if (known.spooled) done(null, true)
        else known.waiters.push((err) => done(err ?? null, true))
        return
      }
      if (receipts === undefined) {
        receipts = new Map()
        byClient.set(clientId, receipts)
      }
      // same id, other content: a new message (a clean session reused the id), replaces the old receipt
      if (known !== undefined) receipts.delete(packet.messageId)
      if (!makeRoom(receipts)) {
        done(new Error(`more than ${opts.maxPerClient} QoS 2 messages in flight`), false)
        return
      }
      const receipt: Receipt = { fingerprint, spooled: false, waiters: [] }
      const own = receipts
      own.set(packet.messageId, receipt)
      append((err) => {
        const waiters = receipt.waiters
        receipt.waiters = []
        if (err) {
          // not stored: the retransmission must be spooled, so no receipt
          if (own.get(packet.messageId) === receipt) forget(clientId, own, packet.messageId)
        } else {
          receipt.spooled = true
        }
        done(err ?? null, false)
        for (const w of waiters) w(err)
      })
    },

    release(clientId, messageId) {
      const receipts = byClient.get(clientId)
      if (receipts?.get(messageId)?.spooled) forget(clientId, receipts, messageId)
    },

    held: (clientId) => byClient.get(clientId)?.size ?? 0,
  }
}

interface IncomingStore {
  incomingDelPacket(client: { id: string }, packet: { messageId?: number }): Promise<unknown>
}

/**
 * Releases receipts on PUBREL. aedes has no hook for it; it ends the handshake by deleting the packet from
 * its persistence (lib/handlers/pubrel.js: incomingDelPacket), the one place it can be observed.
 */
export function observeQos2Release(broker: object, receipts: Qos2Receipts): void {
  // typed `any` in aedes' declarations: the persistence instance it was created with (memory by default)
  const store = (broker as { persistence: IncomingStore }).persistence
  const del = store.incomingDelPacket.bind(store)
  store.incomingDelPacket = async (client, packet) => {
    try {
      return await del(client, packet)
    } finally {
      // a PUBREL was received either way: the sender has let go of the id
      if (typeof packet.messageId === 'number') receipts.release(client.id, packet.messageId)
    }
  }
}
