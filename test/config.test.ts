/** Config validation: the real environments pass; every kind of bad input fails with a clear message. */
import { describe, expect, it } from "vitest";
import { dev } from "../environments/dev";
import { ENVIRONMENTS } from "../environments";
import { ConfigError, loadEnvironment } from "../src/config/load";
import type { EnvironmentInput } from "../src/config/schema";
import { loadEnvironments, stateBackendOverride } from "../src/config/environments";

const FILE = "environments/dev.ts";

/** A deep copy of dev with `mutate` applied. */
function devWith(mutate: (env: any) => void): EnvironmentInput {
  const copy = structuredClone(dev) as any;
  mutate(copy);
  return copy;
}

/** The validation message for a mutated dev; fails the test when validation passes. */
function problemsOf(mutate: (env: any) => void): string {
  try {
    loadEnvironment(devWith(mutate), FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
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
    expect(prodEnv.regions.every((r) => r.natGateways === "per-az")).toBe(true);
  });

  it("staging and prod keep state in S3, dev locally", () => {
    const envs = loadEnvironments();
    expect(envs.map((e) => [e.name, e.state.backend])).toEqual([
      ["dev", "local"],
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

  it("an unknown field (a typo)", () => {
    expect(problemsOf((e) => (e.global.natGateway = "single"))).toContain('unknown field(s) "natGateway"');
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

describe("CDN_STATE_BACKEND override", () => {
  it("moves dev to the S3 backend for CI, and nothing else", () => {
    const [dev] = loadEnvironments(["dev"], { stateBackend: "s3" });
    expect(dev.state.backend).toBe("s3");
    expect(dev.state.bucket).toBe("cdn-tfstate-dev-111111111111");
    expect(loadEnvironments(["dev"])[0].state.backend).toBe("local");
  });

  it("accepts only local or s3", () => {
    expect(stateBackendOverride(undefined)).toBeUndefined();
    expect(stateBackendOverride("s3")).toBe("s3");
    expect(() => stateBackendOverride("gcs")).toThrow(/CDN_STATE_BACKEND[\s\S]*got "gcs"; must be "local" or "s3"/);
  });
});
