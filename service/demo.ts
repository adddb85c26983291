// `npm run demo`: provisions the demo estate through the service's own HTTP API (as an integrator would)
// and runs it live with scenarios — faults, stray-wire charging, outages, malformed messages — starting
// within two minutes, after a few hours of backfilled history so charts are not empty. A second run on the
// same DATA_DIR carries on the simulated day the first began (demo-plan.ts).
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import {
  type DeviceSpec,
  demoEstate,
  loadDevicesFile,
  provisionEstate,
  type ScenarioPlan,
  saveDevicesFile,
  startFleet,
} from '../simulators/index.ts'
import { DEMO_BACKFILL_MS, DEMO_SEED, demoScenarioPlan } from './demo-plan.ts'
import { type DemoUser, demoUserLines, ensureDemoUsers } from './demo-users.ts'
import type { RunningService } from './service.ts'

/** How long a stopping demo waits for its devices' last acknowledgements: Ctrl-C stops all within 2 s. */
const STOP_DRAIN_MS = 300
/** Malformed messages planned closer together than this are one burst, followed by one reminder. */
const BURST_GAP_MS = 120_000
/** How long after a burst's last malformed message its reminder comes at the soonest, and how long the service's rejections must have been quiet. */
const REMINDER_AFTER_MS = 5_000

export async function startDemo(deps: {
  /** the root logger: the demo and the fleet each take their own `component` from it */
  log: Logger
  service: RunningService
  dataDir: string
}): Promise<{ stop(): Promise<void>; farewell: string }> {
  const { service } = deps
  const log = deps.log.child({ component: 'demo' })
  const devicesFile = join(deps.dataDir, 'demo-devices.json')
  const issued = service.issueToken({ name: DEMO_TOKEN_NAME, tenantId: null, role: 'admin' })
  const token = issued.token
  // each start prints a new admin token: the ones earlier runs printed on this DATA_DIR stop working
  await revokeEarlierDemoToken(service.httpUrl, token, join(deps.dataDir, DEMO_TOKEN_FILE), issued.id).then(
    (revoked) => revoked && log.info('admin token of the earlier demo run revoked'),
    (err: unknown) => log.warn({ err }, 'admin token of the earlier demo run not revoked'),
  )

  let devices: DeviceSpec[]
  if (existsSync(devicesFile)) {
    // a second `npm run demo` on the same DATA_DIR reuses the estate and its secrets
    devices = await loadDevicesFile(devicesFile)
    log.info({ devices: devices.length, file: devicesFile }, 'demo estate reused')
  } else {
    const estate = demoEstate(DEMO_SEED)
    devices = await provisionEstate(service.httpUrl, token, estate, {
      tenantId: 'demo',
      tenantName: 'Demo Property Co.',
    })
    await saveDevicesFile(devicesFile, devices)
    log.info({ sites: estate.sites.length, devices: devices.length }, 'demo estate provisioned')
  }

  const people = await ensureDemoUsers(service.httpUrl, token, 'demo')

  // a second run on this DATA_DIR carries on the simulated day the first began (demo-plan.ts)
  const plan = await demoScenarioPlan(deps.dataDir, devices, Date.now())
  // The terminal a newcomer watches keeps the banner in view: the fleet's routine lines (a simulated
  // device going offline, its counts every 15 s) are debug lines, shown with LOG_LEVEL=debug. The service's
  // own lines are the service's.
  const fleet = startFleet({
    url: service.mqttUrl,
    devices,
    seed: DEMO_SEED,
    // the root logger: startFleet adds its own component (a child of `log` would carry two)
    log: deps.log,
    scenarioLogLevel: 'debug',
    plan,
    backfillMs: DEMO_BACKFILL_MS,
    connectSpreadMs: 2000,
  })
  const report = setInterval(() => {
    const s = fleet.stats()
    log.debug(
      { devices: s.devices, published: s.published, acked: s.acked, inFlight: s.inFlight },
      'demo fleet',
    )
  }, 15_000)
  report.unref()
  const where = {
    devices: devices.length,
    httpUrl: service.httpUrl,
    mqttUrl: service.mqttUrl,
    dataDir: deps.dataDir,
    adminToken: token,
    people,
  }
  process.stdout.write(demoBanner(where))
  // the only lines the scenarios put on the terminal are the service's warnings about the malformed
  // messages: after each burst of them (the first within two minutes), the address and sign-in again,
  // once the service has set the burst's messages aside and gone quiet (ingest may lag the devices)
  const reminders = demoReminderTimes(plan).filter((at) => at > Date.now())
  let reminder: NodeJS.Timeout | undefined
  let armed: { lastPlannedAt: number; capAt: number } | undefined
  let lastRejectedAt = 0
  const settle = () => {
    if (!armed) return
    const wait = reminderWaitMs(Date.now(), armed.lastPlannedAt, lastRejectedAt, armed.capAt)
    if (wait > 0) {
      reminder = setTimeout(settle, wait)
      reminder.unref()
      return
    }
    armed = undefined
    process.stdout.write(demoReminder(where))
    remindNext()
  }
  const remindNext = () => {
    const at = reminders.shift()
    if (at === undefined) return
    reminder = setTimeout(
      () => {
        armed = { lastPlannedAt: at - REMINDER_AFTER_MS, capAt: at + REMINDER_CAP_MS }
        settle()
      },
      Math.max(0, at - Date.now()),
    )
    reminder.unref()
  }
  const stopListening = service.onRejected(() => {
    lastRejectedAt = Date.now()
    if (!armed) return
    clearTimeout(reminder)
    settle()
  })
  remindNext()
  return {
    async stop() {
      clearInterval(report)
      clearTimeout(reminder)
      stopListening()
      await fleet.stop(STOP_DRAIN_MS)
    },
    farewell: demoFarewell(deps.dataDir),
  }
}

/** The longest the reminder waits past its planned time for the service to set the burst aside. */
const REMINDER_CAP_MS = 60_000

/**
 * How long the reminder of a burst whose last malformed message was planned at `lastPlannedAt` still waits
 * at `now` (0: print it): until the service has set a message aside since then and been quiet for
 * REMINDER_AFTER_MS (its warnings are on the terminal by then), or until `capAt` (the broker refused the
 * last ones, or they were suppressed as repeats).
 */
export function reminderWaitMs(
  now: number,
  lastPlannedAt: number,
  lastRejectedAt: number,
  capAt: number,
): number {
  if (now >= capAt) return 0
  if (lastRejectedAt < lastPlannedAt) return capAt - now
  return Math.max(0, Math.min(REMINDER_AFTER_MS - (now - lastRejectedAt), capAt - now))
}

/**
 * When the demo reminds the terminal where it runs: a few seconds after the last malformed message of each
 * burst the plan sends (messages less than BURST_GAP_MS apart), whose rejections the service logs as
 * warnings. The plan's first round, all within its first two minutes, is one burst. `hostile_strings` is
 * valid (stored, never rejected): a burst of only those gives the terminal no warning to remind about.
 */
export function demoReminderTimes(plan: ScenarioPlan): number[] {
  const times = [...plan.values()]
    .flatMap((p) => p.malformed.filter((m) => m.variant !== 'hostile_strings').map((m) => m.atMs))
    .sort((a, b) => a - b)
  return times
    .filter((t, i) => i === times.length - 1 || times[i + 1]! - t >= BURST_GAP_MS)
    .map((t) => t + REMINDER_AFTER_MS)
}

const DEMO_TOKEN_NAME = 'demo'

/** Where a run keeps the id (not the secret) of the token it printed, for the next run to revoke. */
const DEMO_TOKEN_FILE = 'demo-token.json'

/**
 * Revokes (through the API) the token the earlier run on this data printed, by the id it kept, and keeps
 * `keepId` for the next run; whether one was revoked. By id, not by name: an operator's own token that
 * happens to be named `demo` is not the demo's to revoke.
 */
async function revokeEarlierDemoToken(
  httpUrl: string,
  token: string,
  file: string,
  keepId: string,
): Promise<boolean> {
  const call = async (method: string, path: string): Promise<Response> => {
    const res = await fetch(`${httpUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    })
    // already revoked by hand, or a data folder whose registry was replaced: nothing left to do
    if (!res.ok && res.status !== 404)
      throw new Error(`demo: ${method} ${path} answered ${res.status}: ${await res.text()}`)
    return res
  }
  let earlier: string[]
  try {
    const { tokenId } = JSON.parse(await readFile(file, 'utf8')) as { tokenId?: unknown }
    earlier = typeof tokenId === 'string' ? [tokenId] : []
  } catch {
    // a data folder of a demo from before the id was kept: its tokens are the every-tenant ones so named
    const list = (await (await call('GET', '/tokens?limit=1000')).json()) as {
      items: { id: string; name: string; tenantId: string | null }[]
    }
    earlier = list.items.filter((t) => t.name === DEMO_TOKEN_NAME && t.tenantId === null).map((t) => t.id)
  }
  await writeFile(file, `${JSON.stringify({ tokenId: keepId })}\n`)
  let revoked = false
  for (const id of earlier.filter((e) => e !== keepId))
    if ((await call('DELETE', `/tokens/${encodeURIComponent(id)}`)).ok) revoked = true
  return revoked
}

interface DemoWhere {
  devices: number
  httpUrl: string
  mqttUrl: string
  dataDir: string
  adminToken: string
  people?: readonly DemoUser[]
}

/** What the demo prints once it runs: where the console is and how to sign in. */
export function demoBanner(d: DemoWhere): string {
  const signIn = [`  admin API token (API and /docs): ${d.adminToken}`, ...demoUserLines(d.people ?? [])]
  return [
    '',
    `Courtyard demo running: ${d.devices} simulated devices`,
    `  console:  ${d.httpUrl}/`,
    ...signIn,
    `  API:      curl -H 'Authorization: Bearer ${d.adminToken}' ${d.httpUrl}/api/v1/devices`,
    `  API docs: ${d.httpUrl}/docs`,
    `  MQTT:     ${d.mqttUrl} (the simulated devices publish here)`,
    `  data:     ${d.dataDir} (kept between runs)`,
    `  ${MALFORMED_NOTE}`,
    '  Ctrl-C stops everything.',
    '',
    '',
  ].join('\n')
}

const MALFORMED_NOTE =
  'the service\'s "payload rejected" warnings are the demo\'s own malformed messages, one of its simulated faults'

/** The short form of the banner, printed after the warnings a burst of malformed messages brings. */
export function demoReminder(d: DemoWhere): string {
  const people = (d.people ?? []).map((u) => `${u.username} / ${u.password}`).join(', ')
  return [
    '',
    `Courtyard demo still running (${MALFORMED_NOTE})`,
    `  console:  ${d.httpUrl}/${people ? `  sign in: ${people}` : ''}`,
    `  admin API token: ${d.adminToken}`,
    '',
    '',
  ].join('\n')
}

/** What the demo prints once Ctrl-C has stopped everything: where its data stays. */
export function demoFarewell(dataDir: string): string {
  return `\nCourtyard demo stopped. Its data stays in ${dataDir}: the next \`npm run demo\` carries on with the same estate and history; delete that folder to start afresh.\n`
}
