/**
 * Resources built from a list are keyed by content: removing the FIRST element of any such list in a
 * copy of an environment removes that element's resources and changes no other resource (checked with
 * the offline infra diff). The legacy position-keyed addresses are migrated with `moved` blocks.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { describe, expect, it } from "vitest";
import { Database, type DatabaseProps } from "../constructs/database";
import { ENVIRONMENTS } from "../environments";
import type { EnvironmentInput } from "../src/config/schema";
import { loadEnvironment } from "../src/config/load";
import { cidrKey, moveFromIndexedId, principalKey } from "../src/lib/ids";
import { EnvironmentStack } from "../src/lib/stack-base";
import type { TfDocument } from "../src/app/synth-output";
import { listRemovalProblems } from "../tools/list-removal";
import type { StackTree } from "../tools/infra-diff";
import { synthesize, synthesizeAll, stack } from "./helpers/synth";
import { DATABASE_TEST_PROPS } from "./helpers/database-props";

const PROD = ENVIRONMENTS.prod.data;
const admins = ["arn:aws:iam::333333333333:role/PlatformAdmin", "arn:aws:iam::333333333333:role/SreOnCall", "arn:aws:iam::444444444444:role/PlatformAdmin"];
const viewers = ["arn:aws:iam::333333333333:role/PlatformReadOnly", "arn:aws:iam::333333333333:role/team/Auditor"];
const cidrs = ["198.51.100.0/24", "203.0.113.0/24", "0.0.0.0/0"];

/** prod with longer lists on the global plane; `dropFirst` removes the first element of each of them. */
function prodWith(dropFirst = false): EnvironmentInput {
  const env = structuredClone(PROD) as any;
  env.global.cluster.adminRoleArns = dropFirst ? admins.slice(1) : admins;
  env.global.cluster.viewerRoleArns = dropFirst ? viewers.slice(1) : viewers;
  env.global.ingress.allowedCidrs = dropFirst ? cidrs.slice(1) : cidrs;
  return env;
}

function synthTree(input: EnvironmentInput): StackTree {
  const s = synthesize([loadEnvironment(input, "environments/prod.ts (copy)")]);
  return new Map([...s.stacks].map(([name, doc]) => [name, doc as TfDocument]));
}

// One copy with the long lists, one with the first element of every list removed (a list keyed by
// position would show up as changes to the resources of the elements after the first).
const before = synthTree(prodWith());
const after = synthTree(prodWith(true));
const removedOwn = new Map<string, string[]>();
const owners: readonly (readonly [string, (path: string) => boolean])[] = [
  ["admins", (path) => path.includes(`/admin-entry-${principalKey(admins[0], "333333333333")}`) || path.includes(`/admin-policy-${principalKey(admins[0], "333333333333")}`)],
  ["viewers", (path) => path.includes(`/viewer-entry-${principalKey(viewers[0], "333333333333")}`) || path.includes(`/viewer-policy-${principalKey(viewers[0], "333333333333")}`)],
  ["cidrs", (path) => path.endsWith(`/https-in-${cidrKey(cidrs[0])}`)],
];
const problems = listRemovalProblems(before, after, (address, path) => {
  const owner = path === undefined ? undefined : owners.find(([, own]) => own(path));
  if (owner) removedOwn.set(owner[0], [...(removedOwn.get(owner[0]) ?? []), address]);
  return owner !== undefined;
});

describe("removing the first element of a list changes no other resource", () => {
  it("changes nothing but the removed elements' own resources", () => {
    expect(problems).toEqual([]);
  });

  it.each([
    ["admins", "cluster.adminRoleArns", 2],
    ["viewers", "cluster.viewerRoleArns", 2],
    ["cidrs", "ingress.allowedCidrs", 1],
  ] as const)("%s (global.%s): removes exactly the first element's resources", (list, _field, expectedRemovals) => {
    expect(removedOwn.get(list) ?? []).toHaveLength(expectedRemovals);
  });

  it("keys principals by name (account-qualified when foreign) and CIDRs by their text", () => {
    expect(admins.map((a) => principalKey(a, "333333333333"))).toEqual(["PlatformAdmin", "SreOnCall", "444444444444-PlatformAdmin"]);
    expect(principalKey("arn:aws:iam::333333333333:role/team/Auditor", "333333333333")).toBe("Auditor");
    expect(cidrs.map(cidrKey)).toEqual(["198-51-100-0-24", "203-0-113-0-24", "0-0-0-0-0"]);
    expect(cidrKey("::/0")).toBe("ipv6-0");
  });

  it("rejects a list naming the same principal twice (the schema, before any construct could collide)", () => {
    const env = prodWith() as any;
    env.global.cluster.adminRoleArns = [admins[0], admins[0]];
    expect(() => loadEnvironment(env, "prod copy")).toThrow(/global\.cluster\.adminRoleArns\[1\]: got "[^"]+"; must not repeat a principal that already has an access entry on this cluster \(global\.cluster\.adminRoleArns\[0\]\)/);
  });

  it("database sources are keyed by name: dropping the first leaves the second's rule alone", () => {
    const synthDb = (names: string[]): StackTree => {
      const app = Testing.app();
      const stackScope = new TerraformStack(app, "db");
      const vpc = new Vpc(stackScope, "vpc", { cidrBlock: "10.0.0.0/16" });
      const props: DatabaseProps = {
        ...DATABASE_TEST_PROPS,
        vpcId: vpc.id,
        allowedSources: names.map((name) => ({ name, securityGroupId: `sg-${name}` })),
      };
      new Database(stackScope, "database", props);
      return new Map([["db", JSON.parse(Testing.synth(stackScope))]]);
    };
    const removed: string[] = [];
    expect(listRemovalProblems(synthDb(["eks", "bastion"]), synthDb(["bastion"]), (a) => (a.includes("_ingress-from-eks_") ? (removed.push(a), true) : false))).toEqual([]);
    expect(removed).toHaveLength(1);
  });
});

describe("the guard itself", () => {
  /** The old, position-keyed pattern: one resource per element, named by index. */
  class IndexKeyed extends Construct {
    constructor(scope: Construct, id: string, cidrs: readonly string[]) {
      super(scope, id);
      cidrs.forEach((cidr, i) => new Vpc(this, `vpc-${i}`, { cidrBlock: cidr }));
    }
  }
  const synthIndexed = (list: string[]): StackTree => {
    const app = Testing.app();
    const s = new TerraformStack(app, "fixture");
    new IndexKeyed(s, "lists", list);
    return new Map([["fixture", JSON.parse(Testing.synth(s))]]);
  };

  it("fires on position-keyed resources: dropping the first element changes every later one", () => {
    const problems = listRemovalProblems(synthIndexed(["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]), synthIndexed(["10.1.0.0/16", "10.2.0.0/16"]), (a) => a.includes("_vpc-0_"));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toMatch(/changed \(cidr_block\)/);
  });
});

describe("migration from the position-keyed addresses", () => {
  const synth = synthesizeAll(); // the real prod, synthesized once per test run
  const moved = (name: string): { from: string; to: string }[] => (stack(synth, name) as any).moved ?? [];

  it("moves the recorded legacy addresses of prod-global to the content-keyed ones", () => {
    const byFrom = new Map(moved("prod-global").map((m) => [m.from, m.to]));
    // Addresses recorded from the previous snapshots (test/__snapshots__ before the change).
    expect(byFrom.get("aws_eks_access_entry.cluster_admin-entry-0_BD162779")).toMatch(/^aws_eks_access_entry\.cluster_admin-entry-PlatformAdmin_/);
    expect(byFrom.get("aws_eks_access_entry.cluster_viewer-entry-0_6F98FA40")).toMatch(/^aws_eks_access_entry\.cluster_viewer-entry-PlatformReadOnly_/);
    expect(byFrom.get("aws_eks_access_policy_association.cluster_admin-policy-0_85BA70B4")).toMatch(/admin-policy-PlatformAdmin_/);
    expect(byFrom.get("aws_vpc_security_group_ingress_rule.ingress_https-in-0_543D308C")).toMatch(/ingress_https-in-0-0-0-0-0_/);
    expect(byFrom.get("aws_vpc_security_group_ingress_rule.database_ingress-0_79215132")).toMatch(/database_ingress-from-eks-cluster_/);
    expect(byFrom.get("aws_vpc_security_group_ingress_rule.lb-to-pods")).toMatch(/ingress_to-pods_/);
  });

  it("moves the regional plane's peering routes from positions to availability zones", () => {
    const byFrom = new Map(moved("prod-regional-uswest").map((m) => [m.from, m.to]));
    expect(byFrom.get("aws_route.peering-global_to-global-0_0265A795")).toMatch(/to-global-us-west-2a_/);
    expect(byFrom.get("aws_route.peering-global_to-regional-uswest-2_37316773")).toMatch(/to-regional-uswest-us-east-1c_/);
  });

  it("writes moved blocks without running Terraform at synth (its required_version enforces >= 1.5 instead)", () => {
    const outdir = mkdtempSync(join(tmpdir(), "cdn-moves-"));
    const app = new App({ outdir, skipValidation: false });
    const stackWithMove = new EnvironmentStack(app, "moves", loadEnvironment(PROD, "environments/prod.ts"));
    stackWithMove.awsProvider("aws", "us-east-1");
    moveFromIndexedId(new Vpc(stackWithMove, "content-key", { cidrBlock: "10.0.0.0/16" }), "0");
    const path = process.env.PATH;
    process.env.PATH = ""; // no `terraform` to run: cdktf's own version check would fail the synth
    try {
      app.synth();
    } finally {
      process.env.PATH = path;
    }
    const tf = JSON.parse(readFileSync(join(outdir, "stacks", "moves", "cdk.tf.json"), "utf8"));
    rmSync(outdir, { recursive: true, force: true });
    expect(tf.moved).toEqual([{ from: "aws_vpc.0", to: "aws_vpc.content-key" }]);
    expect(tf.terraform.required_version).toBe(">= 1.11");
  });

  it("every move targets a resource the stack declares", () => {
    for (const name of ["prod-global", "prod-regional-uswest"]) {
      const tf = stack(synth, name);
      const list = moved(name);
      expect(list.length).toBeGreaterThan(0);
      for (const { to } of list) {
        const [type, logical] = to.split(".");
        expect(tf.resource?.[type]?.[logical], `${name}: ${to}`).toBeDefined();
      }
    }
  });
});
