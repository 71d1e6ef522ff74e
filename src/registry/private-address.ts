// Addresses on the runner's own network, which a registry or API answer must not send us to
// (security catalog T61). Literals only: a host name that resolves to one is not caught here.
import net from 'node:net'

const PRIVATE = new net.BlockList()
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv4')
}
for (const [prefix, bits] of [
  ['::', 127],
  // IPv4-mapped: `[::ffff:127.0.0.1]`, which URL writes `[::ffff:7f00:1]`, connects to 127.0.0.1.
  ['::ffff:0:0', 96],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv6')
}

/** Loopback, private, shared, link-local or unspecified: `localhost` or such an IP literal. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost') return true
  const family = net.isIP(host)
  return family !== 0 && PRIVATE.check(host, family === 4 ? 'ipv4' : 'ipv6')
}
