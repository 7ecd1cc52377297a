/** The `access` section and its guards: every plane has a way to its private API, private outside dev. */
import { describe, expect, it } from "vitest";
import { dev } from "../environments/dev";
import { staging } from "../environments/staging";
import { loadEnvironment } from "../src/config/load";
import { configProblems } from "./helpers/config-problems";

const problemsOf = configProblems;

const DEV = "environments/dev.ts";
const STAGING = "environments/staging.ts";

describe("access to the private cluster APIs", () => {
  it("rejects an environment where a plane has no way in (no runner, no access host, no public CIDRs)", () => {
    const message = problemsOf(dev, DEV, (e) => {
      e.access.ciRunners = { enabled: false };
      e.access.bastion = { enabled: false };
    });
    expect(message).toContain(DEV);
    expect(message).toContain("access: got {");
    expect(message).toContain("must give the global plane a way to its private EKS API: enable access.ciRunners (CI) and/or access.bastion (operators), or list global.cluster.publicAccessCidrs");
    expect(message).toContain("must give the regions[0] plane a way to its private EKS API");
  });

  it("accepts dev with only listed public CIDRs, and names the CIDR option only in dev", () => {
    const raw = structuredClone(dev) as any;
    raw.access.ciRunners = { enabled: false };
    raw.access.bastion = { enabled: false };
    raw.global.cluster.publicAccessCidrs = ["203.0.113.0/24"];
    raw.regions[0].cluster.publicAccessCidrs = ["203.0.113.0/24"];
    expect(loadEnvironment(raw, DEV).global.cluster.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
    const message = problemsOf(staging, STAGING, (e) => {
      e.access.ciRunners = { enabled: false };
      e.access.bastion = { enabled: false };
    });
    expect(message).toContain("enable access.ciRunners (CI) and/or access.bastion (operators)\n");
    expect(message).not.toContain("publicAccessCidrs");
  });

  it("accepts an access host alone (CI then skips the in-cluster stacks)", () => {
    const raw = structuredClone(staging) as any;
    raw.access.ciRunners = { enabled: false };
    expect(loadEnvironment(raw, STAGING).access.bastion.enabled).toBe(true);
  });

  it("keeps the endpoint private outside dev", () => {
    const message = problemsOf(staging, STAGING, (e) => (e.global.cluster.publicAccessCidrs = ["203.0.113.0/24"]));
    expect(message).toContain('global.cluster.publicAccessCidrs: got ["203.0.113.0/24"]; must be empty in staging: the API endpoint stays private');
  });

  it("never opens the dev endpoint to the whole internet", () => {
    const message = problemsOf(dev, DEV, (e) => (e.regions[0].cluster.publicAccessCidrs = ["0.0.0.0/0"]));
    expect(message).toContain('regions[0].cluster.publicAccessCidrs[0]: got "0.0.0.0/0"; must not be the whole internet');
  });

  it("needs the GitHub connection ARN, of the environment's account, when runners are on", () => {
    const missing = problemsOf(dev, DEV, (e) => delete e.access.ciRunners.connectionArn);
    expect(missing).toContain("access.ciRunners.connectionArn: got nothing; is required when access.ciRunners.enabled is true: deploy dev-bootstrap");
    const foreign = problemsOf(dev, DEV, (e) => (e.access.ciRunners.connectionArn = "arn:aws:codeconnections:us-east-1:999999999999:connection/7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"));
    expect(foreign).toContain('access.ciRunners.connectionArn: got "arn:aws:codeconnections:us-east-1:999999999999:connection/');
    expect(foreign).toContain("must be a connection of the environment's account 111111111111");
    const malformed = problemsOf(dev, DEV, (e) => (e.access.ciRunners.connectionArn = "arn:aws:codebuild:us-east-1:111111111111:project/x"));
    expect(malformed).toContain("must be a CodeConnections connection ARN");
  });

  it("rejects unknown fields, bad repository names and non-x86 access host types", () => {
    expect(problemsOf(dev, DEV, (e) => (e.access.bastion.sshKey = "x"))).toContain("access.bastion.sshKey: unknown field");
    expect(problemsOf(dev, DEV, (e) => (e.ci.repository = "acme cdn/infra"))).toContain('ci.repository: got "acme cdn/infra"; must be a GitHub repository as owner/name');
    expect(problemsOf(dev, DEV, (e) => (e.access.bastion.instanceType = "t4g.micro"))).toContain('access.bastion.instanceType: got "t4g.micro"; must be an x86_64 instance type');
    expect(problemsOf(dev, DEV, (e) => (e.access.ciRunners.computeType = "BUILD_GENERAL1_2XLARGE"))).toContain("access.ciRunners.computeType");
  });

  it("needs the ingress hostname as a DNS name", () => {
    expect(problemsOf(dev, DEV, (e) => delete e.global.ingress.hostname)).toContain("global.ingress.hostname: got nothing; is required");
    expect(problemsOf(dev, DEV, (e) => (e.global.ingress.hostname = "*.example.com"))).toContain('global.ingress.hostname: got "*.example.com"; must be a lowercase DNS name');
  });
});
