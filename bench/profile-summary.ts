// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=<dir> npm run bench): self time
// by function and by file or package, so a profile can be read without a browser.
//   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 40] [--from 10] [--to 40] [--callers writev]
// --from/--to: only samples in that window (seconds since the profile started, e.g. the load phase);
// --callers: the call paths (4 frames up) that lead to functions whose name contains the string.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '40' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: 'Infinity' },
    callers: { type: 'string' },
  },
})
const top = Number(values.top)

/** node_modules/<pkg> (or @scope/pkg), our own top-level folder, node:internal, or the V8 pseudo-frames */
function owner(url: string, fn: string): string {
  if (url === '') return `(${fn || 'native'})`
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  if (url.startsWith('node:')) return url
  const m = /\/(wt-[^/]+|main|[^/]+)\/([^/]+)\/[^/]+$/.exec(url)
  return m ? `${m[2]}/` : url
}

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfUs = new Map<number, number>()
  const from = Number(values.from) * 1e6
  const to = Number(values.to) * 1e6
  let t = 0
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0
    if (t < from || t > to) continue
    const id = p.samples[i]!
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0))
  }
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/|wt-[^/]+\/)/, '').replace(/^.*\/node:/, 'node:')}:${n.callFrame.lineNumber + 1}`
  let total = 0
  const byFn = new Map<string, number>()
  const byOwner = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!
    const { functionName, url, lineNumber } = n.callFrame
    if (functionName === '(idle)') continue
    total += us
    const short = url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^file:\/\/.*\/wt-[^/]+\//, '')
    const key = `${functionName || '(anonymous)'}  ${short}:${lineNumber + 1}`
    byFn.set(key, (byFn.get(key) ?? 0) + us)
    const o = owner(url, functionName)
    byOwner.set(o, (byOwner.get(o) ?? 0) + us)
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`
  console.log(
    `\n${file}: ${(total / 1e6).toFixed(2)} s busy of ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s`,
  )
  console.log('-- by file or package --')
  for (const [k, us] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(us)}  ${k}`)
  console.log('-- by function (self) --')
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`)
  if (values.callers !== undefined) {
    const paths = new Map<string, number>()
    for (const [id, us] of selfUs) {
      const n = byId.get(id)!
      if (!n.callFrame.functionName.includes(values.callers)) continue
      const chain: string[] = []
      for (let up = parent.get(id); up !== undefined && chain.length < 4; up = parent.get(up))
        chain.push(label(byId.get(up)!))
      const k = chain.join(' < ')
      paths.set(k, (paths.get(k) ?? 0) + us)
    }
    console.log(`-- callers of *${values.callers}* --`)
    for (const [k, us] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${pct(us)}  ${k}`)
  }
}
