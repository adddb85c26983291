// A circuit monitor without PF or THD (a basic breaker meter) behind the real alert engine and its API
// routes, for stray-wire tests that feed it minute by minute.
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import { startAlertRoutesApp } from '../../api/routes/alert-routes-app.ts'
import { startEngineHarness } from './harness.ts'

const MIN = 60_000

export async function startWattsOnlyCircuit(deviceId: string, circuit: string, influxUrl: string) {
  const h = await startEngineHarness({
    rules: { evaluateDevice, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
  await h.registry.provisionDevice({
    id: deviceId,
    kind: 'circuit-monitor',
    siteId: 'shed-a',
    reportIntervalS: 60,
  })
  const manager = h.registry.createToken({ tenantId: 'acme', role: 'manager', name: 'acme manager' }).token
  const app = await startAlertRoutesApp(h, influxUrl)
  let seq = 0
  return {
    h,
    app,
    manager,
    /** `powerW` for `minutes` readings from `fromMs`, each arriving as it is taken. */
    async readings(fromMs: number, minutes: number, powerW: number): Promise<void> {
      for (let k = 0; k < minutes; k++) {
        h.clock.now = fromMs + k * MIN + 1000
        await h.append(deviceId, 'telemetry', {
          ts: fromMs + k * MIN,
          seq: seq++,
          kind: 'circuit-monitor',
          circuit,
          voltageV: 228,
          currentA: powerW / 228,
          powerW: powerW > 0 ? powerW * (1 + 0.005 * Math.sin(k)) : 0,
        })
      }
      await h.drained()
    },
    /** The circuit's open stray-wire alerts, as the manager lists them. */
    async openStray(): Promise<{ id: string; message: string }[]> {
      const r = await app.call('GET', `/api/v1/alerts?type=stray_wire_charging&deviceId=${deviceId}`, manager)
      return r.body.items
    },
    async close(): Promise<void> {
      await app.close()
      await h.close()
    },
  }
}

export type WattsOnlyCircuit = Awaited<ReturnType<typeof startWattsOnlyCircuit>>
