// Shared helpers for the simulator tests: compiled protocol validators and a stepping loop.
import { Compile } from 'typebox/compile'
import { defaultResolveSettings, evaluateDevice } from '../../alerts/index.ts'
import type { DeviceRuleState, RuleDevice, RuleSignal } from '../../alerts/types.ts'
import { decodeMessage } from '../../domain/decode-message.ts'
import { type DeviceKind, EVENT_SCHEMAS, type EventName, TELEMETRY_BY_KIND } from '../../domain/protocol.ts'
import { topics } from '../../domain/topics.ts'
import { createDeviceModel } from '../../simulators/devices/create-device-model.ts'
import type { DeviceModel, OutMessage } from '../../simulators/devices/types.ts'
import type { DeviceSpec, ScenarioPlan } from '../../simulators/index.ts'

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

/**
 * One device of a demo estate run from `fromMs` to `untilMs` on its report interval, with its planned
 * injections, every message decoded and judged by the catalogue rules as the alert engine does, from
 * `state` on: its stray-wire signals and the rule state after.
 */
export function strayWireSignals(
  spec: DeviceSpec,
  plan: ScenarioPlan,
  seed: number,
  fromMs: number,
  untilMs: number,
  state: DeviceRuleState = {},
): { state: DeviceRuleState; signals: RuleSignal[] } {
  const model = createDeviceModel(spec, seed)
  for (const i of plan.get(spec.id)?.injections ?? []) model.inject(i)
  const device: RuleDevice = {
    id: spec.id,
    kind: spec.kind,
    siteId: spec.siteId,
    tenantId: 'demo',
    reportIntervalS: spec.reportIntervalS,
  }
  const settings = defaultResolveSettings(undefined, undefined)
  const signals: RuleSignal[] = []
  let s = state
  for (let t = fromMs; t < untilMs; t += spec.reportIntervalS * 1000) {
    for (const m of model.step(t)) {
      const topic = m.channel === 'telemetry' ? topics.telemetry(spec.id) : topics.events(spec.id)
      const decoded = decodeMessage(topic, JSON.stringify(m.body), device, t)
      if (!decoded.ok) continue
      const r = evaluateDevice(s, { device, msg: decoded.value, arrivalMs: t, settings })
      s = r.state
      signals.push(...r.signals.filter((x) => x.type === 'stray_wire_charging'))
    }
  }
  return { state: s, signals }
}
