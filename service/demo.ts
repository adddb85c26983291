// `npm run demo`: provisions the demo estate through the service's own HTTP API (as an integrator would)
// and runs it live with scenarios — faults, stray-wire charging, outages, malformed messages — starting
// within two minutes, after a few hours of backfilled history so charts are not empty.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import {
  type DeviceSpec,
  demoEstate,
  loadDevicesFile,
  planScenarios,
  provisionEstate,
  SCENARIOS,
  saveDevicesFile,
  startFleet,
} from '../simulators/index.ts'
import { demoUserLines, ensureDemoUsers } from './demo-users.ts'
import type { RunningService } from './service.ts'

const SEED = 2026
const BACKFILL_MS = 3 * 3600_000
const DAY_MS = 86_400_000

export async function startDemo(deps: {
  log: Logger
  service: RunningService
  dataDir: string
}): Promise<{ stop(): Promise<void> }> {
  const { log, service } = deps
  const devicesFile = join(deps.dataDir, 'demo-devices.json')
  const token = service.issueToken({ name: 'demo', tenantId: null, role: 'admin' })

  let devices: DeviceSpec[]
  if (existsSync(devicesFile)) {
    // a second `npm run demo` on the same DATA_DIR reuses the estate and its secrets
    devices = await loadDevicesFile(devicesFile)
    log.info({ devices: devices.length, file: devicesFile }, 'demo estate reused')
  } else {
    const estate = demoEstate(SEED)
    devices = await provisionEstate(service.httpUrl, token, estate, {
      tenantId: 'demo',
      tenantName: 'Demo Property Co.',
    })
    await saveDevicesFile(devicesFile, devices)
    log.info({ sites: estate.sites.length, devices: devices.length }, 'demo estate provisioned')
  }

  const people = await ensureDemoUsers(service.httpUrl, token, 'demo')

  const now = Date.now()
  const plan = planScenarios(devices, SCENARIOS, SEED, now, now + DAY_MS, { firstWithinMs: 120_000 })
  const fleet = startFleet({
    url: service.mqttUrl,
    devices,
    seed: SEED,
    log: log.child({ component: 'fleet' }),
    plan,
    backfillMs: BACKFILL_MS,
    connectSpreadMs: 2000,
  })
  const report = setInterval(() => {
    const s = fleet.stats()
    log.info(
      { devices: s.devices, published: s.published, acked: s.acked, inFlight: s.inFlight },
      'demo fleet',
    )
  }, 15_000)
  report.unref()
  process.stdout.write(
    `\nDemo estate live: ${devices.length} devices, API token for it: ${token}\n` +
      `  console: ${service.httpUrl}/\n${demoUserLines(people).join('\n')}\n` +
      `  curl -H 'Authorization: Bearer ${token}' ${service.httpUrl}/api/v1/devices\n` +
      `  API docs: ${service.httpUrl}/docs\n\n`,
  )
  return {
    async stop() {
      clearInterval(report)
      await fleet.stop(2000)
    },
  }
}
