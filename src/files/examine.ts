// Examining release files: hash each once, gather its evidence (local bundle files and the GitHub
// attestations API, by its sha256), verify every piece and bind it to the file.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { GateError, describe } from '../errors.js'
import { LIMITS } from '../limits.js'
import type { RegistryClient } from '../registry/index.js'
import type { GithubApi } from '../sources/github-api.js'
import { githubSource } from '../sources/github.js'
import type { CheckedEvidence, Evidence, FileSubject } from '../types.js'
import { mapLimit } from '../util/concurrency.js'
import { checkedWithTrust, type Trust } from '../verify/index.js'
import { isMessageSignature } from '../verify/index.js'
import { checkFileEvidence, type BoundFile } from './check.js'
import {
  SIDECAR_SUFFIXES,
  fileDigests,
  readEvidenceFile,
  toBundle,
  type LocalPiece,
} from './local-evidence.js'

/** What examining files needs. */
export interface FileExaminer {
  trust: Trust
  /** The GitHub attestations API, when the `github` source is selected and can be asked. */
  github?: GithubApi
  /** Only to satisfy the sources' context; files never touch a registry. */
  registry: RegistryClient
  concurrency: number
  /** Largest local bundle file read. */
  maxBytes: number
}

/** One release file read and checked, nothing evaluated; `error` when it could not be (exit 2). */
export interface ExaminedFile {
  reference: string
  digest?: string
  file?: FileSubject
  evidence: CheckedEvidence[]
  error?: { code: string; message: string }
}

/**
 * Examines every file. `bundles` (the `bundle` input) and the `*.intoto.jsonl` files beside a
 * release file are shared: each piece goes to the files whose digest it names, and a piece that
 * names none of them goes to all of them (so it is reported, and fails, rather than ignored).
 * `<file>.sigstore.json`, `.sigstore`, `.bundle` and `.intoto.jsonl` beside a file are its own.
 */
export async function examineFiles(
  files: readonly string[],
  bundles: readonly string[],
  examiner: FileExaminer,
): Promise<ExaminedFile[]> {
  const hashed = await mapLimit([...files], examiner.concurrency, async (file) => {
    try {
      return { file, ...(await fileDigests(file)) }
    } catch (error) {
      return { file, error: describe(error) }
    }
  })
  const own = new Map<string, string[]>()
  for (const file of files) {
    own.set(file, await existing(SIDECAR_SUFFIXES.map((suffix) => `${file}${suffix}`)))
  }
  const ownPaths = new Set([...own.values()].flat().map((f) => path.resolve(f)))
  // Shared evidence files and the files each may speak for.
  const shared: { evidence: string; scope: string[] }[] = bundles
    .filter((b) => !ownPaths.has(path.resolve(b)))
    .map((b) => ({ evidence: b, scope: [...files] }))
  const taken = new Set([...ownPaths, ...bundles.map((b) => path.resolve(b))])
  for (const dir of new Set(files.map((f) => path.dirname(f)))) {
    for (const jsonl of await intotoFiles(dir)) {
      if (taken.has(path.resolve(jsonl))) continue
      taken.add(path.resolve(jsonl))
      shared.push({ evidence: jsonl, scope: files.filter((f) => path.dirname(f) === dir) })
    }
  }
  const sharedPieces = shared.map((s) => ({
    scope: s.scope,
    pieces: readEvidenceFile(s.evidence, examiner.maxBytes),
  }))
  const digestsOf = new Map(
    hashed.flatMap((h) => ('sha256' in h ? [[h.file, [h.sha256, h.sha512]] as const] : [])),
  )

  return mapLimit(hashed, examiner.concurrency, async (h): Promise<ExaminedFile> => {
    if (!('sha256' in h)) {
      return {
        reference: h.file,
        evidence: [],
        error: { code: 'INPUT_INVALID', message: `Failed to read ${h.file}: ${h.error}` },
      }
    }
    const subject: FileSubject = { path: h.file, size: h.size, sha256: h.sha256, sha512: h.sha512 }
    const mine = [h.sha256, h.sha512]
    const pieces: LocalPiece[] = (own.get(h.file) ?? []).flatMap((f) =>
      readEvidenceFile(f, examiner.maxBytes),
    )
    for (const { scope, pieces: candidates } of sharedPieces) {
      if (!scope.includes(h.file)) continue
      const inScope = scope.flatMap((f) => digestsOf.get(f) ?? [])
      for (const p of candidates) {
        const aboutMe = p.claims.some((c) => mine.includes(c))
        const aboutNone = !p.claims.some((c) => inScope.includes(c))
        if (aboutMe || aboutNone) pieces.push(p)
      }
    }
    const base = { reference: h.file, digest: h.sha256, file: subject }
    try {
      const found: Evidence[] = pieces.map((p) => ({
        source: 'file' as const,
        location: p.location,
        ...toBundle(p, h.sha256.slice('sha256:'.length)),
      }))
      found.push(...(await githubEvidence(h.sha256, examiner)))
      if (found.length > LIMITS.evidencePerImage) {
        throw new GateError(
          'LIMIT_EXCEEDED',
          `more than ${LIMITS.evidencePerImage} signatures and attestations were found; none were evaluated, even if a valid one is among them`,
        )
      }
      const bound = await bind(h.file, subject, found)
      const evidence = await checkedWithTrust(examiner.trust, (trust) =>
        found.map((e) => checkFileEvidence(e, bound, trust)),
      )
      return { ...base, evidence }
    } catch (error) {
      const code = error instanceof GateError ? error.code : 'INTERNAL'
      return {
        ...base,
        evidence: [],
        error: { code, message: `Failed to check ${h.file}: ${describe(error)}` },
      }
    }
  })
}

// The GitHub attestations API, asked by the file's sha256 (as `gh attestation verify` does).
async function githubEvidence(sha256: string, examiner: FileExaminer): Promise<Evidence[]> {
  if (examiner.github === undefined) return []
  return githubSource.collect(
    { repository: { registry: '', repository: '' }, digest: sha256, mediaType: '' },
    { registry: examiner.registry, concurrency: examiner.concurrency, github: examiner.github },
  )
}

// Reads the bytes only when a message signature needs them, and checks they are still the bytes
// that were hashed.
async function bind(file: string, subject: FileSubject, found: Evidence[]): Promise<BoundFile> {
  const digests = { sha256: subject.sha256, sha512: subject.sha512 }
  if (!found.some((e) => isMessageSignature(e.bundle))) return digests
  if (subject.size > LIMITS.signedFileBytes) {
    return { ...digests, bytesProblem: `the file is larger than ${LIMITS.signedFileBytes} bytes` }
  }
  const bytes = await fs.readFile(file)
  if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== subject.sha256) {
    throw new GateError('DIGEST_MISMATCH', `${file} changed while it was checked`)
  }
  return { ...digests, bytes }
}

async function existing(candidates: string[]): Promise<string[]> {
  const found: string[] = []
  for (const file of candidates) {
    try {
      if ((await fs.stat(file)).isFile()) found.push(file)
    } catch {
      // absent
    }
  }
  return found
}

async function intotoFiles(dir: string): Promise<string[]> {
  try {
    const names = await fs.readdir(dir)
    return existing(
      names
        .filter((n) => n.endsWith('.intoto.jsonl'))
        .sort()
        .map((n) => path.join(dir, n)),
    )
  } catch {
    return []
  }
}
