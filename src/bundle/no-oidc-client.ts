// Stands in for `@actions/http-client` in the ncc bundles (tsconfig.json "paths"; tests and type
// checks do not use it). Why: `@actions/core` imports its OIDC client, and with it npm undici, at
// the top of the module; evaluating that costs every run ~35 ms and ~460 KB of bundle, and this
// action never asks the runner for an OIDC token. Anything that does reach here fails loudly.

const REFUSAL =
  'Supply Chain Gate does not request OIDC tokens: @actions/http-client is left out of its bundle'

export class HttpClient {
  constructor() {
    throw new Error(REFUSAL)
  }
}

export class BearerCredentialHandler {
  constructor() {
    throw new Error(REFUSAL)
  }
}
