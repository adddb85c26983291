// Malformed messages a buggy or hostile device sends (pure). The service must reject the invalid ones
// with a reason and keep the valid ones around them; `hostile_strings` is VALID and must be stored
// verbatim as a string field without creating series or points (domain/storage.ts).
import type { OutMessage } from './devices/types.ts'

export const MALFORMED_VARIANTS = [
  'bad_json',
  'schema_violation',
  'huge_number',
  'wrong_kind',
  'future_ts',
  'oversize',
  'hostile_strings',
] as const
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number]

/** A message ready to publish: `valid` says whether a correct service must accept it. */
export interface RawMessage {
  channel: 'telemetry' | 'events'
  payload: string
  valid: boolean
  variant?: MalformedVariant
  /** seq of a valid message, for bookkeeping */
  seq?: number
}

/** Newline (line-protocol injection), comma, quote, equals, backslash, InfluxQL and HTML. */
export const HOSTILE_TEXT = `B3\nstairwell,evil=1 x="y" \\ '; DROP DATABASE courtyard; --<script>`

export const serialize = (m: OutMessage): RawMessage => ({
  channel: m.channel,
  payload: JSON.stringify(m.body),
  valid: true,
  seq: m.body.seq,
})

const SENTINEL = 987654321.125

const OTHER_KIND: Record<string, string> = {
  'charging-pile': 'circuit-monitor',
  'circuit-monitor': 'daycare-sensor',
  'daycare-sensor': 'outdoor-display',
  'outdoor-display': 'charging-pile',
}

/**
 * Corrupts one step's messages. Invalid variants add a broken copy of the reading in front of the
 * valid messages (which are still sent: a rejected message must not take its neighbours with it);
 * `hostile_strings` replaces the reading's free-text field and stays valid.
 */
export function applyMalformed(variant: MalformedVariant, msgs: readonly OutMessage[]): RawMessage[] {
  const valid = msgs.map(serialize)
  const reading = msgs.find((m) => m.channel === 'telemetry')
  if (!reading) return valid
  const body = reading.body as unknown as Record<string, unknown>
  const bad = (payload: string): RawMessage[] => [
    { channel: 'telemetry', payload, valid: false, variant },
    ...valid,
  ]
  switch (variant) {
    case 'bad_json':
      return bad(JSON.stringify(body).slice(0, 40))
    case 'schema_violation':
      return bad(JSON.stringify({ ...body, ts: String(body['ts']), seq: -1 }))
    case 'huge_number':
      // 1e999 is valid JSON text that parses to Infinity: NaN-like in a number field
      return bad(
        JSON.stringify({ ...body, ts: Number(body['ts']) - 1, [numericKey(body)]: SENTINEL }).replace(
          `:${SENTINEL}`,
          ':1e999',
        ),
      )
    case 'wrong_kind':
      return bad(
        JSON.stringify({ ...body, ts: Number(body['ts']) - 1, kind: OTHER_KIND[String(body['kind'])] }),
      )
    case 'future_ts':
      // protocol: more than 5 minutes in the future is rejected
      return bad(JSON.stringify({ ...body, ts: Number(body['ts']) + 3600_000 }))
    case 'oversize':
      // protocol: ≤ 16 KiB
      return bad(JSON.stringify({ ...body, ts: Number(body['ts']) - 1, padding: 'x'.repeat(17 * 1024) }))
    case 'hostile_strings': {
      const field =
        reading.body.kind === 'circuit-monitor'
          ? 'circuit'
          : reading.body.kind === 'daycare-sensor'
            ? 'room'
            : reading.body.kind === 'outdoor-display'
              ? 'contentId'
              : undefined
      if (!field) return valid
      return valid.map((r) =>
        r.seq === reading.body.seq && r.channel === 'telemetry'
          ? { ...r, payload: JSON.stringify({ ...body, [field]: HOSTILE_TEXT.slice(0, 64) }), variant }
          : r,
      )
    }
  }
}

/** The first numeric measurement field of a reading, to overflow. */
function numericKey(body: Record<string, unknown>): string {
  for (const [k, v] of Object.entries(body)) if (typeof v === 'number' && k !== 'ts' && k !== 'seq') return k
  return 'powerW'
}
