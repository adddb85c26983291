// The command audit's table in a real alerts.db: ids per tenant, and a database of the first schema
// brought forward with its rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AlertsDb, openAlertsDb } from '../../alerts/db.ts'
import { createCommandAudit } from '../../commands/command-audit.ts'

let dir: string
let db: AlertsDb
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'courtyard-command-audit-'))
  db = openAlertsDb(join(dir, 'alerts.db'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const row = (tenantId: string, deviceId: string, id: string) => ({
  id,
  deviceId,
  tenantId,
  name: 'ping',
  args: {},
  by: `token:${tenantId} ops`,
  requestedAt: 1_763_712_000_000,
})

describe('the command audit', () => {
  it('keeps one tenant’s command id apart from the same id of another tenant', () => {
    const audit = createCommandAudit(db)
    audit.insert(row('acme', 'pile-1', 'op-1'))
    audit.insert(row('bravo', 'pile-b', 'op-1'))
    expect(() => audit.insert(row('acme', 'pile-2', 'op-1'))).toThrow(/UNIQUE/)

    expect(audit.settle('bravo', 'op-1', { result: 'timeout', error: 'timeout' })).toBe(true)
    expect(audit.get('acme', 'op-1')).toMatchObject({ deviceId: 'pile-1', result: 'pending' })
    expect(audit.get('bravo', 'op-1')).toMatchObject({ deviceId: 'pile-b', result: 'timeout' })
    // a late ack is its device's: acme's device cannot settle bravo's timed-out command
    expect(audit.recordLateAck('op-1', 'pile-1', { ok: true, at: 1 })).toBe(false)
    expect(audit.recordLateAck('op-1', 'pile-b', { ok: true, at: 1 })).toBe(true)
    expect(audit.get('bravo', 'op-1')).toMatchObject({ result: 'ok', lateAck: true })
  })

  it('brings an audit of the first schema (ids unique across tenants) forward with every row', () => {
    // the table as schema version 1 made it
    db.exec(`
      CREATE TABLE device_commands (
        id TEXT PRIMARY KEY, device_id TEXT NOT NULL, tenant_id TEXT NOT NULL, name TEXT NOT NULL,
        args TEXT NOT NULL, requested_by TEXT NOT NULL, alert_id TEXT, requested_at INTEGER NOT NULL,
        result TEXT NOT NULL DEFAULT 'pending', error TEXT, ack_at INTEGER, late_ack INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO part_migrations (part, version, updated_at) VALUES ('commands', 1, 0);
      INSERT INTO device_commands VALUES
        ('op-1', 'pile-1', 'acme', 'stop_port', '{"port":3}', 'auto', 'al-1', 5, 'ok', NULL, 6, 1),
        ('op-2', 'pile-b', 'bravo', 'ping', '{}', 'user:bo', NULL, 7, 'timeout', 'timeout', NULL, 0);
    `)
    const audit = createCommandAudit(db)
    expect(audit.get('acme', 'op-1')).toEqual({
      id: 'op-1',
      deviceId: 'pile-1',
      tenantId: 'acme',
      name: 'stop_port',
      args: { port: 3 },
      by: 'auto',
      alertId: 'al-1',
      requestedAt: 5,
      result: 'ok',
      ackAt: 6,
      lateAck: true,
    })
    expect(audit.listForDevice('pile-b', { limit: 10 })).toMatchObject([{ id: 'op-2', result: 'timeout' }])
    expect(audit.listForAlert('al-1').map((r) => r.id)).toEqual(['op-1'])
    audit.insert(row('bravo', 'pile-b', 'op-1'))
    expect(audit.get('bravo', 'op-1')).toMatchObject({ deviceId: 'pile-b', result: 'pending' })
  })
})
