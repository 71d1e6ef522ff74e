// Shared by the conformance tests: runs `verify-bundle` fully offline and reduces the result to
// pass, or fail with a reason. Fixtures are the byte-for-byte copies under __tests__/fixtures/
// (see __tests__/fixtures/SOURCES.md); nothing here reads the project's shared folder.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { verifyBundleCommand, type VerifyBundleArgs } from '../../src/commands/verify-bundle.js'
import { InputError } from '../../src/errors.js'

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')
export const BUNDLES = path.join(FIXTURES, 'bundles')
export const CONFORMANCE = path.join(FIXTURES, 'sigstore-conformance/test/assets/bundle-verify')

const STORE = path.join(BUNDLES, 'sigstore-python/sigstore/_store')
/** Sigstore public-good production trusted root (snapshot bundled with sigstore-python). */
export const PRODUCTION_ROOT = path.join(
  STORE,
  'https%3A%2F%2Ftuf-repo-cdn.sigstore.dev/trusted_root.json',
)
/** Sigstore public-good staging trusted root (snapshot bundled with sigstore-python). */
export const STAGING_ROOT = path.join(
  STORE,
  'https%3A%2F%2Ftuf-repo-cdn.sigstage.dev/trusted_root.json',
)

/** Every case supplies a trusted root: reaching for the public-good root (TUF) is a test bug. */
export async function noPublicGood(): Promise<never> {
  throw new Error('verify-bundle tried to load the public-good trusted root (network) in a test')
}

export type Outcome = { pass: true } | { pass: false; reason: string; inputError: boolean }

/**
 * Runs verifyBundleCommand. An InputError (unusable argument, e.g. a trusted root we refuse) is a
 * failure too, as the CLI reports it (exit 2, nothing verified); any other throw is a bug and
 * propagates so the test fails loudly.
 */
export async function runVerifyBundle(args: VerifyBundleArgs): Promise<Outcome> {
  let reason: string | undefined
  try {
    reason = await verifyBundleCommand(args, noPublicGood)
  } catch (error) {
    if (error instanceof InputError) return { pass: false, reason: error.message, inputError: true }
    throw error
  }
  return reason === undefined ? { pass: true } : { pass: false, reason, inputError: false }
}

/** A reason that only says JavaScript tripped over something is not a verification verdict. */
export const INCIDENTAL = /TypeError|Cannot read propert|is not a function|is not iterable/
