// The stand-in for @actions/http-client in the ncc bundles refuses to work (issue #6, start-up).
import { BearerCredentialHandler, HttpClient } from '../src/bundle/no-oidc-client.js'

test('the stand-in for @actions/http-client refuses every use', () => {
  expect(() => new HttpClient()).toThrow('does not request OIDC tokens')
  expect(() => new BearerCredentialHandler()).toThrow('does not request OIDC tokens')
})
