/** Config validation: the real environments pass; every kind of bad input fails with a clear message. */
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { dev } from "../environments/dev";
import { ENVIRONMENTS } from "../environments";
import { loadEnvironment } from "../src/config/load";
import type { EnvironmentInput } from "../src/config/schema";
import { loadEnvironments, rejectStateBackendOverride } from "../src/config/environments";
import { configProblems } from "./helpers/config-problems";

const FILE = "environments/dev.ts";

/** A deep copy of dev with `mutate` applied. */
function devWith(mutate: (env: any) => void): EnvironmentInput {
  const copy = structuredClone(dev) as any;
  mutate(copy);
  return copy;
}

/** The validation message for a mutated dev; fails the test when validation passes. */
function problemsOf(mutate: (env: any) => void): string {
  return configProblems(dev, FILE, mutate);
}

/** The problem lines of a ConfigError message. */
function problemsIn(message: string): string[] {
  return message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
}

describe("environment files", () => {
  it.each(Object.keys(ENVIRONMENTS))("%s validates", (name) => {
    const env = loadEnvironment(ENVIRONMENTS[name].data, ENVIRONMENTS[name].file);
    expect(env.name).toBe(name);
    expect(env.regions.map((r) => r.key)).toContain("uswest");
    expect(env.global.region).toBe("us-east-1");
    expect(env.regions.find((r) => r.key === "uswest")?.region).toBe("us-west-2");
  });

  it("prod uses one NAT gateway per AZ, dev a single one", () => {
    const [devEnv, , prodEnv] = loadEnvironments(["dev", "staging", "prod"]);
    expect(devEnv.global.natGateways).toBe("single");
    expect(prodEnv.global.natGateways).toBe("per-az");
    expect(nonEmpty(prodEnv.regions, "prod regions").every((r) => r.natGateways === "per-az")).toBe(true);
  });

  it("every environment keeps state in S3, dev included", () => {
    const envs = loadEnvironments();
    expect(envs.map((e) => [e.name, e.state.backend])).toEqual([
      ["dev", "s3"],
      ["staging", "s3"],
      ["prod", "s3"],
    ]);
  });
});

describe("bad input fails with file, field, value and what is allowed", () => {
  it("fewer than 2 AZs", () => {
    const message = problemsOf((e) => (e.global.availabilityZones = ["us-east-1a"]));
    expect(message).toContain(FILE);
    expect(message).toContain('global.availabilityZones: got ["us-east-1a"]; must list at least 2 availability zones');
  });

  it("an AZ outside the plane's region", () => {
    const message = problemsOf((e) => (e.regions[0].availabilityZones[1] = "us-east-1b"));
    expect(message).toContain('regions[0].availabilityZones[1]: got "us-east-1b"; must be an availability zone of us-west-2');
  });

  it("a malformed CIDR", () => {
    expect(problemsOf((e) => (e.global.vpcCidr = "10.10.0.0/33"))).toContain('global.vpcCidr: got "10.10.0.0/33"; must be an IPv4 CIDR block');
    expect(problemsOf((e) => (e.global.vpcCidr = "10.10.1.0/16"))).toMatch(/global\.vpcCidr: got "10\.10\.1\.0\/16"; .*host bits set/);
    expect(problemsOf((e) => (e.global.vpcCidr = "ten.0.0.0/16"))).toContain('global.vpcCidr: got "ten.0.0.0/16"');
    expect(problemsOf((e) => (e.global.vpcCidr = "10.0.0.0/8"))).toContain("must have a prefix length from /16 to /24");
  });

  it("VPC CIDRs that overlap across the planes of an environment", () => {
    const message = problemsOf((e) => (e.regions[0].vpcCidr = "10.10.128.0/17"));
    expect(message).toContain('regions[0].vpcCidr: got "10.10.128.0/17"; must not overlap global.vpcCidr (10.10.0.0/16)');
  });

  it("subnet CIDRs that overlap within a VPC", () => {
    const message = problemsOf((e) => {
      e.global.subnets = {
        explicit: {
          public: ["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24"],
          private: ["10.10.32.0/19", "10.10.64.0/19", "10.10.96.0/19"],
          database: ["10.10.2.0/24", "10.10.4.0/24", "10.10.5.0/24"],
        },
      };
    });
    expect(message).toContain("global.subnets.explicit");
    expect(message).toContain("subnets.explicit.public[2] (10.10.2.0/24) overlaps subnets.explicit.database[0] (10.10.2.0/24)");
  });

  it("subnets that do not fit in the VPC", () => {
    const message = problemsOf((e) => (e.global.vpcCidr = "10.10.0.0/20"));
    expect(message).toContain('global.vpcCidr: got "10.10.0.0/20"; must hold the plane\'s subnets');
    expect(message).toContain("do not fit in 10.10.0.0/20");
  });

  it("a subnet outside the VPC", () => {
    const message = problemsOf((e) => {
      e.global.subnets = {
        explicit: {
          public: ["10.10.0.0/24", "10.10.1.0/24", "10.99.2.0/24"],
          private: ["10.10.32.0/19", "10.10.64.0/19", "10.10.96.0/19"],
          database: ["10.10.3.0/24", "10.10.4.0/24", "10.10.5.0/24"],
        },
      };
    });
    expect(message).toContain("global.subnets.explicit.public[2]: got \"10.99.2.0/24\"; must lie inside the VPC CIDR 10.10.0.0/16");
  });

  it("duplicate region keys", () => {
    const message = problemsOf((e) => {
      const copy = structuredClone(e.regions[0]);
      copy.vpcCidr = "10.12.0.0/16";
      e.regions.push(copy);
    });
    expect(message).toContain('regions[1].key: got "uswest"; must be unique; regions[0] already uses "uswest"');
  });

  it("an invalid account id", () => {
    expect(problemsOf((e) => (e.accountId = "12345"))).toContain('accountId: got "12345"; must be a 12-digit AWS account id');
  });

  it("a missing mandatory tag", () => {
    const message = problemsOf((e) => delete e.tags.CostCenter);
    expect(message).toContain("tags.CostCenter: got nothing; is a mandatory tag and must be set");
  });

  it("an empty mandatory tag", () => {
    expect(problemsOf((e) => (e.tags.Team = ""))).toContain('tags.Team: got ""; is a mandatory tag and must not be empty');
  });

  it("an Environment tag that disagrees with the environment", () => {
    expect(problemsOf((e) => (e.tags.Environment = "prod"))).toContain('tags.Environment: got "prod"; must equal the environment name "dev"');
  });

  it("an unknown field (a typo): its path and the closest field, without dumping the object", () => {
    const message = problemsOf((e) => (e.global.natGateway = "single"));
    expect(problemsIn(message)).toEqual(['global.natGateway: unknown field; did you mean "natGateways"?']);
  });

  it("a misspelled required field is one mistake: no second error saying the real one is missing", () => {
    const message = problemsOf((e) => {
      e.global.database.instanceClas = e.global.database.instanceClass;
      delete e.global.database.instanceClass;
    });
    expect(problemsIn(message)).toEqual(['global.database.instanceClas: unknown field; did you mean "instanceClass"?']);
  });

  it("a misspelled section at the top level", () => {
    const message = problemsOf((e) => {
      e.tag = e.tags;
      delete e.tags;
    });
    expect(problemsIn(message)).toEqual(['tag: unknown field; did you mean "tags"?']);
  });

  it("an unknown field like no known one: the fields that exist there", () => {
    const [line] = problemsIn(problemsOf((e) => (e.regions[0].cluster.zzzz = 1)));
    expect(line).toMatch(/^regions\[0\]\.cluster\.zzzz: unknown field; regions\[0\]\.cluster has "kubernetesVersion", "publicAccessCidrs", /);
  });

  it("minSize above maxSize is one error, not also one about desiredSize", () => {
    const message = problemsOf((e) => {
      e.global.cluster.nodeGroups[0].minSize = 6;
      e.global.cluster.nodeGroups[0].maxSize = 4;
    });
    expect(problemsIn(message)).toEqual(["global.cluster.nodeGroups[0].minSize: got 6; must not exceed maxSize (4)"]);
  });

  it("a desiredSize outside the range is still reported", () => {
    expect(problemsIn(problemsOf((e) => (e.global.cluster.nodeGroups[0].desiredSize = 9)))).toEqual([
      "global.cluster.nodeGroups[0].desiredSize: got 9; must lie between minSize (3) and maxSize (5)",
    ]);
  });

  it("a plane's AZ list of another region is one error, not also one per database AZ", () => {
    const message = problemsOf((e) => (e.regions[0].availabilityZones = ["us-east-1a", "us-east-1b", "us-east-1c"]));
    expect(problemsIn(message)).toEqual([
      'regions[0].availabilityZones: got ["us-east-1a","us-east-1b","us-east-1c"]; must be availability zones of the plane\'s region us-west-2 (like us-west-2a, us-west-2b)',
    ]);
  });

  it("a wrong AZ in the plane's list does not also fail the database AZs that used to match it", () => {
    const message = problemsOf((e) => (e.regions[0].availabilityZones[1] = "us-east-1b"));
    expect(problemsIn(message)).toEqual(['regions[0].availabilityZones[1]: got "us-east-1b"; must be an availability zone of us-west-2 (like us-west-2a)']);
  });

  it("a database AZ outside a valid plane AZ list is reported", () => {
    const message = problemsOf((e) => (e.regions[0].database.availabilityZones[2] = "us-west-2d"));
    expect(problemsIn(message)).toEqual([
      'regions[0].database.availabilityZones[2]: got "us-west-2d"; must be one of the plane\'s availability zones (us-west-2a, us-west-2b, us-west-2c)',
    ]);
  });

  it("an unknown AWS region is reported as such, with the closest real one, and nothing about its AZs", () => {
    const message = problemsOf((e) => (e.regions[0].region = "us-west-3"));
    const lines = problemsIn(message);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^regions\[0\]\.region: got "us-west-3"; is not an AWS region \(did you mean "us-west-1"\?\); regions: af-south-1, /);
    expect(problemsIn(problemsOf((e) => (e.state.region = "eu-middle-1")))[0]).toMatch(/^state\.region: got "eu-middle-1"; is not an AWS region/);
  });

  it("a real region newer than the pinned provider says to upgrade the provider", () => {
    expect(problemsIn(problemsOf((e) => (e.regions[0].region = "ap-southeast-6")))).toEqual([
      'regions[0].region: got "ap-southeast-6"; is an AWS region newer than the pinned AWS provider (5.100.0), which rejects it: upgrade @cdktf/provider-aws first',
    ]);
  });

  it("a region change without its AZs: the AZs once (with a word on the database AZs) and the certificate of the old region", () => {
    const lines = problemsIn(problemsOf((e) => (e.regions[0].region = "eu-west-1")));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("regions[0].availabilityZones: got [\"us-west-2a\",\"us-west-2b\",\"us-west-2c\"]; must be availability zones of the plane's region eu-west-1");
    expect(lines[0]).toContain("database.availabilityZones must then be three of them");
    expect(lines[1]).toMatch(/^regions\[0\]\.ingress\.certificateArn: got "arn:aws:acm:us-west-2:.*must be a certificate in the plane's region eu-west-1/);
  });

  it("IOPS below their own minimum are not also checked against the storage size", () => {
    expect(problemsIn(problemsOf((e) => (e.global.database.iops = 10)))).toEqual(["global.database.iops: got 10; must be at least 1000"]);
  });

  it("summarizes a long value instead of dumping it", () => {
    const [line] = problemsIn(problemsOf((e) => (e.global.cluster.nodeGroups = Array.from({ length: 30 }, () => "x"))));
    expect(line).toBe('global.cluster.nodeGroups[0]: got "x"; must be object');
    const objects = problemsIn(problemsOf((e) => (e.regions = [])));
    expect(objects).toEqual(["regions: got []; must define at least one regional plane"]);
  });

  it("an unknown NAT mode", () => {
    expect(problemsOf((e) => (e.global.natGateways = "none"))).toContain('global.natGateways: got "none"; must be one of "per-az", "single"');
  });

  it("prod without a NAT gateway per AZ", () => {
    const prod = structuredClone(ENVIRONMENTS.prod.data) as any;
    prod.global.natGateways = "single";
    expect(() => loadEnvironment(prod, "environments/prod.ts")).toThrow(/environments\/prod\.ts[\s\S]*global\.natGateways: got "single"; must be per-az in prod/);
  });

  it("lists every problem at once", () => {
    const message = problemsOf((e) => {
      e.accountId = "x";
      e.global.availabilityZones = ["us-east-1a"];
    });
    expect(message).toContain("accountId");
    expect(message).toContain("global.availabilityZones");
  });
});

describe("one source of truth for state", () => {
  it("keeps every shared environment, dev included, in S3", () => {
    const envs = loadEnvironments();
    expect(envs.length).toBeGreaterThan(0);
    for (const env of envs) expect([env.name, env.state.backend, env.sandbox]).toEqual([env.name, "s3", false]);
  });

  it("refuses local state for a shared environment, naming the field and the sandbox alternative", () => {
    const raw = devWith((e) => (e.state.backend = "local"));
    expect(() => loadEnvironment(raw, "environments/dev.ts")).toThrow(
      /environments\/dev\.ts[\s\S]*state\.backend: got "local"; must be "s3" for a shared environment[\s\S]*sandbox: true/,
    );
    expect(loadEnvironment({ ...raw, sandbox: true }, "environments/dev.ts").state.backend).toBe("local");
  });

  it("rejects the removed CDN_STATE_BACKEND override instead of ignoring it", () => {
    expect(() => rejectStateBackendOverride(undefined)).not.toThrow();
    expect(() => rejectStateBackendOverride("")).not.toThrow();
    expect(() => rejectStateBackendOverride("local")).toThrow(/CDN_STATE_BACKEND[\s\S]*got "local"; this override was removed/);
  });
});
