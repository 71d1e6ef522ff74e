// The frontend a Dockerfile names: `# syntax=<image>` (or `// syntax=`; older frontends read it on
// any line: directives.ts), or a `BUILDKIT_SYNTAX` build argument, which wins. BuildKit pulls that
// image and runs it to read the file, so it decides what every FROM line pulls. The gate reads
// Dockerfiles as Docker's own frontend does, in every version (buildkit-agreement.ts), and
// refuses a file that names any other: its FROM lines could mean anything. Pure.
import { parseReference } from '../registry/index.js'
import { syntaxValues } from './directives.js'

// Docker's Dockerfile frontend, released and built from BuildKit's main branch.
const DOCKER_FRONTENDS = new Set([
  'docker.io/docker/dockerfile',
  'docker.io/docker/dockerfile-upstream',
])

/** Why the gate cannot read a Dockerfile as its frontend would; undefined for Docker's (or none). */
export function foreignFrontend(
  source: string,
  buildArgs: ReadonlyMap<string, string>,
): string | undefined {
  // Frontends before BuildKit 0.11 copy files with a helper image, docker/dockerfile-copy, when
  // told to (Go's strconv.ParseBool): a pull no FROM line names.
  if (/^(1|t|true)$/i.test(buildArgs.get('BUILDKIT_DISABLE_FILEOP') ?? '')) {
    return 'its build-args set BUILDKIT_DISABLE_FILEOP, which makes older frontends pull a helper image (docker/dockerfile-copy) for every COPY, which the gate does not check'
  }
  const given = buildArgs.get('BUILDKIT_SYNTAX')
  const named =
    given === undefined
      ? syntaxValues(source.split('\n').map((line) => line.replace(/\r$/, '')))
      : [given]
  for (const value of named) {
    // BuildKit runs the first word; the rest is the frontend's command line.
    const image = value.trim().split(' ')[0] ?? ''
    let name: string
    let tag: string | undefined
    try {
      const ref = parseReference(image, 'syntax')
      name = `${ref.registry}/${ref.repository}`
      tag = ref.tag
    } catch {
      return `its syntax directive names ${JSON.stringify(image)}, which is not an image reference`
    }
    if (!DOCKER_FRONTENDS.has(name)) {
      return `it names the frontend ${image}, an image BuildKit pulls and runs to read the file (it decides what each FROM pulls); the gate reads Dockerfiles only as Docker's own frontend, docker/dockerfile, does`
    }
    // Before file operations (1.1), the frontend copied files with a helper image it pulled.
    if (tag !== undefined && /^(0\.|1\.0($|[.-])|(1\.0-)?experimental$)/.test(tag)) {
      return `it names the frontend ${image}, which copies files with a helper image (docker/dockerfile-copy) that the gate does not check`
    }
  }
  return undefined
}
