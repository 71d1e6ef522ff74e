// Which bearer realms receive a registry's credentials (auth.ts checkRealm): the registry's own
// origin or host over HTTPS, or the token service of a registry that uses another host.
import { checkRealm } from '../../src/registry/auth.js'
import { nodeTransport } from '../../src/registry/transport.js'

const ctx = {
  transport: nodeTransport,
  deadline: new AbortController().signal,
  insecureHosts: new Set<string>(),
}
const receives = (realm: string, registry: string) =>
  checkRealm(realm, new URL(registry), ctx).mayReceiveCredentials

test.each([
  ['Docker Hub’s token service', 'https://auth.docker.io/token', 'https://registry-1.docker.io'],
  ['GitLab.com’s', 'https://gitlab.com/jwt/auth', 'https://registry.gitlab.com'],
  [
    'a self-managed GitLab’s, on its host',
    'https://gitlab.example/jwt/auth',
    'https://gitlab.example:5050',
  ],
  ['the registry itself', 'https://ghcr.io/token', 'https://ghcr.io'],
])('%s receives them', (_name, realm, registry) => {
  expect(receives(realm, registry)).toBe(true)
})

test.each([
  ['another host', 'https://auth.example/token', 'https://registry.example'],
  [
    'a known token service on another port',
    'https://gitlab.com:8443/jwt/auth',
    'https://registry.gitlab.com',
  ],
  [
    'another registry’s token service',
    'https://auth.docker.io/token',
    'https://registry.gitlab.com',
  ],
])('%s does not', (_name, realm, registry) => {
  expect(receives(realm, registry)).toBe(false)
})
