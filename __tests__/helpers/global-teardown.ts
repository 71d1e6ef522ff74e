// Jest globalTeardown: stops the registry started by global-setup.ts and removes its storage.
// Loaded by Node directly, like global-setup.ts (see there): erasable TypeScript only.
export default async function globalTeardown(): Promise<void> {
  const registry = globalThis.__SCG_TEST_REGISTRY__
  if (!registry) return
  globalThis.__SCG_TEST_REGISTRY__ = undefined
  delete process.env.SCG_TEST_REGISTRY
  await registry.stop()
}
