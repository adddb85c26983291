// A certificate for tests of TLS listeners, made by openssl: self-signed (so it is its own private CA, the
// one a client must be given), EC P-256, valid for a day, for localhost and 127.0.0.1.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface TestCertificate {
  certPath: string
  keyPath: string
  cert: Buffer
  key: Buffer
}

/** Writes `cert.pem` and `key.pem` into `dir`. */
export function makeTestCertificate(dir: string): TestCertificate {
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) }
}
