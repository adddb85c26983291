// `npm run dashboards:build [-- --out DIR]`: renders the dashboards and provisioning files into
// dashboards/build (committed, so a change shows up as a diff). The only file here that reads arguments.
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parseOrUsage } from '../domain/command-line.ts'
import { buildDashboards, DEFAULT_BUILD_OPTIONS } from './render.ts'
import { writeBuild } from './write-build.ts'

const here = dirname(fileURLToPath(import.meta.url))
const USAGE = 'usage: npm run dashboards:build [-- --out DIR]   (default dashboards/build)'
const { values } = parseOrUsage(
  () => parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }),
  USAGE,
)
const out = resolve(values.out ?? join(here, 'build'))
const files = buildDashboards(DEFAULT_BUILD_OPTIONS)
await writeBuild(out, files)
process.stdout.write(`${files.length} files written to ${out}\n`)
