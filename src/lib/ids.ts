/**
 * Stable construct ids for resources built from a list: each is keyed by what it is (a principal's
 * name, a CIDR, an availability zone), never by its position, so removing the first element of a list
 * removes exactly that element's resources and leaves every other address alone.
 *
 * `moveFromIndexedId` migrates a resource from the position-keyed address earlier versions of this
 * repository gave it (docs/upgrades/0001-content-keyed-addresses.md): it emits a Terraform `moved`
 * block, so applying the new code renames the resource in state instead of replacing it.
 */
import type { TerraformResource } from "cdktf";
// cdktf's own logical-id function (not part of its public index): the legacy address must be computed
// exactly as cdktf computed it. test/stable-ids.test.ts pins the result against recorded addresses.
import { makeUniqueId } from "cdktf/lib/private/unique";

/** Characters a construct id may carry readably; everything else becomes `-`. */
function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
}

/**
 * The key of an IAM principal ARN: its name (`PlatformAdmin` for `arn:aws:iam::1:role/team/PlatformAdmin`),
 * prefixed with its account id when it belongs to another account than `homeAccountId`. Names are
 * unique per account whatever their path, so the key is unique within one list.
 */
export function principalKey(arn: string, homeAccountId: string): string {
  const match = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(?:role|user|assumed-role)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!match) throw new Error(`principalKey: not an IAM role or user ARN: ${arn}`);
  const [, account, name] = match;
  return slug(account === homeAccountId ? name : `${account}-${name}`);
}

/** The key of a CIDR block: `10.0.0.0/16` -> `10-0-0-0-16`, `::/0` -> `ipv6-0`. */
export function cidrKey(cidr: string): string {
  return cidr.includes(":") ? `ipv6-${slug(cidr.replace(/:/g, "."))}`.replace(/-+/g, "-") : slug(cidr);
}

/** Throws when two list elements map to the same key (they would collide as construct ids). */
export function assertUniqueKeys(what: string, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw new Error(`${what}: two entries share the key "${key}"; list each only once`);
    seen.add(key);
  }
}

/**
 * Adds a `moved` block from the address `resource` had when its construct id was `legacyId` (same
 * parent construct). Terraform ignores the block once state no longer holds the old address.
 */
export function moveFromIndexedId(resource: TerraformResource, legacyId: string): void {
  const components = pathInStack(resource);
  components[components.length - 1] = legacyId;
  moveFromLegacyPath(resource, components);
}

/**
 * Adds a `moved` block from the address `resource` had at `legacyPath` (construct ids below its stack),
 * for a resource that moved into another construct.
 */
export function moveFromLegacyPath(resource: TerraformResource, legacyPath: readonly string[]): void {
  resource.moveFromId(`${resource.terraformResourceType}.${makeUniqueId([...legacyPath])}`);
}

function pathInStack(resource: TerraformResource): string[] {
  const scopes = resource.node.scopes;
  return scopes.slice(scopes.indexOf(resource.cdktfStack) + 1).map((c) => c.node.id);
}
