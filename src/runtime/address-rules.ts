// Address rules of the SSRF guard: which ranges are metadata, loopback, private or non-unicast, and the verdict for one address.
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors/app-error.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Network = [Address, number];

export type AddressRule = 'cloud-metadata' | 'loopback' | 'private' | 'non-unicast';

export type AddressVerdict =
  { allowed: true } | { allowed: false; rule: AddressRule; reason: string; remedy: string };

export interface AddressPolicy {
  allowedNetworks: readonly Network[];
  allowLocalhost: boolean;
  allowPrivate: boolean;
}

/** Instance-metadata and platform endpoints that hand out credentials: blocked whatever else is allowed. */
const CLOUD_METADATA = [
  '169.254.169.254/32', // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack IMDS
  '169.254.170.2/32', // AWS ECS task credentials
  '169.254.170.23/32', // AWS EKS Pod Identity agent
  'fd00:ec2::254/128', // AWS IMDS over IPv6
  'fd00:ec2::23/128', // AWS EKS Pod Identity agent over IPv6
  '100.100.100.200/32', // Alibaba Cloud
  '192.0.0.192/32', // Oracle Cloud (classic)
  '169.254.42.42/32', // Scaleway
  'fd00:42::42/128', // Scaleway over IPv6
  '168.63.129.16/32', // Azure WireServer
].map((cidr) => ipaddr.parseCIDR(cidr));

const LOOPBACK_RANGES = new Set(['loopback']);
const PRIVATE_RANGES = new Set([
  'private',
  'linkLocal',
  'carrierGradeNat',
  'reserved',
  'as112',
  'amt',
  'uniqueLocal',
  'deprecatedSiteLocal',
  'benchmarking',
  'as112v6',
  'discard',
  'deprecatedOrchid',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
  'segmentRouting',
]);
const RANGE_LABELS = new Map([
  ['private', 'RFC 1918'],
  ['linkLocal', 'link-local'],
  ['carrierGradeNat', 'carrier-grade NAT'],
  ['uniqueLocal', 'unique-local'],
  ['deprecatedSiteLocal', 'site-local'],
]);
const NON_UNICAST_RANGES = new Set(['unspecified', 'broadcast', 'multicast']);
const CLASS_E = ipaddr.parseCIDR('240.0.0.0/4');

export function parseNetworks(cidrs: readonly string[]): Network[] {
  return cidrs.map((text) => {
    try {
      return text.includes('/')
        ? ipaddr.parseCIDR(text)
        : ipaddr.parseCIDR(`${text}/${text.includes(':') ? 128 : 32}`);
    } catch {
      throw new AppError({
        code: 'Invalid',
        message: `SSRF_ALLOWED_NETWORKS: ${JSON.stringify(text)} is not a CIDR such as 10.1.0.0/16 or fd12::/64`,
      });
    }
  });
}

const inNetwork = (address: Address, [net, bits]: Network): boolean =>
  address.kind() === net.kind() && address.match(net, bits);

/** The IPv4 address an IPv6 one carries and would reach (mapped, compatible, NAT64, 6to4, Teredo), if any. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = address.parts;
  const fromWords = (hi: number, lo: number): ipaddr.IPv4 =>
    new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return fromWords(p[6]!, p[7]!);
    case '6to4':
      return fromWords(p[1]!, p[2]!);
    case 'teredo':
      return fromWords(p[6]! ^ 0xffff, p[7]! ^ 0xffff);
    default:
      // IPv4-compatible ::a.b.c.d (deprecated, still routed by some stacks); :: and ::1 are not.
      if (p.slice(0, 6).every((w) => w === 0) && (p[6] !== 0 || p[7]! > 1)) return fromWords(p[6]!, p[7]!);
      return undefined;
  }
}

function isLoopbackLike(address: Address): boolean {
  // 0.0.0.0 and :: reach the local host on Linux, so they count as loopback, not as "unspecified".
  const text = address.toString();
  return LOOPBACK_RANGES.has(address.range()) || text === '0.0.0.0' || text === '::';
}

export function classifyAddress(address: Address, policy: AddressPolicy): AddressVerdict {
  if (CLOUD_METADATA.some((net) => inNetwork(address, net))) {
    return {
      allowed: false,
      rule: 'cloud-metadata',
      reason: 'cloud metadata endpoint',
      remedy: 'always blocked, no setting allows it',
    };
  }
  if (address.kind() === 'ipv6') {
    const inner = embeddedIPv4(address as ipaddr.IPv6);
    if (inner !== undefined) return classifyAddress(inner, policy);
  }
  if (policy.allowedNetworks.some((net) => inNetwork(address, net))) return { allowed: true };

  const range = address.range();
  if (isLoopbackLike(address)) {
    if (policy.allowLocalhost) return { allowed: true };
    return {
      allowed: false,
      rule: 'loopback',
      reason: 'loopback address',
      remedy: 'set SSRF_ALLOW_LOCALHOST=true to allow it',
    };
  }
  if (NON_UNICAST_RANGES.has(range) || inNetwork(address, CLASS_E)) {
    return {
      allowed: false,
      rule: 'non-unicast',
      reason: `non-unicast or unroutable address (${range === 'unicast' ? 'reserved' : range})`,
      remedy: 'add its network to SSRF_ALLOWED_NETWORKS to allow it',
    };
  }
  if (PRIVATE_RANGES.has(range)) {
    if (policy.allowPrivate) return { allowed: true };
    return {
      allowed: false,
      rule: 'private',
      reason: `private network address (${RANGE_LABELS.get(range) ?? range})`,
      remedy: 'set SSRF_ALLOW_PRIVATE_NETWORKS=true or add its network to SSRF_ALLOWED_NETWORKS to allow it',
    };
  }
  return { allowed: true };
}
