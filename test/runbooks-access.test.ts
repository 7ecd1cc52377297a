/**
 * The cluster APIs are private: every runbook that uses kubectl says how to get in (the SSM tunnel)
 * before its first kubectl command, and the README's laptop flow opens the tunnel before the in-cluster
 * stacks and kubectl.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const runbooks = readdirSync(join(ROOT, "runbooks")).filter((f) => f.endsWith(".md") && f !== "README.md");
const GET_IN = /npm run tunnel|cluster-access\.md/;

describe("ways in, in the docs", () => {
  const withKubectl = runbooks.filter((f) => /\bkubectl\b/.test(readFileSync(join(ROOT, "runbooks", f), "utf8")));

  it.each(withKubectl)("%s says how to get in before its first kubectl command", (file) => {
    const text = readFileSync(join(ROOT, "runbooks", file), "utf8");
    const firstCommand = text.search(/^\s*(\$ )?kubectl /m);
    const firstInline = text.search(/`kubectl /);
    const first = Math.min(...[firstCommand, firstInline].filter((i) => i >= 0));
    expect(first).toBeGreaterThan(0);
    const before = text.slice(0, first);
    expect(GET_IN.test(before), `${file}: no "npm run tunnel" or cluster-access.md before the first kubectl`).toBe(true);
  });

  it("covers the runbooks that use kubectl (the check cannot pass on an empty list)", () => {
    expect(withKubectl).toEqual(expect.arrayContaining(["kubernetes-health.md", "access-databases.md", "config-bundles.md", "database-failover.md", "cluster-access.md"]));
  });

  it("the README opens the tunnels before deploying the in-cluster stacks and before kubectl", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const tunnel = readme.indexOf("npm run tunnel -- dev");
    expect(tunnel).toBeGreaterThan(0);
    expect(readme.indexOf("npx cdktf deploy 'dev-*'")).toBeGreaterThan(tunnel);
    expect(readme.indexOf("TF_VAR_kube_api_server_global=https://127.0.0.1:8443")).toBeGreaterThan(tunnel);
    expect(readme.indexOf("kubectl --context dev-global get nodes")).toBeGreaterThan(tunnel);
  });
});
