// Measures what one device-secret verification costs for candidate scrypt work factors, serially and
// with the libuv pool busy (a reconnect storm), and what a storm of 10,000 devices would take.
// Run: node --import tsx registry/scrypt-cost.ts
import { DEFAULT_SCRYPT, generateSecret, hashSecret, verifySecret } from './secrets.ts'

const STORM = 10_000
const SAMPLES = 40

async function main(): Promise<void> {
  const secret = generateSecret()
  for (const N of [1024, 2048, 4096, 8192, 16384]) {
    const stored = await hashSecret(secret, { ...DEFAULT_SCRYPT, N })
    let t = performance.now()
    for (let i = 0; i < SAMPLES; i++) await verifySecret(stored, secret)
    const serialMs = (performance.now() - t) / SAMPLES
    t = performance.now()
    await Promise.all(Array.from({ length: SAMPLES }, () => verifySecret(stored, secret)))
    const pooledMs = (performance.now() - t) / SAMPLES
    const mark = N === DEFAULT_SCRYPT.N ? ' (default)' : ''
    console.log(
      `N=${N}${mark}: ${serialMs.toFixed(2)} ms/verify serial, ${pooledMs.toFixed(2)} ms amortised on the pool; ` +
        `${STORM} reconnects ≈ ${((pooledMs * STORM) / 1000).toFixed(0)} s`,
    )
  }
}

await main()
