// `supply-chain-gate inspect` on the real registry: a cosign v3 signature beside an ORAS-style
// unsigned referrer (the Aleph Alpha legacy flow), both in the `sha256-<hex>` fallback index.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { main } from '../src/cli.js'
import { TrustError } from '../src/errors.js'
import { inspect } from '../src/commands/inspect.js'
import { gateFixture, testDeps } from './helpers/gate.js'
import { COSIGN_SIGN_PREDICATE, githubIdentity } from './helpers/mini-sigstore.js'
import { cosignSign, orasAttach } from './helpers/publish.js'
import { digestTag, pushImage, uniqueRepo } from './helpers/registry.js'

const TRIVY_SBOM = 'application/aa.trivy.sbom'
const APP_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const identity = githubIdentity({
  repo: 'acme/app',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.0.0',
})

const { host, ss, root } = await gateFixture()

/** An image signed with cosign v3 (bundle referrer) that also carries an unsigned ORAS SBOM. */
async function signedWithOras() {
  const repo = uniqueRepo('inspect')
  const image = await pushImage(host, repo, 'v1')
  await cosignSign(ss, host, repo, image.digest, identity)
  const oras = await orasAttach(host, repo, image, TRIVY_SBOM)
  return { repo, image, oras, ref: `${host}/${repo}:v1` }
}

let out: string
let err: string
const sink = (append: (s: string) => void) =>
  new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) })
const cli = (args: string[]) => {
  out = ''
  err = ''
  return main(args, { env: {}, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) })
}

describe('inspect', () => {
  test('lists the signature and the unsigned ORAS referrer, each with where it was found', async () => {
    const { image, oras, ref } = await signedWithOras()
    const code = await cli(['inspect', ref, '--trusted-root', root, '--insecure-registries', host])
    expect(code).toBe(0)
    expect(err).toBe('')
    const where = `(fallback tag ${digestTag(image.digest)})`
    const rows = out.split('\n')
    const signature = rows.find((line) => line.includes(COSIGN_SIGN_PREDICATE))!
    expect(signature).toMatch(/^\s+referrers\s+signature\s+\S+\s+yes\s+yes\s+referrer sha256:/)
    expect(signature).toContain(where)
    expect(signature).toContain(`signed by ${APP_SAN}`)
    const unsigned = rows.find((line) => line.includes(TRIVY_SBOM))!
    expect(unsigned).toMatch(/^\s+referrers\s+unsigned\s+\S+\s+no\s+no\s+/)
    expect(unsigned).toContain(`referrer ${oras.digest} ${where}`)
    expect(unsigned).toContain('not signed')
    expect(out).toContain(`${ref} (${image.digest})`)
    expect(out).toContain('evidence class signed')
    expect(out).toContain(`trust: ${root}`)
  })

  test('--json gives the inventory; an identity given is compared with each verified signer', async () => {
    const { image, oras, ref } = await signedWithOras()
    const args = ['inspect', ref, '--trusted-root', root, '--insecure-registries', host, '--json']
    expect(await cli([...args, '--certificate-identity', APP_SAN])).toBe(0)
    const inventory = JSON.parse(out)
    expect(inventory.mediaType).toBe('application/vnd.supply-chain-gate.inventory.v1+json')
    expect(inventory.identity).toContain(APP_SAN)
    const [found] = inventory.images
    expect(found).toMatchObject({ digest: image.digest, class: 'signed' })
    expect(found.evidence).toHaveLength(2)
    const signature = found.evidence.find((e: { kind: string }) => e.kind === 'signature')
    expect(signature).toMatchObject({
      source: 'referrers',
      predicateType: COSIGN_SIGN_PREDICATE,
      signed: true,
      verified: true,
      identity: { matches: true },
      signer: { subjectAlternativeName: APP_SAN },
    })
    expect(signature.bundle).toBeUndefined()
    expect(found.evidence.find((e: { kind: string }) => e.kind === 'unsigned')).toMatchObject({
      location: expect.stringContaining(oras.digest),
      mediaType: TRIVY_SBOM,
      signed: false,
      verified: false,
    })

    const other = 'https://github.com/acme/other/.github/workflows/release.yml@refs/tags/v1.0.0'
    expect(await cli([...args, '--certificate-identity', other])).toBe(0)
    const mismatch = JSON.parse(out).images[0].evidence.find(
      (e: { kind: string }) => e.kind === 'signature',
    )
    expect(mismatch.identity).toEqual({
      matches: false,
      reason: expect.stringContaining(`identity "${APP_SAN}" is not "${other}"`),
    })
  })

  test('an image with only ORAS attachments is classed as such, pointing to the cosign flow', async () => {
    const repo = uniqueRepo('inspect-oras')
    const image = await pushImage(host, repo, 'v1')
    await orasAttach(host, repo, image, TRIVY_SBOM)
    await orasAttach(host, repo, image, 'application/aa.trivy.report')
    const code = await cli([
      'inspect',
      `${host}/${repo}:v1`,
      '--trusted-root',
      root,
      '--insecure-registries',
      host,
    ])
    expect(code).toBe(0)
    expect(out).toContain('evidence class unsigned-attachments')
    expect(out).toMatch(/cosign sign.*actions\/attest/)
    expect(out).toContain('application/aa.trivy.report')
  })

  test('without trust material every piece is still listed, and none is verified', async () => {
    const { ref } = await signedWithOras()
    const get = (name: string) =>
      ({ image: ref, 'insecure-registries': host })[name as 'image'] ?? ''
    const inventory = await inspect(get, testDeps())
    expect(inventory.trust).toMatch(/^nothing verified \(no trust material: /)
    const [found] = inventory.images
    expect(found!.class).toBe('unverified')
    expect(found!.evidence.map((e) => [e.kind, e.signed, e.verified])).toEqual([
      ['unknown', true, false],
      ['unsigned', false, false],
    ])
    expect(found!.evidence[0]!.error).toMatch(/^no trust material: /)
  })

  test('a key given without a root that loads is exit 2: its bundles cannot be checked', async () => {
    const { ref } = await signedWithOras()
    const key = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scg-key-')), 'cosign.pub')
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    fs.writeFileSync(key, publicKey.export({ type: 'spki', format: 'pem' }))
    const get = (name: string) =>
      ({ image: ref, 'insecure-registries': host, 'public-key': key })[name as 'image'] ?? ''
    await expect(inspect(get, testDeps())).rejects.toBeInstanceOf(TrustError)
  })

  test.each([
    [
      ['--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com'],
      /give certificate-identity/,
    ],
    [['--platforms', 'all'], /platforms is not read/],
  ])('inputs inspect would take and not use are refused: %j', async (flags, why) => {
    expect(await cli(['inspect', `${host}/x/y:v1`, '--trusted-root', root, ...flags])).toBe(2)
    expect(err).toMatch(why)
  })

  test('a registry that cannot be read is exit 2', async () => {
    const code = await cli([
      'inspect',
      '127.0.0.1:9/acme/app:v1',
      '--trusted-root',
      root,
      '--insecure-registries',
      '127.0.0.1:9',
    ])
    expect(code).toBe(2)
    expect(out).toContain('could not read: Failed to check 127.0.0.1:9/acme/app:v1')
  })

  test('a trusted root that cannot be read is exit 2; no image is exit 2 with usage-like help', async () => {
    expect(
      await cli(['inspect', `${host}/x/y:v1`, '--trusted-root', '/nonexistent/root.json']),
    ).toBe(2)
    expect(err).toMatch(/`trusted-root` input names a file that cannot be read/)
    expect(await cli(['inspect'])).toBe(2)
    expect(err).toMatch(/`image` input is required/)
  })

  test('registry-supplied text is escaped in the table', async () => {
    const repo = uniqueRepo('inspect-evil')
    const image = await pushImage(host, repo, 'v1')
    await orasAttach(host, repo, image, 'application/x\u001b[31m\n::error::pwned')
    const code = await cli([
      'inspect',
      `${host}/${repo}:v1`,
      '--trusted-root',
      root,
      '--insecure-registries',
      host,
    ])
    expect(code).toBe(0)
    expect(out).not.toContain('\u001b')
    expect(out).not.toMatch(/^::error::/m)
    expect(out).toContain('application/x\\u001b[31m\\u000a:\u200b:error:\u200b:pwned')
  })
})
