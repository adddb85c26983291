// The console and the people behind it (docs/api.md v1.1), in Debian's Chromium against the real service
// (child process, real InfluxDB) with a charging pile over real MQTT: a session that ends mid-use (here:
// an admin sets the crew member's password) pauses the page under the sign-in form and signing back in
// resumes it with what was typed, ringing what was raised meanwhile, and a 401 that answers a request
// sent before signing back in does not pause it again; a person changes their own password from their
// name at the top of the page (other sign-ins end, this one goes on); a kiosk whose API token is revoked
// lets a person sign in; a viewer is not offered what it may not do; refusals are in the page's language;
// a wall screen's sign-in form fits its card.
import type { MqttClient } from 'mqtt'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureConsoleBuilt } from '../../console/index.ts'
import { en } from '../../console/src/i18n/en.ts'
import { zhCN } from '../../console/src/i18n/zh-CN.ts'
import type { Alert } from '../../domain/alerts.ts'
import { horizontalOverflow, launchChromium, screenshot } from '../support/browser.ts'
import { connectDevice } from '../support/device-publisher.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const PHONE = { width: 390, height: 844 }
const WALL = { width: 1920, height: 1080 }
const PASSWORD = 'correct horse battery 5'
const NEW_PASSWORD = 'a whole new passphrase 5'

describe('web console: people, sessions and tokens', () => {
  let svc: ServiceProcess
  let browser: Browser
  let pile: { id: string; secret: string }
  let device: MqttClient
  let crewId: string
  let liId: string
  let seq = 0
  const contexts: BrowserContext[] = []

  const newPage = async (viewport: { width: number; height: number }) => {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN' })
    contexts.push(ctx)
    return ctx.newPage()
  }
  const signIn = async (page: Page, username: string, password = PASSWORD) => {
    await page.fill('input[name=username]', username)
    await page.fill('input[name=password]', password)
    await page.click('button[type=submit]')
  }
  /** a port fault on the pile, and the alert it raised */
  const portFault = async (port: number): Promise<Alert> => {
    await device.publishAsync(
      `devices/${pile.id}/events`,
      JSON.stringify({
        ts: Date.now(),
        seq: seq++,
        kind: 'charging-pile',
        event: 'port_fault',
        port,
        code: 'short_circuit',
      }),
      { qos: 1 },
    )
    return pollUntil(
      async () =>
        (
          await api<{ items: Alert[] }>(svc, 'GET', `/api/v1/alerts?deviceId=${pile.id}&type=port_fault`)
        ).items.find((a) => a.port === port),
      { what: `the port ${port} fault alert` },
    )
  }

  beforeAll(async () => {
    ensureConsoleBuilt()
    svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    await svc.start()
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: '5号楼充电棚',
      community: '河畔花园',
      kind: 'charging-shed',
    })
    pile = await api(svc, 'POST', '/api/v1/devices', {
      id: 'pile-people-1',
      kind: 'charging-pile',
      siteId: site.id,
    })
    device = await connectDevice(svc.mqttUrl, pile)
    await device.publishAsync(
      `devices/${pile.id}/telemetry`,
      JSON.stringify({
        ts: Date.now(),
        seq: seq++,
        kind: 'charging-pile',
        feeder: { voltageV: 230, currentA: 0.5, powerW: 120, leakageMA: 2 },
        ports: [1, 2, 3].map((port) => ({ port, state: 'idle', powerW: 0, tempC: 25 })),
      }),
      { qos: 1 },
    )
    crewId = (
      await api<{ id: string }>(svc, 'POST', '/api/v1/users', {
        username: 'sun.crew',
        password: PASSWORD,
        role: 'crew',
        tenantId: 'default',
      })
    ).id
    await api(svc, 'POST', '/api/v1/users', {
      username: 'wu.crew',
      password: PASSWORD,
      role: 'crew',
      tenantId: 'default',
    })
    await api(svc, 'POST', '/api/v1/users', {
      username: 'zhou.crew',
      password: PASSWORD,
      role: 'crew',
      tenantId: 'default',
      displayName: '周师傅',
    })
    liId = (
      await api<{ id: string }>(svc, 'POST', '/api/v1/users', {
        username: 'li.crew',
        password: PASSWORD,
        role: 'crew',
        tenantId: 'default',
      })
    ).id
    await api(svc, 'POST', '/api/v1/users', {
      username: 'qian.viewer',
      password: PASSWORD,
      role: 'viewer',
      tenantId: 'default',
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await device?.endAsync(true)
    await svc?.kill('SIGTERM')
  })

  it('keeps the page and the note being typed when the session ends, and resumes it on signing back in, ringing what was raised meanwhile', async () => {
    const first = await portFault(3)
    const page = await newPage(PHONE)
    await page.goto(`${svc.httpUrl}/alerts`)
    await signIn(page, 'sun.crew')
    const row = page.locator(`.alert-row[data-alert-id="${first.id}"]`)
    await row.locator('[data-label="addNote"]').click()
    await row.locator('input.note').fill('我在路上')

    // the session ends: an admin sets the password (its sessions end, its live socket is dropped)
    await api(svc, 'POST', `/api/v1/users/${crewId}/password`, { password: NEW_PASSWORD })
    const notice = await page.waitForSelector('.session-ended [data-notice="ended"]', { timeout: 15_000 })
    expect(await notice.textContent()).toBe(zhCN['signIn.ended'])
    expect(await page.inputValue('.session-ended input[name=username]')).toBe('sun.crew')
    // the page behind is the same one, with the note as typed, and takes no taps
    expect(await row.locator('input.note').inputValue()).toBe('我在路上')
    expect(await page.evaluate('document.querySelector(".shell").inert')).toBe(true)
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'session-ended-phone')

    // meanwhile a critical fault: nobody was signed in here to hear it
    const meanwhile = await portFault(1)
    await page.fill('.session-ended input[name=password]', NEW_PASSWORD)
    await page.click('.session-ended button[type=submit]')
    await page.waitForSelector('.session-ended', { state: 'detached' })
    await page.waitForSelector('header.top [data-live="live"]')
    expect(page.url()).toBe(`${svc.httpUrl}/alerts`)
    await page.waitForSelector(`.alarm-banner .alarm-item[data-alert-id="${meanwhile.id}"]`, {
      timeout: 10_000,
    })
    expect(await row.locator('input.note').inputValue()).toBe('我在路上')
    await screenshot(page, 'session-resumed-phone')

    await row.locator('[data-action="ack"]').click()
    await page.waitForSelector(`.alert-row[data-alert-id="${first.id}"][data-state="acknowledged"]`)
    const detail = await api<{ history: { kind: string; by: string; note?: string }[] }>(
      svc,
      'GET',
      `/api/v1/alerts/${first.id}`,
    )
    expect(detail.history).toContainEqual(
      expect.objectContaining({ kind: 'acknowledged', by: 'user:sun.crew', note: '我在路上' }),
    )
  })

  it('lets a person sign in on a kiosk whose API token was revoked, saying why it asks', async () => {
    const made = await api<{ id: string; token: string }>(svc, 'POST', '/api/v1/tokens', {
      tenantId: 'default',
      role: 'viewer',
      name: 'lobby wall',
    })
    const page = await newPage(WALL)
    await page.addInitScript({
      content: `sessionStorage.setItem('courtyard.token', ${JSON.stringify(made.token)})`,
    })
    await page.goto(`${svc.httpUrl}/?kiosk=1`)
    await page.waitForSelector('header.top [data-live="live"]')
    await api(svc, 'DELETE', `/api/v1/tokens/${made.id}`)
    await page.waitForSelector('.sign-in', { timeout: 15_000 })
    await screenshot(page, 'kiosk-token-revoked-wall')
    const notice = await page.$eval('.sign-in', (e) => e.querySelector('[data-notice]')?.textContent ?? null)
    // a wall screen's larger type: the form still fits its card
    const sticksOut = (await page.evaluate(`(() => {
      const card = document.querySelector('.sign-in .card').getBoundingClientRect()
      return [...document.querySelectorAll('.sign-in .card input, .sign-in .card button')]
        .map((e) => e.getBoundingClientRect().right - card.right)
        .filter((px) => px > 0)
    })()`)) as number[]
    await signIn(page, 'wu.crew')
    // the revoked token is not sent with the person's requests any more
    await page.waitForSelector('header.top [data-live="live"]', { timeout: 10_000 })
    expect(await page.evaluate(`sessionStorage.getItem('courtyard.token')`)).toBeNull()
    await page.waitForSelector('.site-card')
    await screenshot(page, 'kiosk-signed-in-after-token-wall')
    expect(notice).toBe(zhCN['signIn.tokenEnded'])
    expect(sticksOut).toEqual([])
  })

  it('does not offer a viewer acknowledging, clearing or commands; its alarm banner mutes the screen instead', async () => {
    const active = await portFault(4)
    const page = await newPage(PHONE)
    await page.goto(`${svc.httpUrl}/alerts`)
    await signIn(page, 'qian.viewer')
    await page.waitForSelector(`.alert-row[data-alert-id="${active.id}"]`)
    expect(await page.$$('.alert-row [data-action="ack"], .alert-row [data-action="clear"]')).toEqual([])
    expect(await page.$('.alert-row [data-label="addNote"]')).toBeNull()
    await screenshot(page, 'viewer-alerts-phone')

    await page.click(`.alert-row[data-alert-id="${active.id}"] .alert-type`)
    await page.waitForSelector('.alert-detail .history li')
    expect(await page.$('.alert-detail .alert-actions')).toBeNull()

    // a critical alert raised while it watches: the banner rings, and mutes this screen only
    const raised = await portFault(2)
    const item = await page.waitForSelector(`.alarm-item[data-alert-id="${raised.id}"]`, { timeout: 10_000 })
    expect(await item.$('[data-action="alarm-ack"]')).toBeNull()
    expect((await item.$eval('[data-action="alarm-mute"]', (b) => b.textContent)) ?? '').toBe(
      zhCN['alarm.mute'],
    )
    await screenshot(page, 'viewer-alarm-phone')
    await page.click(`.alarm-item[data-alert-id="${raised.id}"] [data-action="alarm-mute"]`)
    await page.waitForSelector(`.alarm-item[data-alert-id="${raised.id}"]`, { state: 'detached' })
    expect((await api<Alert>(svc, 'GET', `/api/v1/alerts/${raised.id}`)).state).toBe('active')

    // the device page: what was sent shows, the form to send is not offered; its fields are named in words
    await page.goto(`${svc.httpUrl}/devices/${pile.id}`)
    await page.waitForSelector('select[name=field]')
    expect(await page.$('[data-action="send-command"]')).toBeNull()
    const fields = (await page.$$eval('select[name=field] option', (os) =>
      os.map((o) => o.textContent),
    )) as string[]
    expect(fields).toEqual([
      zhCN['field.feeder.powerW'],
      zhCN['field.feeder.leakageMA'],
      zhCN['field.port:powerW'],
      zhCN['field.port:tempC'],
      zhCN['field.ambientC'],
    ])
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'viewer-device-phone')
    await page.click('[data-action="lang"]')
    await pollUntil(
      async () => (await page.textContent('select[name=field] option')) === en['field.feeder.powerW'],
    )
  })

  it('keeps the note typed on an alert’s page when its acknowledgement does not get through, and says why in the page language', async () => {
    const active = await portFault(5)
    const page = await newPage(PHONE)
    await page.goto(`${svc.httpUrl}/alerts/${active.id}`)
    await signIn(page, 'wu.crew')
    await page.fill('.alert-detail input.note', '梯子到了就处理')
    // outdoors the network drops just as the crew member taps
    await page.route('**/api/v1/alerts/*/ack', (route) => route.abort('internetdisconnected'))
    await page.click('.alert-detail [data-action="ack"]')
    const said = await page.waitForSelector('.alert-detail p.error')
    expect(await page.inputValue('.alert-detail input.note')).toBe('梯子到了就处理')
    expect(await said.textContent()).toBe(zhCN['load.unreachable'])
    await screenshot(page, 'alert-detail-ack-failed-phone')
    await page.unroute('**/api/v1/alerts/*/ack')
    await page.click('.alert-detail [data-action="ack"]')
    await page.waitForSelector('.alert-detail[data-state="acknowledged"]')
    // emptied once the acknowledgement is done (the live event may show the new state a moment before)
    await pollUntil(async () => (await page.inputValue('.alert-detail input.note')) === '', {
      what: 'the note emptied after the acknowledgement',
    })
    const detail = await api<{ history: { kind: string; note?: string }[] }>(
      svc,
      'GET',
      `/api/v1/alerts/${active.id}`,
    )
    expect(detail.history).toContainEqual(
      expect.objectContaining({ kind: 'acknowledged', note: '梯子到了就处理' }),
    )
  })

  it('switches the sign-in page to English with one click, before anyone has signed in', async () => {
    const page = await newPage(PHONE)
    await page.goto(`${svc.httpUrl}/alerts`)
    const title = await page.waitForSelector('[data-label="signIn.title"]')
    expect(await title.textContent()).toBe(zhCN['signIn.title'])
    await page.click('.sign-in [data-action="lang"]')
    await pollUntil(async () => (await title.textContent()) === en['signIn.title'])
    expect(await page.textContent('[data-label="signIn.username"]')).toBe(en['signIn.username'])
    expect(await page.evaluate('document.documentElement.lang')).toBe('en')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'sign-in-english-phone')
    // and it stays English once signed in
    await signIn(page, 'wu.crew')
    await page.waitForSelector('header.top [data-live="live"]')
    expect(await page.textContent('[data-label="nav.alerts"]')).toBe(en['nav.alerts'])
  })

  it('says why a sign-in is refused after too many failures in the page language, not the API’s English', async () => {
    const page = await newPage(PHONE)
    await page.goto(`${svc.httpUrl}/`)
    const attempt = async (password: string) => {
      const answer = page.waitForResponse(
        (r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST',
      )
      await signIn(page, 'zheng.nobody', password)
      return (await answer).status()
    }
    // SIGNIN_MAX_FAILURES_PER_USER is 5 by default
    for (let i = 0; i < 5; i++) expect(await attempt(`wrong guess ${i}`)).toBe(401)
    expect(await attempt('one more guess')).toBe(429)
    // the fifth failure's words are replaced by the refusal's
    const said = await pollUntil(async () => {
      const text = await page.textContent('.sign-in .error')
      return text !== zhCN['signIn.wrong'] && text
    })
    expect(said).not.toMatch(/[A-Za-z]/)
    expect(said).toBe(zhCN['signIn.failed'].replace('{why}', zhCN['error.tooManyMin'].replace('{min}', '15')))
    await screenshot(page, 'sign-in-too-many-phone')
  })

  it('lets a crew member change their own password from their name at the top: wrong words are said in the page language, the other sign-ins end, this one goes on', async () => {
    const page = await newPage(PHONE)
    await page.goto(`${svc.httpUrl}/alerts`)
    await signIn(page, 'zhou.crew')
    const elsewhere = await newPage(PHONE)
    await elsewhere.goto(`${svc.httpUrl}/alerts`)
    await signIn(elsewhere, 'zhou.crew')
    await elsewhere.waitForSelector('header.top [data-live="live"]')
    // the display name, not the username
    const name = await page.waitForSelector('header.top [data-action="account"]')
    expect(await name.textContent()).toBe('周师傅')
    await name.click()
    const form = page.locator('.account form')
    expect(await form.locator('[data-label="account.signedInAs"]').textContent()).toBe(
      zhCN['account.signedInAs'].replace('{name}', '周师傅 (zhou.crew)'),
    )
    const fill = async (current: string, next: string, repeat = next) => {
      await form.locator('input[name=current-password]').fill(current)
      await form.locator('input[name=new-password]').fill(next)
      await form.locator('input[name=repeat-password]').fill(repeat)
      await form.locator('button[type=submit]').click()
    }
    const said = () => form.locator('[data-said]').textContent()

    await fill(PASSWORD, 'too short')
    expect(await said()).toBe(zhCN['account.tooShort'])
    await fill(PASSWORD, NEW_PASSWORD, 'not what was typed first')
    expect(await said()).toBe(zhCN['account.mismatch'])
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/session/password'))
    await fill('not my password at all', NEW_PASSWORD)
    expect((await answered).status()).toBe(403)
    await pollUntil(async () => (await said()) === zhCN['account.wrongCurrent'], {
      what: 'the wrong current password said',
    })
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'account-wrong-current-phone')

    await fill(PASSWORD, NEW_PASSWORD)
    await form.locator('[data-said="done"]').waitFor()
    expect(await said()).toBe(zhCN['account.done'])
    expect(await form.locator('input[name=current-password]').inputValue()).toBe('')
    await screenshot(page, 'account-password-changed-phone')
    // the other sign-in ends (its page pauses under the sign-in form); this one goes on
    await elsewhere.waitForSelector('.session-ended [data-notice="ended"]', { timeout: 15_000 })
    await page.click('[data-label="nav.estate"]')
    await page.waitForSelector('.site-card')
    expect(await page.$('.session-ended')).toBeNull()
    expect(await page.getAttribute('header.top .live-dot', 'data-live')).toBe('live')
    // the same form in English, what it said included
    await page.click('header.top [data-action="lang"]')
    await pollUntil(async () => (await said()) === en['account.done'], { what: 'the English words' })
    expect(await form.locator('[data-label="account.title"]').textContent()).toBe(en['account.title'])
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'account-password-changed-phone-en')
    await form.locator('[data-action="account-close"]').click()
    await page.waitForSelector('.account', { state: 'detached' })
    // the new password is the one that signs in
    await elsewhere.fill('.session-ended input[name=password]', NEW_PASSWORD)
    await elsewhere.click('.session-ended button[type=submit]')
    await elsewhere.waitForSelector('.session-ended', { state: 'detached' })
    // on a phone the name and the brand share the header's first line: signing out is in the name's card
    expect(await elsewhere.isVisible('header.top [data-label="nav.signOut"]')).toBe(false)
    const top = (sel: string) => elsewhere.$eval(sel, (e) => Math.round(e.getBoundingClientRect().top))
    expect(await top('header.top [data-action="account"]')).toBe(await top('header.top [data-action="lang"]'))
    const brand = await elsewhere.$eval('header.top .brand', (e) => e.getBoundingClientRect())
    const nameBox = await elsewhere.$eval('header.top [data-action="account"]', (e) =>
      e.getBoundingClientRect(),
    )
    expect(nameBox.top).toBeLessThan(brand.bottom)
    await elsewhere.click('header.top [data-action="account"]')
    await screenshot(elsewhere, 'account-card-phone')
    await elsewhere.click('.account [data-action="account-sign-out"]')
    await elsewhere.waitForSelector('.sign-in input[name=password]')
  })

  it('does not pause the page again for a 401 to a request sent before the person signed back in: it asks again with the new session', async () => {
    const fault = await portFault(6)
    const page = await newPage(PHONE)
    await page.goto(`${svc.httpUrl}/alerts`)
    await signIn(page, 'li.crew')
    await page.waitForSelector(`.alert-row[data-alert-id="${fault.id}"]`)

    // the alert's page asks for it (and its notifications) once the session has ended, so the service
    // answers 401, and before the person signs back in; those 401s reach the page only after the sign-in.
    // Only the answers are held, so no request outlives the page's own limit (API_TIMEOUT_MS), however
    // slow the machine.
    let mayAnswer!: () => void
    const answer = new Promise<void>((r) => {
      mayAnswer = r
    })
    const held = new Map<string, Promise<number>>()
    const reached = new Map<string, (status: number) => void>()
    for (const path of [`/api/v1/alerts/${fault.id}`, `/api/v1/alerts/${fault.id}/notifications`])
      held.set(path, new Promise<number>((r) => reached.set(path, r)))
    await page.route(
      (url) => held.has(url.pathname),
      async (route) => {
        const path = new URL(route.request().url()).pathname
        const first = reached.get(path)
        if (!first) return route.continue()
        reached.delete(path)
        const res = await route.fetch()
        first(res.status())
        await answer
        await route.fulfill({ response: res })
      },
    )
    await api(svc, 'POST', `/api/v1/users/${liId}/password`, { password: NEW_PASSWORD })
    await page.waitForSelector('.session-ended [data-notice="ended"]', { timeout: 15_000 })
    // the page is paused behind the sign-in (inert): the back button still moves it to the alert's page
    await page.evaluate((id) => {
      history.pushState(null, '', `/alerts/${id}`)
      dispatchEvent(new PopStateEvent('popstate'))
    }, fault.id)
    expect(await Promise.all(held.values())).toEqual([401, 401])
    await page.fill('.session-ended input[name=password]', NEW_PASSWORD)
    await page.click('.session-ended button[type=submit]')
    await page.waitForSelector('.session-ended', { state: 'detached' })
    await page.waitForSelector('header.top [data-live="live"]')

    mayAnswer()
    // either the page pauses again (the old 401 taken for the new session's end) or the alert shows
    const shown = await page.waitForSelector(`.session-ended, .alert-detail[data-alert-id="${fault.id}"]`, {
      timeout: 15_000,
    })
    await screenshot(page, 'late-401-after-sign-in-phone')
    expect(await shown.getAttribute('class')).toBe('alert-detail')
    expect(await page.$('.session-ended')).toBeNull()
    expect(await page.evaluate('document.querySelector(".shell").inert')).toBe(false)
  })
})
