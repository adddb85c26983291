// One scenario minute by minute around a moment: the readings, what really ran, and what the detector
// made of it (its background, its candidate, its verdicts). For reading one error of the evaluation.
import { parseArgs } from 'node:util'
import { DEFAULT_STRAY_WIRE_PARAMS, type StrayWireInput } from '../../alerts/index.ts'
import { replay } from './evaluate.ts'
import { buildScenario } from './families.ts'
import { DEV_RANGES, HELD_OUT_RANGES, MIN } from './scenario.ts'

const USAGE = `Usage: npm run eval:stray-wire:trace -- --id FAMILY#SEED [options]
  --id F#N         the scenario, as the evaluation's error lists name it (circuit-pfc-stray#18)
  --set dev|held-out   which ranges built it (default dev)
  --days N         days of the scenario (default 3, as the evaluation)
  --from MM-DDTHH:MM   local time (UTC+8) to start at (default 10 min before its first session)
  --minutes N      how many minutes to print (default 60)`

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    id: { type: 'string' },
    set: { type: 'string', default: 'dev' },
    days: { type: 'string', default: '3' },
    from: { type: 'string' },
    minutes: { type: 'string', default: '60' },
  },
})
const [family, seedText] = (values.id ?? '').split('#')
if (values.help || !family || !seedText) {
  console.log(USAGE)
  process.exit(values.help ? 0 : 2)
}
const ranges = values.set === 'held-out' ? HELD_OUT_RANGES : DEV_RANGES
const sc = buildScenario(family, Number(seedText), Number(values.days), ranges)
const fmt = (i: StrayWireInput | null): string =>
  !i
    ? 'gap'
    : i.source === 'shed'
      ? `feeder ${Math.round(i.feederPowerW)} ports ${Math.round(i.portsPowerW)}`
      : `${Math.round(i.powerW)}W pf${i.powerFactor?.toFixed(3) ?? '-'} thd${i.currentThdPct?.toFixed(0) ?? '-'}`
const local = (t: number) => new Date(t + 8 * 60 * MIN).toISOString().slice(5, 16)
const from = values.from
  ? Date.parse(`2026-${values.from}:00+08:00`)
  : (sc.sessions[0]?.startTs ?? sc.startMs) - 10 * MIN
const to = from + Number(values.minutes) * MIN
for (const s of sc.sessions) console.log(`session ${local(s.startTs)} → ${local(s.endTs)}`)
for (const { t, result } of replay(sc, DEFAULT_STRAY_WIRE_PARAMS)) {
  if (t < from || t > to) continue
  const input = sc.inputAt(t)
  const st = result.state
  const c = st.candidate
  const loads = (sc.loads ?? [])
    .map((l) => [l.name, l.at(t).powerW] as const)
    .filter(([, w]) => w > 1)
    .map(([n, w]) => `${n}:${Math.round(w)}`)
    .join(' ')
  const cand = c
    ? `cand@${local(c.onsetTs).slice(6)} ${c.chargerReadings}/${c.readings} [${c.recentW.slice(-4).join(',')}]${c.pfc ? ' pfc' : ''}`
    : '-'
  const sm = st.smallStep
  const small = sm
    ? ` small@${local(sm.onsetTs).slice(6)}${sm.pfc ? ' pfc' : ''} [${sm.w.slice(-3).join(',')}]`
    : ''
  console.log(
    `${local(t)} ${fmt(input)} | base ${Math.round(st.baselineW ?? 0)} | ${cand}${small} | ${result.verdict?.kind ?? ''} ${st.alert ? 'ALERT' : ''} | ${loads}`,
  )
}
