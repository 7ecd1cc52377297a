/**
 * IPv4 CIDR arithmetic for the config schema and the network construct, on top of the `netmask`
 * library. Everything here is pure and synchronous so that subnet CIDRs are computed at synth time and
 * show up, literally, in the synthesized JSON (and so in the snapshots).
 */
import { Netmask } from "netmask";

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses a canonical IPv4 CIDR (`10.0.0.0/16`), or returns why it is not one. */
export function parseCidr(cidr: string): { block: Netmask } | { error: string } {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) return { error: "is not an IPv4 CIDR like 10.0.0.0/16" };
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return { error: "has an octet above 255" };
  if (prefix > 32) return { error: "has a prefix length above 32" };
  const block = new Netmask(cidr);
  if (block.base !== octets.join(".")) {
    return { error: `has host bits set (the network address is ${block.base}/${prefix})` };
  }
  return { block };
}

/** Parses a CIDR that is already known to be valid; throws otherwise. */
export function cidr(value: string): Netmask {
  const parsed = parseCidr(value);
  if ("error" in parsed) throw new Error(`CIDR ${value} ${parsed.error}`);
  return parsed.block;
}

/** True when the two CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = cidr(a);
  const y = cidr(b);
  return x.contains(y.base) || y.contains(x.base);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = cidr(outer);
  const i = cidr(inner);
  return i.bitmask >= o.bitmask && o.contains(i.base);
}

/** Returns the first pair of overlapping CIDRs in the list, if any. */
export function firstOverlap<T extends { cidr: string }>(items: readonly T[]): [T, T] | undefined {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (cidrsOverlap(items[i].cidr, items[j].cidr)) return [items[i], items[j]];
    }
  }
  return undefined;
}

/**
 * Carves consecutive, aligned sub-blocks out of `parent`. Each request is a prefix length; requests are
 * served largest block first so that alignment never wastes space, and the result is returned in the
 * order of the requests. Throws when they do not fit.
 */
export function allocateSubnets(parent: string, prefixes: readonly number[]): string[] {
  const root = cidr(parent);
  const order = prefixes.map((prefix, index) => ({ prefix, index })).sort((a, b) => a.prefix - b.prefix || a.index - b.index);
  const result: string[] = new Array(prefixes.length);
  let next = ipToInt(root.base);
  const end = ipToInt(root.base) + root.size;
  const doNotFit = () => new Error(`the subnets (${prefixes.map((p) => `/${p}`).join(", ")}) do not fit in ${parent}`);
  for (const { prefix, index } of order) {
    if (prefix > 28) throw new Error(`a /${prefix} subnet is smaller than AWS allows (/28)`);
    if (prefix < root.bitmask) throw doNotFit();
    const size = 2 ** (32 - prefix);
    next = Math.ceil(next / size) * size;
    if (next + size > end) throw doNotFit();
    result[index] = `${intToIp(next)}/${prefix}`;
    next += size;
  }
  return result;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
