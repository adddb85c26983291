// Shared helpers for the simulator tests: compiled protocol validators and a stepping loop.
import { Compile } from 'typebox/compile'
import { type DeviceKind, EVENT_SCHEMAS, type EventName, TELEMETRY_BY_KIND } from '../../domain/protocol.ts'
import type { DeviceModel, OutMessage } from '../../simulators/devices/types.ts'

const telemetry = Object.fromEntries(
  Object.entries(TELEMETRY_BY_KIND).map(([k, s]) => [k, Compile(s)]),
) as Record<DeviceKind, ReturnType<typeof Compile>>
const events = Object.fromEntries(Object.entries(EVENT_SCHEMAS).map(([k, s]) => [k, Compile(s)])) as Record<
  EventName,
  ReturnType<typeof Compile>
>

/** Why a payload fails protocol v1, or undefined when it is valid. */
export function protocolError(
  kind: DeviceKind,
  channel: 'telemetry' | 'events',
  body: unknown,
): string | undefined {
  const b = body as { kind?: unknown; event?: unknown }
  if (b.kind !== kind) return `kind ${String(b.kind)} is not ${kind}`
  const v = channel === 'telemetry' ? telemetry[kind] : events[b.event as EventName]
  if (!v) return `unknown event ${String(b.event)}`
  if (v.Check(body)) return undefined
  return JSON.stringify([...v.Errors(body)].slice(0, 3))
}

export const MIN = 60_000
/** 2026-11-17 00:00 in Asia/Shanghai (UTC+8). */
export const LOCAL_MIDNIGHT = Date.UTC(2026, 10, 16, 16, 0)

/** Steps a model every `stepMs` over [fromMs, toMs) and returns everything it said, in order. */
export function run(model: DeviceModel, fromMs: number, toMs: number, stepMs = MIN): OutMessage[] {
  const out: OutMessage[] = []
  for (let t = fromMs; t < toMs; t += stepMs) out.push(...model.step(t))
  return out
}
