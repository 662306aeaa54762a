/**
 * Where webhooks may point: http(s) only, and — unless WEBHOOK_ALLOW_PRIVATE=true — never to
 * this machine, a private network, a link-local address or a cloud metadata service (a webhook
 * must not become a way to reach what only the server can reach). Checked when a webhook is
 * saved and again, on the address the name resolves to then, before every delivery.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'metadata.azure.com']);

/** Whether an address (v4, v6 or v4-mapped v6) is one webhooks may not reach. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether a host name (or address) resolves to an address webhooks may not reach; throws when it does not resolve. */
export async function resolvesPrivate(host: string): Promise<boolean> {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost') || METADATA_HOSTS.has(bare)) return true;
  const addresses = isIP(bare) ? [bare] : (await lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
  return addresses.some(isPrivateAddress);
}

/** Why this URL may not be a webhook's, or undefined when it may. */
export async function refuseWebhookUrl(raw: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (allowPrivate) return undefined;
  try {
    if (await resolvesPrivate(url.hostname))
      return 'must not point to this machine, a loopback, private, link-local or metadata address (set WEBHOOK_ALLOW_PRIVATE=true to allow)';
  } catch {
    return `its host ${url.hostname} does not resolve`;
  }
  return undefined;
}
