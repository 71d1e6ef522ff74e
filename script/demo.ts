// `npm run demo`: a local registry, a freshly signed sample image, and the gate passing and failing.
// It runs the built action and CLI (dist/) exactly as users do, against a throwaway Sigstore.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createMiniSigstore, githubIdentity } from '../__tests__/helpers/mini-sigstore.js'
import { attestImage, cosignSign } from '../__tests__/helpers/publish.js'
import { pushImage, startRegistry } from '../__tests__/helpers/registry.js'

// The project root comes from the command line: the bundler rewrites process.cwd() and literal paths.
const root = path.resolve(process.argv[2] ?? '.')
const work = path.join(root, '.demo', 'run')
const dist = path.join(root, 'dist')
const RIGHT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const WRONG = 'https://github.com/acme/app/.github/workflows/nightly.yml@refs/heads/main'

const step = (text: string): void => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`)

async function demo(): Promise<number> {
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(work, { recursive: true })
  step('Starting a throwaway OCI registry (CNCF distribution) on loopback')
  const registry = await startRegistry()
  try {
    const image = `${registry.host}/demo/app:v1`
    step(`Pushing a sample image ${image}`)
    const pushed = await pushImage(registry.host, 'demo/app', 'v1')
    console.log(`  digest ${pushed.digest}`)

    step(
      'Signing and attesting it with a throwaway local Sigstore (Fulcio, CT log and Rekor in-process)',
    )
    const ss = await createMiniSigstore()
    const trustedRoot = path.join(work, 'trusted_root.json')
    fs.writeFileSync(trustedRoot, JSON.stringify(ss.trustedRootJSON, null, 2))
    const identity = githubIdentity({
      repo: 'acme/app',
      workflowPath: '.github/workflows/release.yml',
      ref: 'refs/tags/v1.0.0',
    })
    await cosignSign(ss, registry.host, 'demo/app', pushed.digest, identity)
    console.log(`  cosign v3 signature by ${RIGHT}`)
    await attestImage(
      ss,
      registry.host,
      'demo/app',
      pushed.digest,
      'https://slsa.dev/provenance/v1',
      { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' } },
      { identity },
    )
    console.log(
      '  SLSA provenance v1 attestation, pushed as actions/attest push-to-registry does (referrers fallback tag)',
    )

    const common = [
      '--trusted-root',
      trustedRoot,
      '--insecure-registries',
      registry.host,
      '--attestations',
      'slsaprovenance',
      '--require-signature',
      'true',
    ]
    step(
      `Gate with the right identity:  supply-chain-gate verify ${image} --certificate-identity ${RIGHT} --attestations slsaprovenance`,
    )
    const pass = spawnSync(
      process.execPath,
      [
        path.join(dist, 'cli', 'index.js'),
        'verify',
        image,
        '--certificate-identity',
        RIGHT,
        ...common,
      ],
      { stdio: 'inherit' },
    )
    console.log(`  exit code ${pass.status}`)

    step(
      `Gate with a wrong identity, run as GitHub runs the action (dist/index.js): certificate-identity ${WRONG}`,
    )
    const summary = path.join(work, 'step-summary.md')
    const outputs = path.join(work, 'github-output.txt')
    fs.writeFileSync(summary, '')
    fs.writeFileSync(outputs, '')
    const fail = spawnSync(process.execPath, [path.join(dist, 'index.js')], {
      stdio: 'inherit',
      env: {
        ...process.env,
        INPUT_IMAGE: image,
        'INPUT_CERTIFICATE-IDENTITY': WRONG,
        'INPUT_TRUSTED-ROOT': trustedRoot,
        'INPUT_INSECURE-REGISTRIES': registry.host,
        INPUT_ATTESTATIONS: 'slsaprovenance',
        'INPUT_REQUIRE-SIGNATURE': 'true',
        INPUT_SUMMARY: 'true',
        'INPUT_OUTPUT-DIR': work,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: outputs,
        RUNNER_TEMP: work,
      },
    })
    console.log(`  exit code ${fail.status}`)
    step(`The job summary the runner would show (${path.relative(root, summary)})`)
    const summaryText = fs.readFileSync(summary, 'utf8')
    console.log(summaryText)
    step(
      `Step outputs (${path.relative(root, outputs)}) and the result JSON (${path.relative(root, path.join(work, 'supply-chain-gate-result.json'))})`,
    )
    console.log(fs.readFileSync(outputs, 'utf8').replace(/ghadelimiter_[\w-]+/g, '…'))
    const ok = pass.status === 0 && fail.status === 1 && summaryText.includes('policy not met')
    step(
      ok
        ? 'Demo finished: the right identity passed (exit 0) and the wrong one failed (exit 1).'
        : 'Demo did not behave as expected.',
    )
    return ok ? 0 : 1
  } finally {
    await registry.stop()
  }
}

process.exitCode = await demo()
