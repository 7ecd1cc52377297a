/**
 * renovate.json is checked offline: against Renovate's JSON schema (vendored at the version the
 * workflow runs) and against this repository's rules, because the schema accepts unknown keys. Each
 * guard gets a broken config that makes it fire.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractPins, lintRenovateConfig, policyProblems, renovateSchema, schemaProblems } from "../tools/renovate-lint";
import { ADDON_NAMES } from "../tools/preflight/checks/eks";
import { CHART_SOURCES } from "../tools/preflight/checks/helm";
import { EKS_1_35_ADDONS, HELM_CHARTS, KUBERNETES_VERSION, POSTGRES_ENGINE_VERSION } from "../environments/shared";

const ROOT = join(__dirname, "..");
const config = JSON.parse(readFileSync(join(ROOT, "renovate.json"), "utf8"));
const renovateWorkflow = readFileSync(join(ROOT, ".github", "workflows", "renovate.yml"), "utf8");
const copy = () => structuredClone(config);

describe("renovate.json", () => {
  it("is valid against the schema of the Renovate version the workflow runs, and passes the repository's rules", () => {
    const { version } = renovateSchema();
    expect(renovateWorkflow).toContain(`RENOVATE_VERSION: "${version}"`);
    expect(lintRenovateConfig(config, ROOT)).toEqual([]);
  });

  it("finds every pin of environments/shared.ts, with the value in the file", () => {
    const pins = extractPins(config, ROOT);
    const inShared = pins.filter((p) => p.file === "environments/shared.ts");
    const found = (datasource: string, depName: string) => inShared.filter((p) => p.datasource === datasource && p.depName === depName).map((p) => p.currentValue);
    expect(found("endoflife-date", "amazon-eks")).toEqual([KUBERNETES_VERSION]);
    expect(found("aws-rds", "postgres")).toEqual([POSTGRES_ENGINE_VERSION]);
    // Every add-on and every chart: a pin added without its annotation fails here.
    for (const [key, name] of Object.entries(ADDON_NAMES)) expect(found("aws-eks-addon", name), name).toEqual([EKS_1_35_ADDONS[key as keyof typeof EKS_1_35_ADDONS]]);
    for (const [key, version] of Object.entries(HELM_CHARTS)) {
      const source = CHART_SOURCES[key];
      expect(source, `CHART_SOURCES has ${key}`).toBeDefined();
      expect(found("helm", source.chart), key).toEqual([version]);
      expect(inShared.find((p) => p.depName === source.chart)?.registryUrl).toBe(source.repository);
    }
    expect(inShared).toHaveLength(2 + Object.keys(ADDON_NAMES).length + Object.keys(HELM_CHARTS).length);
    // Add-on lookups are for the Kubernetes version the clusters run.
    for (const pin of inShared.filter((p) => p.datasource === "aws-eks-addon")) {
      expect(JSON.parse(pin.packageName!)).toEqual({ addonName: pin.depName, kubernetesVersion: KUBERNETES_VERSION });
    }
    expect(JSON.parse(inShared.find((p) => p.datasource === "aws-rds")!.packageName!)).toEqual([{ Name: "engine", Values: ["postgres"] }]);
  });

  it("finds the container image and its own version; the Terraform and Node versions live in files Renovate's own managers read", () => {
    const pins = extractPins(config, ROOT).map((p) => `${p.file} ${p.datasource} ${p.depName} ${p.currentValue}`);
    expect(pins).toContain("constructs/smoke-test/index.ts docker nginxinc/nginx-unprivileged 1.27-alpine");
    expect(pins).toContain(`.github/workflows/renovate.yml npm renovate ${renovateSchema().version}`);
    // One source each (issue 18), updated by Renovate's built-in terraform-version and nvm managers.
    expect(readFileSync(join(ROOT, ".terraform-version"), "utf8").trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(join(ROOT, ".nvmrc"), "utf8").trim()).toMatch(/^\d+$/);
    expect(config.enabledManagers).toBeUndefined();
    for (const workflow of ["plan.yml", "deploy-environment.yml", "drift.yml", "integration.yml"]) {
      const text = readFileSync(join(ROOT, ".github", "workflows", workflow), "utf8");
      expect(text, workflow).not.toMatch(/TERRAFORM_VERSION:|NODE_VERSION:/);
    }
  });

  it("groups the AWS pins, asks before a Kubernetes upgrade, never proposes a PostgreSQL major, and runs on a schedule", () => {
    const rules = config.packageRules as any[];
    expect(rules.find((r) => r.matchDatasources?.includes("aws-eks-addon"))?.groupName).toBe("EKS add-ons");
    expect(rules.find((r) => r.matchDepNames?.includes("amazon-eks"))?.dependencyDashboardApproval).toBe(true);
    expect(rules.find((r) => r.matchDatasources?.includes("aws-rds") && r.matchUpdateTypes?.includes("major"))?.enabled).toBe(false);
    expect(config.schedule).toEqual(["before 6am on monday"]);
    expect(config.extends).toContain("config:best-practices");
  });
});

describe("the Renovate checks fire", () => {
  it("schema: a wrong customType and a non-array schedule", () => {
    const bad = copy();
    bad.customManagers[0].customType = "regexx";
    bad.schedule = 5;
    const messages = schemaProblems(bad).map((p) => p.message).join("\n");
    expect(messages).toMatch(/customManagers\/0\/customType/);
    expect(messages).toMatch(/\/schedule/);
  });

  it("schema: a bad value in nested configuration, under a key the config names nowhere else", () => {
    // The validator keeps only the root properties the config names (at any depth): a manager block
    // such as `npm` is a whole configuration (`"$ref": "#"`), so a key named only inside it must be
    // checked too.
    const bad = copy();
    expect(JSON.stringify(config)).not.toContain('"automergeType"');
    bad.npm = { automergeType: 5 };
    expect(schemaProblems(bad).map((p) => p.message)).toContain('/npm/automergeType must be equal to one of the allowed values {"allowedValues":["branch","pr","pr-comment"]}');
  });

  it("policy: a misspelled top-level key the schema accepts", () => {
    const bad = copy();
    bad.packageRule = [];
    expect(schemaProblems(bad)).toEqual([]);
    expect(policyProblems(bad, ROOT).map((p) => p.message)).toContain('unknown or unexpected top-level key "packageRule" (the schema would accept a typo)');
  });

  it("policy: a manager that matches nothing, the old fileMatch, and a regex that does not compile", () => {
    const bad = copy();
    bad.customManagers[0].managerFilePatterns = ["/^nowhere/.+\\.ts$/"];
    bad.customManagers[1].fileMatch = ["x"];
    bad.customManagers[2].matchStrings = ["(?<currentValue>["];
    const messages = policyProblems(bad, ROOT).map((p) => p.message);
    expect(messages).toContain("customManagers[0] matches no pin in the repository");
    expect(messages).toContain("customManagers[1].fileMatch was renamed managerFilePatterns");
    expect(messages.some((m) => m.startsWith("customManagers[2]: match string does not compile"))).toBe(true);
  });

  it("policy: an annotation no manager reads", () => {
    const bad = copy();
    bad.customManagers = bad.customManagers.filter((m: any) => !m.managerFilePatterns.some((p: string) => p.includes("workflows")));
    expect(policyProblems(bad, ROOT).map((p) => p.message)).toContain(".github/workflows/renovate.yml:23: this renovate annotation matches no manager");
  });
});
