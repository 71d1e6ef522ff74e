// The docker credential helper as the action runs it (deps.ts): its answer, its exit status, and
// the bounds on both. Helpers here are small shell scripts put first on PATH.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { liveDeps } from '../../src/deps.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-helper-'))
const savedPath = process.env['PATH']
beforeAll(() => {
  const helper = (name: string, body: string) =>
    fs.writeFileSync(path.join(dir, `docker-credential-${name}`), `#!/bin/sh\n${body}\n`, {
      mode: 0o755,
    })
  // Answers with the server URL it was given on stdin, as a real helper looks it up.
  helper('echo', 'read url; printf \'{"Username":"u","Secret":"%s"}\' "$url"')
  helper('unknown', 'echo "credentials not found in native keychain"; exit 1')
  helper('quick', 'exit 3')
  helper('where', 'pwd')
  helper('hang', 'exec sleep 30')
  helper('flood', 'exec yes')
  process.env['PATH'] = `${dir}:${savedPath}`
})
afterAll(() => {
  process.env['PATH'] = savedPath
})

const run = (helper: string, deadline = AbortSignal.timeout(20_000)) =>
  liveDeps(() => undefined).runCredentialHelper(helper, 'registry.example.test', deadline)

test('the answer is the helper’s stdout; it is told the server on stdin', async () => {
  expect(await run('echo')).toBe('{"Username":"u","Secret":"registry.example.test"}')
})

// Windows looks for a command in the working directory first: never the checkout.
test('a helper runs in the home directory, not the working directory', async () => {
  expect((await run('where')).trim()).toBe(fs.realpathSync(os.homedir()))
})

test('a helper that knows no credentials (non-zero exit) means anonymous', async () => {
  expect(await run('unknown')).toBe('')
})

test('a helper that exits without reading the server is answered by its exit status', async () => {
  // Writing to a pipe its reader closed fails (EPIPE): that is no crash, nor an error.
  for (let i = 0; i < 20; i++) expect(await run('quick')).toBe('')
})

test('a helper that does not answer is ended at the run’s deadline', async () => {
  const started = Date.now()
  await expect(run('hang', AbortSignal.timeout(300))).rejects.toMatchObject({
    code: 'CREDENTIALS',
    message: 'docker-credential-hang did not answer in time',
  })
  expect(Date.now() - started).toBeLessThan(10_000)
})

test('a helper that prints without end is stopped at the output limit', async () => {
  await expect(run('flood')).rejects.toMatchObject({
    code: 'CREDENTIALS',
    message: 'docker-credential-flood printed more than 65536 characters',
  })
})

test('a helper that is not installed is an error, not anonymous', async () => {
  await expect(run('absent')).rejects.toMatchObject({
    code: 'CREDENTIALS',
    message: 'docker-credential-absent could not be run',
  })
})
