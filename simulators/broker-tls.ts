// How the simulated devices check the broker's TLS certificate: against the system's CAs (mqtt.js'
// default), against a private CA read from a PEM file (--ca), or not at all (--insecure, for tests).
import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { IClientOptions } from 'mqtt'
import { CourtyardError } from '../domain/errors.ts'

const PEM_CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/**
 * The certificates of a PEM file (one CA or a bundle), checked now: a file that is not one would only
 * show later as every device failing its handshake.
 */
export function parseCaPem(text: string, file: string): string {
  const certs = text.match(PEM_CERT_RE) ?? []
  if (certs.length === 0)
    throw new CourtyardError(
      'BAD_REQUEST',
      `CA file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    )
  certs.forEach((pem, i) => {
    try {
      new X509Certificate(pem)
    } catch (e) {
      throw new CourtyardError(
        'BAD_REQUEST',
        `CA file ${file}: certificate #${i + 1} does not parse (${(e as Error).message})`,
      )
    }
  })
  return certs.join('\n')
}

/** The mqtt.js options for `--ca` / `--insecure` (none: the system's CAs). */
export async function brokerTlsOptions(o: {
  caFile?: string
  insecure: boolean
}): Promise<Partial<IClientOptions>> {
  if (o.insecure) return { rejectUnauthorized: false }
  if (o.caFile === undefined) return {}
  let text: string
  try {
    text = await readFile(o.caFile, 'utf8')
  } catch (e) {
    throw new CourtyardError('BAD_REQUEST', `cannot read CA file ${o.caFile}: ${(e as Error).message}`)
  }
  return { ca: parseCaPem(text, o.caFile), rejectUnauthorized: true }
}
