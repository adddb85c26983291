// Every dashboard query names only measurements, tags and fields that domain/storage.ts defines, each in
// a role it can play (GROUP BY and regex matches on tags, aggregates on fields).
import { describe, expect, it } from 'vitest'
import { renderedDashboards } from './dashboard-queries.ts'
import { namesUsed, schemaViolations } from './influxql-names.ts'

const dashboards = renderedDashboards()
const all = dashboards.flatMap((d) => d.queries)

describe('dashboard queries against domain/storage.ts', () => {
  it('finds panel, variable and annotation queries in every dashboard', () => {
    expect(dashboards.map((d) => d.name).sort()).toEqual(
      [
        'alert-history',
        'building-circuits',
        'charging-overview',
        'daycare-air-quality',
        'displays-health',
        'estate-overview',
      ].sort(),
    )
    for (const d of dashboards) {
      const kinds = new Set(d.queries.map((q) => q.kind))
      expect([...kinds].sort(), d.name).toEqual(['annotation', 'panel', 'variable'])
    }
  })

  it.each(all.map((q) => [`${q.dashboard}: ${q.where}`, q.query]))(
    '%s uses only stored names',
    (_, query) => {
      expect(schemaViolations(query)).toEqual([])
    },
  )

  it('the reader sees a renamed field, a field used as a tag, an unknown measurement and an unquoted name', () => {
    const ok =
      'SELECT mean("feeder.powerW") FROM "pile" WHERE $timeFilter AND "site" =~ /^$site$/ GROUP BY time($__interval), "device" fill(none)'
    expect(schemaViolations(ok)).toEqual([])
    expect(schemaViolations(ok.replace('feeder.powerW', 'feeder.power'))).toEqual([
      'field feeder.power not in pile',
    ])
    expect(schemaViolations(ok.replace('GROUP BY time($__interval), "device"', 'GROUP BY "powerW"'))).toEqual(
      ['tag powerW not in pile'],
    )
    expect(schemaViolations(ok.replace('"pile"', '"piles"'))).toContain('unknown measurement piles')
    expect(() => namesUsed(ok.replace('"device"', 'device'))).toThrow(/unquoted/)
    expect(schemaViolations('SHOW TAG VALUES FROM "pile" WITH KEY = "port"')).toEqual([
      'tag port not in pile',
    ])
    // subqueries: their names are read too, and the outer query may name only what they hold
    const sub = `SELECT "online" FROM (SELECT last("online") AS "online" FROM "device_status" WHERE time < \${__from}ms GROUP BY "site"), (SELECT "online" FROM "device_status" WHERE $timeFilter GROUP BY "site") GROUP BY "site"`
    expect(schemaViolations(sub)).toEqual([])
    expect(schemaViolations(sub.replace('last("online")', 'last("onlin")'))).toContain(
      'field onlin not in device_status, device_status',
    )
    expect(schemaViolations(sub.replace(/GROUP BY "site"$/, 'GROUP BY "port"'))).toContain(
      'tag port not in device_status, device_status',
    )
    // a subquery's AS names a column the outer query reads; a misspelled one is still caught
    const rise =
      'SELECT sum("rise") FROM (SELECT non_negative_difference("energyKWh") AS "rise" FROM "circuit" WHERE $timeFilter GROUP BY "site", "device") WHERE $timeFilter GROUP BY time(1d, 960m), "site", "device" fill(none)'
    expect(schemaViolations(rise)).toEqual([])
    expect(schemaViolations(rise.replace('sum("rise")', 'sum("rises")'))).toEqual([
      'field rises not in circuit',
    ])
    // room is a string field of daycare: no measurement has it as a tag
    expect(schemaViolations('SHOW TAG VALUES WITH KEY = "room"')).toEqual([
      expect.stringMatching(/^tag room not in /),
    ])
  })
})
