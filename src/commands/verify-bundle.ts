import crypto from 'node:crypto'
import { InputError, describe } from '../errors.js'
import { LIMITS } from '../limits.js'
import { fileDigests } from '../files/local-evidence.js'
import { assertRegularFile, readLimited } from '../util/read-file.js'
import { readBundleJson } from '../verify/bundle-json.js'
import { isDigest } from '../registry/index.js'
import {
  assertSubject,
  identityMismatch,
  isMessageSignature,
  loadTrust,
  readStatement,
  verifyBundle,
  type IdentityPolicy,
  type PublicGoodLoader,
} from '../verify/index.js'

export interface VerifyBundleArgs {
  bundle: string
  certificateIdentity?: string
  certificateOidcIssuer?: string
  key?: string
  trustedRoot?: string
  /** A file path, or `sha256:<hex>`. */
  artifact: string
}

/**
 * The Sigstore conformance verify protocol: returns undefined on success, else the reason.
 * Throws InputError for unusable arguments.
 */
export async function verifyBundleCommand(
  args: VerifyBundleArgs,
  loadPublicGood: PublicGoodLoader,
): Promise<string | undefined> {
  const identity = identityFrom(args)
  const trust = await loadTrust({
    ...(args.trustedRoot !== undefined && { trustedRootPath: args.trustedRoot }),
    ...(args.key !== undefined && { publicKeyPath: args.key }),
    loadPublicGood,
  })
  const json = readJson(args.bundle)
  const { digests, bytes } = await readArtifact(args.artifact, isMessageSignature(json))
  try {
    const verified = verifyBundle(json, trust, bytes)
    const mismatch = identityMismatch(identity, verified.signer)
    if (mismatch !== undefined) return mismatch
    if ('dsse' in verified.content) {
      const statement = readStatement(
        verified.content.dsse.payloadType,
        verified.content.dsse.payload,
      )
      assertSubject(statement, ...digests)
    }
    return undefined
  } catch (error) {
    return describe(error)
  }
}

function identityFrom(args: VerifyBundleArgs): IdentityPolicy {
  if (args.key !== undefined) return { publicKey: true }
  if (args.certificateIdentity === undefined || args.certificateOidcIssuer === undefined) {
    throw new InputError(
      'verify-bundle needs --certificate-identity and --certificate-oidc-issuer, or --key.',
    )
  }
  return {
    subjectAlternativeName: { exact: args.certificateIdentity },
    issuer: { exact: args.certificateOidcIssuer },
  }
}

// Read as registry bundles are: bounded, and refused when a key repeats (one bundle, one reading).
function readJson(file: string): unknown {
  try {
    return readBundleJson(readLimited(file, LIMITS.blobBytesCeiling))
  } catch (error) {
    throw new InputError(`--bundle ${file} cannot be read as JSON: ${describe(error)}`, {
      cause: error,
    })
  }
}

// A file is named by both digests a statement may use; a digest argument by itself. Its bytes
// are held only for a message signature, which signs them; a statement needs only its digests.
async function readArtifact(
  value: string,
  signedBytes: boolean,
): Promise<{ digests: string[]; bytes?: Buffer }> {
  if (isDigest(value) || /^sha512:[a-f0-9]{128}$/.test(value)) return { digests: [value] }
  try {
    if (!signedBytes) {
      assertRegularFile(value)
      const { sha256, sha512 } = await fileDigests(value)
      return { digests: [sha256, sha512] }
    }
    const bytes = readLimited(value, LIMITS.signedFileBytes)
    const hex = (alg: string): string => crypto.createHash(alg).update(bytes).digest('hex')
    return { digests: [`sha256:${hex('sha256')}`, `sha512:${hex('sha512')}`], bytes }
  } catch (error) {
    throw new InputError(`The artifact cannot be read: ${describe(error)}.`, { cause: error })
  }
}
