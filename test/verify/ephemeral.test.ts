/**
 * Ephemeral copies of an environment without code changes: CDN_CONFIG_OVERRIDES replaces field values
 * before validation (account, globally unique names, state key, certificates, access), the schema still
 * judges the result, and the cost guard bounds what such a copy may cost.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/load";
import { applyValueOverrides, parsePath, parseValueOverrides } from "../../src/config/overrides";
import { loadEnvironments } from "../../src/config/environments";
import { costProblems, type CostLimits } from "../../tools/verify/cost-guard";
import { nonEmpty } from "../helpers/assert";
import { SANDBOX } from "../helpers/sandbox";
import { configsOf, stack, synthesize } from "../helpers/synth";

const ROOT = join(__dirname, "..", "..");


describe("CDN_CONFIG_OVERRIDES", () => {
  it("replaces values before validation, in the named environment only", () => {
    const envs = loadEnvironments(["dev", "prod"], { values: SANDBOX });
    const dev = envs[0];
    expect(dev.accountId).toBe("444455556666");
    expect(dev.bundleBucketName).toBe("cdn-config-bundles-it-8812345");
    expect(dev.state).toMatchObject({ bucket: "cdn-tfstate-sandbox-444455556666", keyPrefix: "integration/8812345" });
    expect(dev.regions[0].ingress.certificateArn).toContain("444455556666");
    expect(dev.global.cluster.publicAccessCidrs).toEqual(["203.0.113.7/32"]);
    expect(envs[1].accountId).toBe("333333333333");
    // The environment file's data is not modified.
    expect(loadEnvironments(["dev"])[0].accountId).toBe("111111111111");
  });

  it("synthesizes the copy with the unique names and the sandbox account guard", () => {
    const s = synthesize(loadEnvironments(["dev"], { values: SANDBOX }));
    const global = stack(s, "dev-global");
    expect(configsOf(global, "aws_s3_bucket").map((b) => b.bucket).sort()).toEqual([
      "cdn-config-bundles-it-8812345",
      "cdn-config-bundles-it-8812345-access-logs",
      "cdn-config-bundles-it-8812345-replica",
      // Dump buckets carry the (sandbox) account id; one run at a time per account (concurrency group).
      "cdn-dev-global-pgdump-444455556666",
      "cdn-dev-global-pgdump-dr-444455556666",
    ]);
    expect(nonEmpty(global.provider!.aws as any[], "dev-global AWS providers").every((p) => p.allowed_account_ids[0] === "444455556666")).toBe(true);
    expect(global.terraform.backend.s3).toMatchObject({ bucket: "cdn-tfstate-sandbox-444455556666", key: "integration/8812345/dev-global.tfstate" });
    expect(s.policy.violations).toEqual([]);
  });

  it("rejects bad JSON, bad shapes, bad paths and unknown environments, naming the variable", () => {
    expect(() => parseValueOverrides("{")).toThrow(/CDN_CONFIG_OVERRIDES:\n {2}- is not JSON/);
    expect(() => parseValueOverrides('{"dev": 1}')).toThrow('got {"dev":1}; expected {"<environment>": {"<field path>": <value>, ...}}');
    expect(parseValueOverrides("")).toBeUndefined();
    expect(() => applyValueOverrides({ regions: [{}] }, { "regions[3].key": "x", "nope.deeper": 1, "regions.key": "y" }, "dev")).toThrow(
      /"regions\[3\].key": 3 does not exist in environment dev\n {2}- "nope.deeper": "nope" does not exist in environment dev\n {2}- "regions.key": a list; select an element with \[index\]/,
    );
    expect(() => loadEnvironments(["dev"], { values: { qa: { accountId: "1" } } })).toThrow(/CDN_CONFIG_OVERRIDES:\n {2}- names \["qa"\]; must name environments that exist/);
    expect(() => parsePath("regions[0]..key")).toThrow("is not a field path");
    expect(parsePath("regions[0].ingress.certificateArn")).toEqual(["regions", 0, "ingress", "certificateArn"]);
  });

  it("a bad override value fails validation with the field, the value and the source", () => {
    let error: unknown;
    try {
      loadEnvironments(["dev"], { values: { dev: { accountId: "12345", "global.cluster.publicAccessCidrs": ["0.0.0.0/33"] } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as ConfigError).message).toContain("Invalid environment config in environments/dev.ts with CDN_CONFIG_OVERRIDES:");
    expect((error as ConfigError).message).toContain('accountId: got "12345"; must be a 12-digit AWS account id');
  });
});

describe("the integration workflow's overrides", () => {
  it("are valid paths and values for dev: the copy validates and synthesizes without code changes", () => {
    const workflow = readFileSync(join(ROOT, ".github", "workflows", "integration.yml"), "utf8");
    const jq = /jq -cn [\s\S]*?'(\{dev: \{[\s\S]*?\}\})'\)/.exec(workflow)?.[1];
    expect(jq, "the overrides expression in integration.yml").toBeDefined();
    const values: Record<string, string> = {
      account: "444455556666",
      run: "8812345",
      state: "cdn-tfstate-sandbox-444455556666",
      east: "arn:aws:acm:us-east-1:444455556666:certificate/11111111-2222-4333-8444-555555555555",
      west: "arn:aws:acm:us-west-2:444455556666:certificate/66666666-7777-4888-9999-000000000000",
      role: "arn:aws:iam::444455556666:role/IntegrationDeploy",
      plan: "arn:aws:iam::444455556666:role/IntegrationReadOnly",
      cidr: "203.0.113.7/32",
    };
    const json = jq!
      .replace(/\("([^"]*)" \+ \$(\w+)\)/g, (_, prefix: string, v: string) => JSON.stringify(prefix + values[v]))
      .replace(/\$(\w+)/g, (_, v: string) => JSON.stringify(values[v]))
      .replace(/^\{dev:/, '{"dev":');
    const overrides = parseValueOverrides(json)!;
    expect(overrides).toEqual(SANDBOX);
    const [dev] = loadEnvironments(["dev"], { values: overrides });
    expect(dev.bundleBucketName).toBe("cdn-config-bundles-it-8812345");
  });
});

describe("the cost guard", () => {
  const limits: CostLimits = { nodeInstanceTypes: ["t3.large", "t3a.large"], maxNodesPerGroup: 5, dbInstanceClasses: ["db.m6gd.large"], maxDbStorageGiB: 100, maxDbIops: 1000, maxPlanes: 2, natPerAz: false };

  it("passes dev (and its sandbox copy), and lists every excess of prod", () => {
    expect(costProblems(loadEnvironments(["dev"], { values: SANDBOX })[0], limits)).toEqual([]);
    expect(costProblems(loadEnvironments(["prod"])[0], limits)).toEqual([
      'global: natGateways per-az, only "single" allowed',
      "global: node group system uses m6i.xlarge, m5.xlarge; allowed: t3.large, t3a.large",
      "global: database class db.m6gd.xlarge; allowed: db.m6gd.large",
      "global: database storage 400 GiB, at most 100",
      "global: database IOPS 3000, at most 1000",
      'regional-uswest: natGateways per-az, only "single" allowed',
      "regional-uswest: node group system uses m6i.xlarge, m5.xlarge; allowed: t3.large, t3a.large",
      "regional-uswest: database class db.m6gd.xlarge; allowed: db.m6gd.large",
      "regional-uswest: database storage 400 GiB, at most 100",
      "regional-uswest: database IOPS 3000, at most 1000",
    ]);
  });
});
