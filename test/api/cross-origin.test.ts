import { describe, expect, it } from 'vitest'
import { crossOriginRefusal } from '../../api/cross-origin.ts'

const HOST = '127.0.0.1:8080'
describe('cross-origin check of cookie-authenticated changes', () => {
  it.each([
    ['the server’s own page', { origin: 'http://127.0.0.1:8080', host: HOST }, true],
    [
      'its own page, host in capitals',
      { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080'.toUpperCase() },
      true,
    ],
    ['an allowed origin', { origin: 'https://console.example', host: HOST }, true],
    ['no browser headers (curl, a script)', { host: HOST }, true],
    ['a same-origin fetch without Origin', { host: HOST, secFetchSite: 'same-origin' }, true],
    ['a typed address (none)', { host: HOST, secFetchSite: 'none' }, true],
    ['another site', { origin: 'http://evil.example', host: HOST }, false],
    ['a sibling port (same site, other origin)', { origin: 'http://127.0.0.1:9999', host: HOST }, false],
    ['an opaque origin', { origin: 'null', host: HOST }, false],
    ['a malformed origin', { origin: '::::', host: HOST }, false],
    ['cross-site by Sec-Fetch-Site', { host: HOST, secFetchSite: 'cross-site' }, false],
    ['same-site by Sec-Fetch-Site', { host: HOST, secFetchSite: 'same-site' }, false],
  ])('%s → allowed: %s', (_what, req, allowed) => {
    expect(crossOriginRefusal(req, ['https://console.example']) === undefined).toBe(allowed)
  })
})
