// Jest globalSetup: starts ONE registry (distribution 2.8 on 127.0.0.1) for the whole run and
// publishes its host as SCG_TEST_REGISTRY; the test workers start after this and inherit it.
// If SCG_TEST_REGISTRY is already set (say, `docker run -p 5000:5000 registry:2` and
// SCG_TEST_REGISTRY=127.0.0.1:5000), that registry is used and nothing is started.
//
// Loading: Jest requires this file outside its module system, and under "type": "module" Node
// runs it as ESM, so ts-jest's CommonJS output for it fails ("exports is not defined"). jest.config
// therefore excludes global-setup/global-teardown from the transform and Node strips the types
// itself (Node >= 22.18). Keep both files, and registry.ts which this imports, to erasable
// TypeScript (no enums, namespaces or parameter properties). Node's resolver does not map
// `./registry.js` to the .ts file, so registry.ts is imported by its real name.
import type { Registry } from './registry.js'

declare global {
  var __SCG_TEST_REGISTRY__: Registry | undefined
}

export default async function globalSetup(): Promise<void> {
  if (process.env.SCG_TEST_REGISTRY) return
  const registryModule = new URL('./registry.ts', import.meta.url).href
  const { startRegistry } = (await import(registryModule)) as typeof import('./registry.js')
  const registry = await startRegistry()
  globalThis.__SCG_TEST_REGISTRY__ = registry
  process.env.SCG_TEST_REGISTRY = registry.host
}
