// FROM lines as BuildKit reads them, on the quirks real Dockerfiles have: multi-stage builds,
// ARG-built references, --platform, continuations, comments, heredocs, lowercase instructions,
// parser directives (`# escape=`), CRLF and a BOM.
import { expandWord } from '../../src/dockerfile/expand.js'
import { parseDockerfile, type FromLine } from '../../src/dockerfile/parse.js'
import { pinnedLine } from '../../src/dockerfile/subjects.js'

const opts = { buildArgs: new Map<string, string>(), platform: 'linux/amd64' }
const parse = (text: string, buildArgs: Record<string, string> = {}) =>
  parseDockerfile(text, { ...opts, buildArgs: new Map(Object.entries(buildArgs)) })

/** Each FROM as [line, stage, what it names]. */
function summary(froms: FromLine[]): [number, string | undefined, string][] {
  return froms.map((f) => {
    const base = f.base
    const what =
      base.kind === 'image'
        ? `image ${base.text}${base.pinned ? ' (pinned)' : ''}`
        : base.kind === 'stage'
          ? `stage ${base.stage}`
          : base.kind === 'invalid'
            ? `invalid: ${base.problem}`
            : 'scratch'
    return [f.line, f.stage, what]
  })
}

test('a multi-stage Go build (Docker docs cross-compilation pattern)', () => {
  const froms = parse(`# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG ALPINE_VERSION=3.20

FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine\${ALPINE_VERSION} AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build \\
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

FROM build AS test
RUN go test ./...

FROM gcr.io/distroless/static-debian12:nonroot@sha256:${'a'.repeat(64)} AS final
COPY --from=build /out/app /app

FROM scratch AS export
COPY --from=build /out/app /
`)
  expect(summary(froms)).toEqual([
    [5, 'build', 'image golang:1.22-alpine3.20'],
    [11, 'test', 'stage build'],
    [
      14,
      'final',
      'image gcr.io/distroless/static-debian12:nonroot@sha256:' + 'a'.repeat(64) + ' (pinned)',
    ],
    [17, 'export', 'scratch'],
  ])
  // The builder's platform is the runner's: no guess about the build's targets.
  expect(froms[0]!.platform).toEqual({
    written: '$BUILDPLATFORM',
    value: 'linux/amd64',
    guessed: false,
  })
  expect(froms.map((f) => f.index)).toEqual([0, 1, 2, 3])
})

test('FROM ${REG}/img:${TAG}: defaults, build-args overrides, and meta ARGs built from others', () => {
  const text = `ARG REG=ghcr.io
ARG ORG=acme
ARG IMAGE=\${REG}/\${ORG}/base
ARG TAG=1.0
FROM \${IMAGE}:\${TAG}
FROM \${REG}/\${ORG}/tools:\${TOOLS_TAG:-latest}
`
  expect(summary(parse(text))).toEqual([
    [5, undefined, 'image ghcr.io/acme/base:1.0'],
    [6, undefined, 'image ghcr.io/acme/tools:latest'],
  ])
  // A build-arg replaces the default; one for an undeclared ARG is not in scope (as in BuildKit).
  expect(summary(parse(text, { TAG: '2.0', REG: 'cgr.dev', TOOLS_TAG: 'v9' }))).toEqual([
    [5, undefined, 'image cgr.dev/acme/base:2.0'],
    [6, undefined, 'image cgr.dev/acme/tools:latest'],
  ])
})

test('only ARGs before the first FROM are in scope for FROM; ENV and stage ARGs are not', () => {
  const froms = parse(`ARG BASE=alpine:3.19
FROM $BASE AS one
ARG BASE=debian:12
ENV OTHER=busybox
FROM $BASE
FROM \${OTHER:-ubuntu:24.04}
`)
  expect(summary(froms)).toEqual([
    [2, 'one', 'image alpine:3.19'],
    [5, undefined, 'image alpine:3.19'],
    [6, undefined, 'image ubuntu:24.04'],
  ])
})

test('an ARG declared without a value is unset unless build-args gives it', () => {
  const text = 'ARG TAG\nFROM alpine:${TAG:-3.18}\nFROM node:$TAG\n'
  const unset = parse(text)
  expect(summary(unset)[0]).toEqual([2, undefined, 'image alpine:3.18'])
  expect(unset[1]!.base).toMatchObject({ kind: 'invalid', text: 'node:' })
  expect((unset[1]!.base as { problem: string }).problem).toMatch(/TAG is not set/)
  expect(summary(parse(text, { TAG: '22' }))).toEqual([
    [2, undefined, 'image alpine:22'],
    [3, undefined, 'image node:22'],
  ])
})

test('heredocs, continuations and comments never hide or invent a FROM', () => {
  const froms = parse(`FROM alpine:3.20 AS base
RUN <<EOF
docker pull evil.example/not-a-base:1
echo hi
EOF
COPY <<-EOT /etc/motd
	Built FROM also.example/not-a-base:2
	EOT
RUN echo one \\
# FROM commented.example/inside-a-continuation:3
    FROM-is-an-argument-here
FROM \\
  # a comment line inside the instruction
  docker.io/library/busybox:1.36 \\
  AS tools
# FROM commented.example/out:4
`)
  expect(summary(froms)).toEqual([
    [1, 'base', 'image alpine:3.20'],
    [12, 'tools', 'image docker.io/library/busybox:1.36'],
  ])
})

test('${…} beside a here-document, as real Dockerfiles write it, is read', () => {
  const text = [
    'FROM alpine:3.20',
    'RUN cat <<EOF > ${APP_HOME}/config.yaml',
    'key: ${VALUE}',
    'EOF',
    'RUN grep -q foo "${V}" && echo ${NODE:-x} && cat <<-EOT',
    '\tbody',
    '\tEOT',
    'FROM b.example/x:1',
  ].join('\n')
  expect(summary(parse(text)).map(([line, , what]) => [line, what])).toEqual([
    [1, 'image alpine:3.20'],
    [8, 'image b.example/x:1'],
  ])
})

test('${…} in RUN, COPY and ADD lines without here-documents is ordinary text', () => {
  const text =
    'ARG V=1\nFROM alpine:3.20\nCOPY ${SRC:-src} /dst\nADD ${URL} /x\nRUN echo ${V}\nRUN cat <<EOF\nhi $V\nEOF\nONBUILD RUN echo ${V}\n'
  expect(summary(parse(text))).toEqual([[2, undefined, 'image alpine:3.20']])
})

test('lowercase instructions, `as`, stage names in any case, and a stage referenced as base', () => {
  const froms = parse('from node:22 as Builder\nfrom BUILDER\nFrom builder AS again\n')
  expect(summary(froms)).toEqual([
    [1, 'Builder', 'image node:22'],
    [2, undefined, 'stage BUILDER'],
    [3, 'again', 'stage builder'],
  ])
})

test('a name used before its stage is defined is an image, not a stage', () => {
  expect(summary(parse('FROM later\nFROM alpine AS later\n'))[0]).toEqual([
    1,
    undefined,
    'image later',
  ])
})

test('# escape=` (Windows Dockerfiles), CRLF line endings and a byte-order mark', () => {
  const text =
    '\uFEFF# escape=`\r\nARG TAG=ltsc2022\r\nFROM mcr.microsoft.com/windows/servercore:$TAG `\r\n  AS win\r\nRUN dir C:\\\r\nFROM win\r\n'
  expect(summary(parse(text))).toEqual([
    [3, 'win', 'image mcr.microsoft.com/windows/servercore:ltsc2022'],
    [6, undefined, 'stage win'],
  ])
})

test('a directive after the first line is only a comment', () => {
  const froms = parse('FROM alpine:3.20\n# escape=`\nFROM busybox:1 `\n')
  // With `\` still the escape character, the backtick is part of the line: not a reference.
  expect(froms[1]!.base.kind).toBe('invalid')
})

test('--platform is expanded from the automatic platform ARGs and build-args', () => {
  const text =
    'FROM --platform=$TARGETPLATFORM alpine:3.20\nFROM --platform=linux/arm64 ghcr.io/acme/app-${TARGETARCH}:1\n'
  const froms = parseDockerfile(text, { buildArgs: new Map(), platform: 'linux/arm64/v8' })
  // The runner's platform stands in for the build's: the value is a guess.
  expect(froms[0]!.platform).toEqual({
    written: '$TARGETPLATFORM',
    value: 'linux/arm64/v8',
    guessed: true,
  })
  // A base that depends on the platform needs it named: the runner's is only a guess.
  expect(summary(froms)[1]![2]).toMatch(
    /^invalid: it depends on what the build sets \(through TARGETARCH\)/,
  )
  // Each platform ARG it reads, given (TARGETPLATFORM alone does not set TARGETARCH for BuildKit).
  const given = parse(text, { TARGETPLATFORM: 'linux/s390x', TARGETARCH: 's390x' })
  expect(given.map((f) => [f.platform?.value, f.platform?.guessed])).toEqual([
    ['linux/s390x', false],
    ['linux/arm64', false],
  ])
  expect(summary(given)[1]![2]).toBe('image ghcr.io/acme/app-s390x:1')
})

test('a --platform read through a meta ARG is a guess as its source is', () => {
  const text =
    'ARG BP=$BUILDPLATFORM\nARG TP=${TARGETPLATFORM}\nFROM --platform=$BP alpine:3.20 AS a\nFROM --platform=$TP alpine:3.20 AS b\n'
  const froms = parseDockerfile(text, { buildArgs: new Map(), platform: 'linux/amd64' })
  expect(froms.map((f) => [f.platform?.value, f.platform?.guessed])).toEqual([
    ['linux/amd64', false],
    ['linux/amd64', true],
  ])
  // Given in build-args, TP is the build's own word: no guess.
  const given = parse(text, { TP: 'linux/arm64' })
  expect(given.map((f) => f.platform?.guessed)).toEqual([false, false])
})

test('a FROM word is expanded from the text as written: its escapes are read once', () => {
  // `\?` in a `#` pattern is a literal ?, not the wildcard: V stays whole, as BuildKit pulls it.
  const text =
    'ARG V=xgcr.io/distroless/static:nonroot\nFROM ${V#\\?}\nFROM \\alpine:3.20 AS s\\tage\n'
  expect(summary(parse(text))).toEqual([
    [2, undefined, 'image xgcr.io/distroless/static:nonroot'],
    // BuildKit takes the stage name as written: with an escape in it, it is not a valid name.
    [3, 's\\tage', 'invalid: the stage name "s\\tage" is not valid'],
  ])
})

test('special parameters and Unicode names are variables, as BuildKit reads them', () => {
  // Unset, `$@` and `$é…` are empty: V is evil.example/xalpine:3.20 and the pattern is `*`.
  const text =
    'ARG V=evil.example/x$@alpine:3.20\nARG W=evil.example/y$\u00e9a:1\nFROM ${V#*$@}\nFROM ${W#*$\u00e9}\n'
  expect(summary(parse(text)).map(([, , what]) => what)).toEqual([
    'image evil.example/xalpine:3.20',
    'image evil.example/y:1',
  ])
})

test('COPY --from and RUN --mount from= naming an image are pulled like a FROM, and listed', () => {
  const froms = parse(`FROM alpine:3.20 AS a
COPY --from=evil.example/x:1 /bin/sh /sh
RUN --mount=type=bind,from=evil.example/y:1,target=/y true
RUN --mount=type=cache,target=/c --mount="type=bind,FROM=evil.example/z:1" true
COPY --from evil.example/w:1 /a /b
COPY --from=a /x /y
COPY --from=0 /x /y
COPY --from=B /x /y
COPY --from=scratch /x /y
ONBUILD COPY --from=evil.example/later:1 /x /y
FROM a AS b
`)
  // Stages (by name, any case, even a later one; or COPY's index) and scratch pull nothing;
  // `--from value` fails the build. ONBUILD runs in every stage built FROM this one.
  expect(froms.map((f) => [f.line, f.via, f.stage, summary([f])[0]![2]])).toEqual([
    [1, undefined, 'a', 'image alpine:3.20'],
    [11, undefined, 'b', 'stage a'],
    [2, 'COPY --from', 'a', 'image evil.example/x:1'],
    [3, 'RUN --mount from', 'a', 'image evil.example/y:1'],
    [4, 'RUN --mount from', 'a', 'image evil.example/z:1'],
    [10, 'COPY --from', 'a', 'image evil.example/later:1'],
  ])
  // Unpinned, the suggested line is the flag with the digest it resolved to.
  const digest = `sha256:${'b'.repeat(64)}`
  expect(pinnedLine(froms[2]!, digest)).toBe(`--from=evil.example/x:1@${digest}`)
  expect(pinnedLine(froms[3]!, digest)).toBe(`from=evil.example/y:1@${digest}`)
})

// extractBuilderFlags drops quotes and applies `\` inside a flag word; a mount is CSV; a mount's
// `from` is never an index, and COPY's only when Atoi reads it.
test.each([
  ['COPY --fr"o"m=evil.example/x:1 /x /x', 'evil.example/x:1'],
  ['COPY --fro\\m=evil.example/x:1 /x /x', 'evil.example/x:1'],
  ['COPY --from=evil\\.example/x:1 /x /x', 'evil.example/x:1'],
  ['COPY --chown="app user" --from=evil.example/x:1 /x /x', 'evil.example/x:1'],
  ['RUN --mo"un"t=type=bind,from=evil.example/x:1,target=/x true', 'evil.example/x:1'],
  [
    'RUN --mount="type=cache,target=/root/my cache" --mount=type=bind,from=evil.example/x:1 true',
    'evil.example/x:1',
  ],
  [
    'RUN --mount=type=cache,target=/a\\ b --mount=type=bind,from=evil.example/x:1 true',
    'evil.example/x:1',
  ],
  ['RUN --mount=type=bind,"from=evil.example/x:1",target=/x true', 'evil.example/x:1'],
  ['RUN --mount=type=bind,from=0,target=/x true', '0'],
  ['COPY --from=99999999999999999999 /x /x', '99999999999999999999'],
  // Past a 32-bit int: a name for 32-bit builds of the frontend.
  ['COPY --from=2147483648 /x /x', '2147483648'],
])('a flag BuildKit reads as pulling an image is listed: %s', (line, image) => {
  const pulled = parse(`FROM alpine:3.20\n${line}\n`).filter((f) => f.via !== undefined)
  expect(pulled.map((f) => summary([f])[0]![2])).toEqual([`image ${image}`])
})

test.each([
  ['COPY --from=$IMAGE /a /b'],
  ['COPY --from=${IMAGE:-alpine} /a /b'],
  ['RUN --mount=type=bind,from=$IMAGE true'],
  ['COPY --from=evil\\"x /a /b'],
])("a --from the gate cannot read in its stage's scope is refused: %s", (line) => {
  const [from] = parse(`FROM alpine:3.20\n${line}\n`).filter((f) => f.via !== undefined)
  expect(from!.base).toMatchObject({
    kind: 'invalid',
    problem: expect.stringMatching(/holds a variable, a quote or an escape/),
  })
})

// Older frontends (a file can pick one with # syntax=docker/dockerfile:1.x) set meta ARGs
// otherwise: an ARG without a value is "", a default they cannot expand is "", `$12` is `$1`2.
test.each([
  [
    'an ARG redeclared without a value',
    'ARG BASE=alpine:3.20\nARG BASE\nFROM ${BASE:-evil.example/x:1}\n',
  ],
  ['an ARG without a value, read by ${T+…}', 'ARG T\nFROM ${T+evil.example/x:1}${T-alpine:3.20}\n'],
  [
    'a default only newer lexers expand',
    'ARG A=${NOPE-alpine:3.20}\nFROM ${A:-evil.example/x:1}\n',
  ],
  [
    '$12, read as $1 then 2 by early lexers',
    'ARG 12=alpine:3.20\nARG 1=evil.example/x:\nFROM $12\n',
  ],
])('frontend versions that expand a FROM differently make it unusable: %s', (_name, text) => {
  const froms = parse(text)
  expect(froms.at(-1)!.base).toMatchObject({
    kind: 'invalid',
    problem: expect.stringMatching(
      /^Dockerfile frontend versions expand it differently: .+ for current ones, .*evil\.example.* for (older ones|the oldest ones)$/,
    ),
  })
})

// dockerfile-ast reads these ARG lines otherwise; BuildKit's parseWords is what counts.
test.each([
  ['words split at a vertical tab', 'ARG A=alpine:3.20\vA=evil.example/x:1\nFROM ${A%%?A=*}\n'],
  [
    'words split at a no-break space',
    'ARG A=alpine:3.20\u00a0A=evil.example/x:1\nFROM ${A%%?A=*}\n',
  ],
  ['a name in quotes ("A" is not A)', 'ARG "A"=alpine:3.20\nFROM ${A:-evil.example/x:1}\n'],
  [
    'a name with an escape (A\\B is not AB)',
    'ARG A\\B=alpine:3.20\nFROM ${AB:-evil.example/x:1}\n',
  ],
  ['a backslash inside single quotes', "ARG A='x\\' B=evil.example/x:1\nFROM ${B:-alpine:3.20}\n"],
  [
    'an escaped double quote outside quotes',
    'ARG A=a\\"b B=evil.example/x:1\nFROM ${B:-alpine:3.20}\n',
  ],
  [
    'two words, the first without = (two ARGs, no values)',
    'ARG A alpine:3.20\nFROM ${A:-evil.example/x:1}\n',
  ],
  [
    '# inside a continued line that starts with a quote',
    'ARG A=x\\\n"q" #B C=evil.example/x:1\nFROM ${C:-alpine:3.20}\n',
  ],
  [
    'the same with # escape=`',
    "# escape=`\nARG A='x`' B=evil.example/x:1\nFROM ${B:-alpine:3.20}\n",
  ],
])('a meta ARG read as BuildKit reads it: %s', (_name, text) => {
  expect(summary(parse(text)).map(([, , what]) => what)).toEqual(['image evil.example/x:1'])
})

test('a continued ARG keeps the blanks that start its next line, as BuildKit does', () => {
  const text =
    'ARG A="a\\\n b"\nARG T=${A#ab}\nARG U=${T:+evil.example/x:1}\nFROM ${U:-alpine:3.20}\n'
  // A is "a b": current frontends name evil.example/x:1 (the oldest, without #, alpine: refused).
  expect(summary(parse(text)).map(([, , what]) => what)).toEqual([
    'invalid: Dockerfile frontend versions expand it differently: evil.example/x:1 for current ones, alpine:3.20 for the oldest ones',
  ])
  // And a ${…} cut by a continuation cannot be expanded: refused.
  expect(() => parse('ARG A=${A:-alpine:3.2\\\n 0}\nFROM ${A:-evil.example/x:1}\n')).toThrow(
    /ARG A cannot be expanded/,
  )
})

test('quotes and escapes in meta ARG values are read as BuildKit reads them', () => {
  const text = `ARG A="alpine:3.20" B='x y' C=a\\ b\nFROM \${A}\n`
  expect(summary(parse(text))).toEqual([[2, undefined, 'image alpine:3.20']])
})

test.each([
  [
    'TARGETSTAGE, the stage --target builds (newest frontends)',
    'ARG A=${TARGETSTAGE%%*t}\nARG S=${A%%*e}\nFROM ${S:+evil.example/}alpine:3.20 AS final\n',
    /^it depends on what the build sets \(through S\)/,
  ],
  [
    'TARGETOSVERSION, which some builds define',
    'FROM ${TARGETOSVERSION+evil.example/}alpine:3.20\n',
    /^it depends on what the build sets \(through TARGETOSVERSION\)/,
  ],
  [
    'SOURCE_DATE_EPOCH, which the newest frontends write back as a number',
    'ARG SOURCE_DATE_EPOCH=01\nFROM alpine:3.2${SOURCE_DATE_EPOCH%1}\n',
    /alpine:3\.20 for current ones, alpine:3\.2 for the newest ones$/,
  ],
])('a FROM that depends on %s is unusable', (_name, text, problem) => {
  expect(parse(text).at(-1)!.base).toMatchObject({
    kind: 'invalid',
    problem: expect.stringMatching(problem),
  })
})

test('a reading whose image the gate cannot parse still counts (BuildKit may parse it)', () => {
  // Docker 20.10's frontend sets A to "" and pulls the sha512 reference the gate's parser refuses.
  const text = `ARG A=\${NOPE-alpine:3.20}\nFROM \${A:-evil.example/h1@sha512:${'a'.repeat(128)}}\n`
  expect(parse(text)[0]!.base).toMatchObject({
    kind: 'invalid',
    problem: expect.stringMatching(
      /^Dockerfile frontend versions expand it differently: alpine:3\.20 for current ones, evil\.example/,
    ),
  })
})

test("a meta ARG past the gate's own bounds in another reading refuses the file", () => {
  // Older frontends set T to "": A is 4,500 characters and B twice that, past the gate's 8,192.
  const text = `ARG T\nARG A=\${T+${'x'.repeat(4500)}}\nARG B=$A$A\nARG E=\${B:+x}\nFROM \${E:+evil.example/h2:1}\${E:-alpine:3.20}\n`
  expect(() => parse(text)).toThrow(
    /ARG B cannot be expanded: it expands to more than 8192 characters/,
  )
  // The same in the FROM word itself makes the line unusable.
  const from = parse(`ARG T\nARG A=\${T+${'x'.repeat(4500)}}\nFROM $A$A\${A:-alpine:3.20}\n`)[0]!
  expect(from.base).toMatchObject({
    kind: 'invalid',
    problem: expect.stringMatching(
      /cannot be expanded as older ones would: it expands to more than 8192/,
    ),
  })
})

test.each([
  [
    'directly',
    'FROM evil.example/base-${TARGETARCH}:1\n',
    'TARGETARCH',
    { TARGETARCH: 'arm64' },
    'image',
  ],
  [
    'through a meta ARG',
    'ARG P=${TARGETVARIANT:+v}\nARG I=${P:+evil.example/x:1}\nFROM ${I:-alpine:3.20}\n',
    'I',
    // TARGETPLATFORM alone does not set TARGETVARIANT for BuildKit: each ARG read is given.
    { TARGETPLATFORM: 'linux/arm/v7', TARGETVARIANT: 'v7' },
    'image',
  ],
  [
    'through a bare ARG TARGETARCH',
    'ARG TARGETARCH\nARG E=${TARGETARCH:-evil.example/x}\nFROM ${E%amd64}alpine:3.20\n',
    'E',
    { TARGETARCH: 'arm64' },
    'image',
  ],
])(
  'a FROM that depends on the platform %s needs it in build-args',
  (_name, text, through, given, named) => {
    expect(parse(text).at(-1)!.base).toMatchObject({
      kind: 'invalid',
      problem: `it depends on what the build sets (through ${through}): give each platform ARG and TARGETSTAGE it reads in build-args, once for each platform and target the build makes`,
    })
    expect(parse(text, { TARGETPLATFORM: 'linux/arm64' }).at(-1)!.base.kind).toBe('invalid')
    expect(parse(text, given).at(-1)!.base.kind).toBe(named)
  },
)

test('BUILDKIT_DISABLE_FILEOP in build-args is refused (a helper image older frontends pull)', () => {
  expect(() => parse('FROM scratch\nCOPY a /a\n', { BUILDKIT_DISABLE_FILEOP: 'true' })).toThrow(
    /BUILDKIT_DISABLE_FILEOP/,
  )
  expect(() =>
    parse('FROM scratch\nCOPY a /a\n', { BUILDKIT_DISABLE_FILEOP: 'false' }),
  ).not.toThrow()
})

test('an ARG without a value that FROM does not depend on stays usable', () => {
  const text =
    'ARG TARGETPLATFORM\nARG VERSION=3.20\nFROM --platform=$TARGETPLATFORM alpine:${VERSION}\n'
  expect(summary(parse(text))).toEqual([[3, undefined, 'image alpine:3.20']])
})

test('malformed FROM lines are kept as invalid with a reason, and the rest still parse', () => {
  const froms = parse(`FROM
FROM alpine AS
FROM alpine to stage
FROM --pull=always alpine
FROM UPPER/Case:1
FROM alpine AS 1bad
FROM alpine:3 AS a
FROM busybox AS A
FROM quay.io/x/y@sha512:${'0'.repeat(128)}
FROM ok.example/fine:1
`)
  const problems = froms.map((f) => (f.base.kind === 'invalid' ? f.base.problem : f.base.kind))
  expect(problems).toEqual([
    'FROM names no image',
    'FROM takes an image and an optional `AS name`',
    'FROM takes an image and an optional `AS name`',
    'FROM has an unknown flag --pull',
    expect.stringMatching(/not a valid image reference: the repository must be lowercase/),
    'the stage name "1bad" is not valid',
    'image',
    'the stage name "A" is used twice',
    expect.stringMatching(/not a valid image reference: the digest must be sha256/),
    'image',
  ])
})

describe('a file BuildKit could read otherwise than the parser is refused, never read with a FROM hidden', () => {
  // Each file's second FROM is one BuildKit pulls (moby/buildkit frontend/dockerfile/parser);
  // dockerfile-ast, read alone, swallowed it into a continued line or a here-document.
  test.each([
    [
      'an unknown directive ends BuildKit’s directives: escape stays \\',
      '# vim: set ft=dockerfile\n# escape=`\nFROM alpine:3.20\nRUN echo hi `\nFROM evil.example/x:1\n',
      /escape character to "\\\\" for BuildKit and "`"/,
    ],
    [
      'a blank after a directive does not end BuildKit’s directives: escape is `',
      '# syntax=docker/dockerfile:1 \n# escape=`\nFROM alpine:3.20\nRUN echo hi \\\nFROM evil.example/x:1\n',
      /escape character to "`" for BuildKit/,
    ],
    [
      'a here-document name partly quoted (BuildKit unquotes it)',
      'FROM alpine:3.20\nRUN cat <<E"O"F\nhello\nEOF\nFROM evil.example/x:1\n',
      /here-document <<E"O"F does not end/,
    ],
    [
      'an escaped blank before << (BuildKit reads one word, no here-document)',
      'FROM alpine:3.20\nRUN echo a\\ <<EOF\nFROM evil.example/x:1\n',
      /here-document <<EOF does not end/,
    ],
    [
      'an escaped << (BuildKit keeps the backslash in the word: no here-document)',
      'FROM alpine:3.20\nRUN echo \\<<EOF\nFROM evil.example/x:1\nRUN <<EOF\ntrue\nEOF\n',
      /line 2 opens here-documents none for BuildKit and <<EOF for the gate/,
    ],
    [
      'a here-document on file descriptor 3 (its content posed as a stage the last FROM named)',
      'FROM alpine:3.20\nRUN 3<<EOF cat\nFROM scratch AS x\nEOF\nFROM x\n',
      /line 2 opens here-documents <<EOF for BuildKit and none for the gate/,
    ],
    [
      'a form feed after # (Go’s \\s): escape is ` for BuildKit',
      '#\fescape=`\nFROM alpine:3.20\nRUN echo hi \\\nFROM evil.example/x:1\n',
      /escape character to "`" for BuildKit/,
    ],
    [
      'a vertical tab before # (BuildKit trims unicode spaces first): escape is ` for BuildKit',
      '\v# escape=`\nFROM alpine:3.20\nRUN echo hi \\\nFROM evil.example/x:1\n',
      /escape character to "`" for BuildKit/,
    ],
    [
      'a line ending in the escape twice (BuildKit ends the line there)',
      'FROM alpine\nRUN echo \\\\\nFROM evil.example/pwn:latest\n',
      /line 2 ends in the escape character twice/,
    ],
    [
      'ONBUILD RUN on file descriptor 3 (its content posed as the stage the last FROM named)',
      'FROM alpine\nonbuild run 3<<EOF\nFROM alpine AS x\nEOF\nFROM x\n',
      /line 2 opens here-documents <<EOF for BuildKit and none for the gate/,
    ],
    [
      'ONBUILD RUN with an escaped << (no here-document for BuildKit)',
      'FROM alpine\nONBUILD RUN \\<<EOF cat\nFROM evil.example/pwn\n',
      /here-document <<EOF does not end/,
    ],
    [
      'a vertical tab before FROM (BuildKit trims unicode spaces; the parser reads another keyword)',
      'FROM alpine:3.20\n\vFROM evil.example/x:1\n',
      /BuildKit reads FROM at line 2 where the gate's parser reads/,
    ],
    [
      'a comment indented with a vertical tab, ending in the escape',
      'FROM alpine:3.20\n\v# note \\\nFROM evil.example/x:1\n',
      /BuildKit reads FROM at line 3/,
    ],
    [
      'a line of a vertical tab inside a continuation (BuildKit skips it, the stage is the RUN’s text)',
      'FROM alpine:3.20\nRUN echo \\\n\v\nFROM scratch AS x\nFROM x\n',
      /BuildKit reads FROM at line 5 where the gate's parser reads FROM at line 4/,
    ],
    [
      'a comment indented with a no-break space inside a continuation',
      'FROM alpine:3.20\nRUN echo \\\n\u00a0# note\nFROM scratch AS x\nFROM x\n',
      /BuildKit reads FROM at line 5/,
    ],
    [
      'an escaped # starting a continued line (a comment for the parser, not for BuildKit)',
      'FROM alpine:3.20\nRUN echo hi \\\n\\#\nFROM evil.example/x:1\n',
      /BuildKit reads FROM at line 4 where the gate's parser reads nothing/,
    ],
    [
      'escapes in a comment line inside a FROM’s continuation (BuildKit skips the line whole)',
      'FROM \\\n# \\s\\c\\r\\a\\t\\c\\h\nevil.example/x:1\n',
      /the FROM at line 1 names "evil.example\/x:1" for BuildKit and "scratch" for the gate/,
    ],
    [
      'a pinned image spelt in escapes in such a comment',
      `FROM \\\n  # \\a\\l\\p\\i\\n\\e\\@\\s\\h\\a\\2\\5\\6\\:${'\\a'.repeat(64)}\n  evil.example/x:1\n`,
      /names "evil.example\/x:1" for BuildKit and "alpine@sha256:a+" for the gate/,
    ],
    // The file picks its frontend (`# syntax=docker/dockerfile:1.3`), and versions differ: every
    // generation must read the same FROM lines and meta ARGs.
    [
      'a FROM inside a here-document (frontends before 1.4 read no here-documents: they pull it)',
      'FROM alpine:3.20\nRUN <<EOF\nFROM evil.example/x:1\nEOF\n',
      /frontends before 1.4 \(no here-documents\) read FROM at line 3 where current ones read nothing/,
    ],
    [
      'a flag on a meta ARG (BuildKit takes it off byte by byte, a Unicode character ending it)',
      'ARG --f=\u00e0A=evil.example/x:1\nFROM ${A:-alpine:3.20}\n',
      /the ARG at line 1 has flags/,
    ],
    [
      'a COPY --from inside a here-document (frontends before 1.4 read it; CMD ends it validly)',
      'FROM alpine:3.20\nRUN <<CMD\nCOPY --from=evil.example/x:1 /a /b\nCMD\n',
      /frontends before 1.4 \(no here-documents\) read COPY at line 3 where current ones read nothing/,
    ],
    [
      'a FROM inside a here-document opened by ONBUILD RUN',
      'FROM alpine:3.20\nONBUILD RUN <<EOF\nFROM alpine:3.20 AS x\nEOF\nFROM x\n',
      /frontends without here-documents under ONBUILD read FROM at line 3 where current ones read FROM at line 5/,
    ],
    [
      'a blank after << (a here-document for the newest frontends only, hiding a stage)',
      'FROM alpine:3.20\nRUN cat << EOF\nFROM alpine:3.20 AS trusted\nEOF\nFROM trusted\n',
      /the here-document << does not end \(line 2\)/,
    ],
    [
      'a variable before << (the first frontends with here-documents expand it to nothing)',
      'FROM alpine:3.20\nRUN $E<<EOF\nFROM alpine:3.20 AS trusted\nEOF\nFROM trusted\n',
      /the first frontends with here-documents \(names of letters and digits\) read FROM at line 5/,
    ],
    [
      'a quoted here-document name with an escape BuildKit keeps (`"#\\x"` ends at `#\\x`)',
      'FROM alpine:3.20\nRUN <<"#\\x"\n#\\x\nFROM evil.example/x:1\n#x\n',
      /line 2 opens here-documents <<#\\x for BuildKit and <<#x for the gate's parser/,
    ],
    [
      '<< and ${ on one line (their words depend on the frontend version)',
      'FROM alpine:3.20\nRUN ${A:-\\ <<EOF}\nFROM alpine:3.20 AS trusted\nEOF}\nFROM trusted\n',
      /line 2 has a \$\{…\} that Dockerfile frontend versions could read into a here-document differently/,
    ],
    [
      'a check directive before the escape one (older frontends stop reading directives there)',
      '# check=skip=all\n# escape=`\nFROM alpine:3.20\nRUN echo hi `\nFROM evil.example/x:1\n',
      /read its parser directives differently: the escape character is "`" or "\\\\"/,
    ],
    ...['\u0085', '\u00a0', '\v', '\u2003'].map((space): [string, string, RegExp] => [
      `an escape directive after # and ${JSON.stringify(space)} (the newest frontends read it)`,
      `#${space}escape=\`\nFROM alpine:3.20\nRUN echo hi \\\nFROM evil.example/x:1\n`,
      /read its parser directives differently: the escape character is "`" or "\\\\"/,
    ]),
    [
      '${…} in the word of << (the first here-document frontends expand it, later ones keep it)',
      'FROM alpine:3.20\nRUN ${X:-a}<<EOF\nFROM alpine:3.20 AS trusted\nEOF\nFROM trusted\n',
      /line 2 has a \$\{…\} that Dockerfile frontend versions could read/,
    ],
    [
      '${…} holding a blank on a here-document line',
      'FROM alpine:3.20\nRUN echo ${X:-a b} <<EOF\nhi\nEOF\n',
      /line 2 has a \$\{…\} that Dockerfile frontend versions could read/,
    ],
    [
      'a lone carriage return (BuildKit ends lines at \\n only)',
      'FROM alpine:3.20\n# note\rRUN cat <<EOF\nFROM evil.example/x:1\n',
      /carriage return/,
    ],
  ])('%s', (_name, text, why) => {
    expect(() => parse(text)).toThrow(/BuildKit could read it differently/)
    expect(() => parse(text)).toThrow(why)
  })

  test('the same constructs written as BuildKit and the parser both read them still parse', () => {
    const directives =
      '# syntax=docker/dockerfile:1\n  # escape=`\nFROM alpine:3.20\nRUN echo hi `\n  there\nFROM b.example/x:1\n'
    expect(summary(parse(directives)).map(([, , what]) => what)).toEqual([
      'image alpine:3.20',
      'image b.example/x:1',
    ])
    const heredocs =
      'FROM alpine:3.20\r\nRUN <<EOF\r\necho\r\nEOF\r\nCOPY <<-"END" /x\r\n\thi\r\n\tEND\r\nFROM b.example/x:1\r\n'
    expect(summary(parse(heredocs)).map(([line, , what]) => [line, what])).toEqual([
      [1, 'image alpine:3.20'],
      [8, 'image b.example/x:1'],
    ])
    const forms = [
      'FROM alpine:3.20',
      'RUN <<\'A\' cat <<"B" && \\',
      '  echo <<C',
      'a',
      'A',
      'b',
      'B',
      'c',
      'C',
      'RUN echo "<<not"',
      'ONBUILD RUN <<EOF',
      'echo',
      'EOF',
      'FROM b.example/x:1',
    ].join('\n')
    expect(summary(parse(forms)).map(([, , what]) => what)).toEqual([
      'image alpine:3.20',
      'image b.example/x:1',
    ])
    const continued = [
      'FROM alpine:3.20',
      'RUN apt-get update && \\',
      '    # a comment inside the continuation',
      '',
      '    apt-get install -y curl',
      '  FROM --platform=$BUILDPLATFORM \\',
      '    # the builder',
      '    b.example/x:1 AS build',
      'FROM build',
    ].join('\n')
    expect(summary(parse(continued))).toEqual([
      [1, undefined, 'image alpine:3.20'],
      [6, 'build', 'image b.example/x:1'],
      [9, undefined, 'stage build'],
    ])
  })
})

test.each([
  ['an operator BuildKit does not have', 'ARG A=${U^^}'],
  [
    'nesting deeper than the gate expands',
    `ARG A=${'${U:-'.repeat(9)}evil.example/x:1${'}'.repeat(9)}`,
  ],
])(
  'a meta ARG the gate cannot expand is refused, not left unset for ${A:-…} (%s)',
  (_name, arg) => {
    // BuildKit expands it (or fails the build); unset here, ${A:-alpine:3.20} would name alpine.
    expect(() => parse(`${arg}\nFROM \${A:-alpine:3.20}\n`)).toThrow(/ARG A cannot be expanded/)
  },
)

describe('the frontend a Dockerfile names', () => {
  // BuildKit pulls the `syntax` image and runs it to read the file: it decides what FROM pulls.
  test.each([
    ['# syntax=docker/dockerfile:1\nFROM alpine:3.20\n'],
    ['#syntax = docker.io/docker/dockerfile:1.7-labs\n# escape=\\\nFROM alpine:3.20\n'],
    [
      `# syntax=docker/dockerfile-upstream:master@sha256:${'a'.repeat(64)} opt=1\nFROM alpine:3.20\n`,
    ],
    [
      '#!/usr/bin/env docker-build\n# syntax=index.docker.io/docker/dockerfile:1\nFROM alpine:3.20\n',
    ],
  ])("Docker's own frontend, any version, or none: read %#", (text) => {
    expect(summary(parse(text))).toEqual([[expect.any(Number), undefined, 'image alpine:3.20']])
  })

  test.each([
    [
      '# syntax=evil.example/frontend:1\nFROM alpine:3.20\n',
      /names the frontend evil\.example\/frontend:1/,
    ],
    ['  # SYNTAX = ghcr.io/x/y\nFROM alpine:3.20\n', /names the frontend ghcr\.io\/x\/y/],
    [
      '#!/bin/sh\n# syntax=evil.example/f\nFROM alpine:3.20\n',
      /names the frontend evil\.example\/f/,
    ],
    ['// syntax=evil.example/f\nFROM alpine:3.20\n', /names the frontend evil\.example\/f/],
    [
      '# syntax=docker/dockerfiles:1\nFROM alpine:3.20\n',
      /names the frontend docker\/dockerfiles:1/,
    ],
    [
      '# escape=\\\n# syntax=user/dockerfile\nFROM alpine:3.20\n',
      /names the frontend user\/dockerfile/,
    ],
    ['# syntax=docker/dockerfile:1.0\nFROM alpine:3.20\n', /copies files with a helper image/],
    [
      '# syntax=docker/dockerfile:1.0-experimental\nFROM alpine:3.20\n',
      /copies files with a helper image/,
    ],
    // The newest frontends allow any Unicode space after #; older ones read every line.
    ['#\u00a0syntax=evil.example/f:1\nFROM alpine:3.20\n', /names the frontend evil\.example\/f:1/],
    [
      '//\u3000syntax=evil.example/f:1\nFROM alpine:3.20\n',
      /names the frontend evil\.example\/f:1/,
    ],
    [
      '# syntax=docker/dockerfile:1\n# syntax=evil.example/f\nFROM alpine:3.20\n',
      /names the frontend evil\.example\/f/,
    ],
    [
      '# foo=bar\n# syntax=evil.example/f\nFROM alpine:3.20\n',
      /names the frontend evil\.example\/f/,
    ],
    [
      '# escape=\\\n#!/bin/x\n# syntax=evil.example/f\nFROM alpine:3.20\n',
      /names the frontend evil\.example\/f/,
    ],
    [
      'FROM alpine:3.20\n# syntax=evil.example/f (after an instruction)\n',
      /names the frontend evil\.example\/f/,
    ],
    [
      '# syntax=UPPER/Case\nFROM alpine:3.20\n',
      /syntax directive names "UPPER\/Case", which is not an image reference/,
    ],
  ])('another frontend is refused: %#', (text, message) => {
    expect(() => parse(text)).toThrow(message)
  })

  test('a BUILDKIT_SYNTAX build argument names the frontend instead of the file', () => {
    const text = '# syntax=docker/dockerfile:1\nFROM alpine:3.20\n'
    expect(() => parse(text, { BUILDKIT_SYNTAX: 'evil.example/f' })).toThrow(
      /names the frontend evil\.example\/f/,
    )
    expect(() =>
      parse('# syntax=evil.example/f\nFROM alpine:3.20\n', {
        BUILDKIT_SYNTAX: 'docker/dockerfile:1',
      }),
    ).not.toThrow()
  })
})

test('a file without FROM is refused', () => {
  expect(() => parse('# nothing\nRUN echo\n')).toThrow(/no FROM/)
})

describe('expandWord (BuildKit shell lexer rules)', () => {
  const vars = new Map([
    ['A', 'alpha'],
    ['E', ''],
    ['P', 'docker.io/library/alpine:3.20'],
  ])
  test.each([
    ['$A', 'alpha'],
    ['${A}', 'alpha'],
    ['x$A-y', 'xalpha-y'],
    ['${U}', ''],
    ['${U:-d}', 'd'],
    ['${E:-d}', 'd'],
    ['${E-d}', ''],
    ['${U-d}', 'd'],
    ['${A:+set}', 'set'],
    ['${E:+set}', ''],
    ['${E+set}', 'set'],
    ['${U:-${A}}', 'alpha'],
    ["'$A'", '$A'],
    ['"$A"', 'alpha'],
    ['\\$A', '$A'],
    ['"\\$A"', '$A'],
    ['$', '$'],
    // lex.go processName: `$-`, `$@` and the other special parameters are (unset) variables, as
    // are names of Unicode letters; `$` before anything else is itself.
    ['a$-b', 'ab'],
    ['x$@y', 'xy'],
    ['x$\u00e9y:1', 'x:1'],
    ['$12x', 'x'],
    ['a$/b', 'a$/b'],
    ['${P#*/}', 'library/alpine:3.20'],
    ['${P##*/}', 'alpine:3.20'],
    ['${P%:*}', 'docker.io/library/alpine'],
    ['${P%%/*}', 'docker.io'],
  ])('%s → %s', (word, value) => {
    expect(expandWord(word, vars).value).toBe(value)
  })

  test('unset names are reported; errors for what BuildKit refuses', () => {
    expect(expandWord('$X${Y:-d}${Z}', vars).unset).toEqual(['X', 'Z'])
    expect(() => expandWord('${A', vars)).toThrow(/no closing/)
    expect(() => expandWord('${U:?must be set}', vars)).toThrow(/U is required: must be set/)
    expect(() => expandWord('${A/a}', vars)).toThrow(/no `\/` after its pattern/)
    expect(() => expandWord("'open", vars)).toThrow(/not closed/)
  })

  test('expansion is bounded: ARGs that double each other cannot blow up', () => {
    const big = new Map([['B', 'x'.repeat(5000)]])
    expect(() => expandWord('$B$B', big)).toThrow(/more than 8192/)
    expect(() =>
      expandWord('${U:-${U:-${U:-${U:-${U:-${U:-${U:-${U:-${U:-x}}}}}}}}}', vars),
    ).toThrow(/nested/)
  })
})
