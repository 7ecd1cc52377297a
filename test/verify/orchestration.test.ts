/**
 * The verify run end to end against recorded responses: AWS through the real SDK clients with
 * recorded HTTP bodies (EKS JSON, RDS/STS XML), Kubernetes through verify's REST layer with recorded
 * API objects, probe pods through recorded states and logs. Every failure a real environment can show
 * (pending pods, image pull errors, Pod Security rejections, deadlines, AccessDenied, throttling,
 * timeouts, wrong wiring) must end in a FAIL row with the reason, never in a PASS.
 */
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../tools/verify/model";
import { restrictedViolations } from "../../tools/verify/pod-security";
import { RUN_LABEL } from "../../tools/verify/probes/manifests";
import { formatJson, formatTable, summarize } from "../../tools/verify/report";
import { RUN_ID, row, world } from "./support/world";

const PLANE_CHECKS = [
  "eks.cluster",
  "eks.nodes",
  "eks.addons",
  "k8s.system-pods",
  "db.cluster",
  "workload.config",
  "prometheus.targets",
  "prometheus.node-series",
  "prometheus.rules",
  "prometheus.alertmanager",
  "db.sql",
  "s3.bundles",
  "net.paths",
  "app.smoke-test",
];

const failures = (results: readonly CheckResult[]) => results.filter((r) => r.result === "FAIL").map((r) => `${r.check} ${r.plane}: ${r.evidence}`);

describe("verify against a healthy environment (recorded responses)", () => {
  it("reports every check for every plane, all PASS, and removes everything it created", async () => {
    const w = world();
    const results = await w.run();
    expect(failures(results)).toEqual([]);
    expect(results[0]).toMatchObject({ check: "aws.account", plane: "environment", result: "PASS" });
    for (const plane of ["global", "regional-uswest"]) {
      expect(results.filter((r) => r.plane === plane).map((r) => r.check).sort()).toEqual([...PLANE_CHECKS].sort());
    }
    const cleanup = row(results, "verify.cleanup", "environment");
    expect(cleanup.evidence).toBe(`removed 5 Job(s), 2 ConfigMap(s), the S3 probe object of run ${RUN_ID}`);
    expect(results[results.length - 1]).toBe(cleanup);
    for (const cluster of w.clusters.values()) expect(cluster.remaining()).toEqual([]);
    expect(summarize(results)).toMatchObject({ passed: 30, failed: 0, skipped: 0, ok: true });
  });

  it("evidence names what was proven: TLS, user and database, replication, identities, paths", async () => {
    const results = await world().run();
    expect(row(results, "db.sql", "regional-uswest").evidence).toBe(
      "TLSv1.3 verify-full as cdn_app@cdn_regional_uswest on writer 10.11.21.14; cdn_verify_20260501t101200_ab12 created, row inserted and read back, dropped; reader 10.11.22.9 (standby): row replicated, write refused",
    );
    expect(row(results, "s3.bundles", "global").evidence).toContain("as cdn-dev-global-workload: put, get (sha256 5b1f0e6c2d3a... equal), held for regional readers");
    expect(row(results, "s3.bundles", "regional-uswest").evidence).toContain("as cdn-dev-regional-uswest-workload: read the global plane's object");
    expect(row(results, "net.paths", "regional-uswest").evidence).toBe("db-writer 5432 open, db-reader 5432 open, global-api 443 open, global-db 5432 closed, global-kubelet 10250 closed");
    expect(row(results, "eks.nodes", "global").evidence).toBe("3 Ready node(s) (minimum 3) in 3 zones: us-east-1a, us-east-1b, us-east-1c");
    expect(row(results, "eks.cluster", "global").evidence).toContain("kube context ctx-global");
  });

  it("prints one table and a JSON document with the same rows", async () => {
    const results = await world().run();
    const table = formatTable(results);
    expect(table.split("\n")[0]).toMatch(/^check +plane +result +evidence +seconds$/);
    expect(table).toContain("30 checks: 30 passed, 0 failed, 0 skipped -> PASS");
    const doc = JSON.parse(formatJson({ environment: "dev", runId: RUN_ID, planes: ["global", "regional-uswest"], startedAt: "t0", finishedAt: "t1", interrupted: false }, results));
    expect(doc.result).toBe("PASS");
    expect(doc.checks).toHaveLength(results.length);
    expect(Object.keys(doc.checks[0])).toEqual(["check", "plane", "result", "evidence", "seconds"]);
  });

  it("one regional plane: the global plane supports it (writer object, endpoints) without rows of its own", async () => {
    const w = world();
    const results = await w.run({ planes: ["regional-uswest"] });
    expect(failures(results)).toEqual([]);
    expect(new Set(results.map((r) => r.plane))).toEqual(new Set(["environment", "regional-uswest"]));
    expect(w.clusters.get("global")!.requests.some((r) => r.startsWith("POST /apis/batch/v1/namespaces/cdn-control-plane/jobs"))).toBe(true);
  });

  it("global plane alone: the S3 probe writes, reads and deletes at once (nothing to hold)", async () => {
    const ok = await world({ probes: { global: { s3: { pods: ["creating", "succeeded"], log: "s3-rw-ok" } } } }).run({ planes: ["global"] });
    expect(failures(ok)).toEqual([]);
    expect(row(ok, "s3.bundles", "global").evidence).toBe("as cdn-dev-global-workload: put, get (sha256 5b1f0e6c2d3a... equal), delete on s3://cdn-config-bundles-dev");
    expect(row(ok, "verify.cleanup", "environment").evidence).toContain("the S3 probe object");
    const w = world({ probes: { global: { s3: { pods: ["creating", "succeeded"], log: "s3-rw-held", afterDelete: "s3-rw-released" } } } });
    const results = await w.run({ planes: ["global"] });
    // The recorded log of a held probe has no deletion before the Job ends: the tool must not claim one.
    expect(row(results, "s3.bundles", "global").result).toBe("FAIL");
    expect(row(results, "s3.bundles", "global").evidence).toContain("object not deleted (no report)");
    expect(row(results, "verify.cleanup", "environment").result).toBe("FAIL");
    expect(row(results, "verify.cleanup", "environment").evidence).toContain(`left behind: s3://cdn-config-bundles-dev/verify/${RUN_ID}/bundle-probe.txt`);
  });
});

describe("verify reports failures with their reason, never as a pass", () => {
  it("a probe pod that stays Pending (unschedulable) FAILs with the scheduler's message", async () => {
    const results = await world({ probes: { global: { sql: { pods: ["pending-unschedulable"] } } } }).run();
    const sql = row(results, "db.sql", "global");
    expect(sql.result).toBe("FAIL");
    expect(sql.evidence).toBe("pod Pending: Unschedulable (0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.) for 180s or more");
  });

  it("ErrImagePull FAILs once it persists; ImagePullBackOff FAILs at once", async () => {
    const results = await world({ probes: { global: { net: { pods: ["creating", "err-image-pull"] } }, "regional-uswest": { net: { pods: ["image-pull-backoff"] } } } }).run();
    expect(row(results, "net.paths", "global").evidence).toBe('probe: ErrImagePull (failed to pull and unpack image "image": failed to resolve reference "image": image: not found) for 60s or more');
    expect(row(results, "net.paths", "regional-uswest")).toMatchObject({ result: "FAIL", evidence: 'probe: ImagePullBackOff (Back-off pulling image "image")' });
  });

  it("a pod rejected by Pod Security (FailedCreate) FAILs with the admission message", async () => {
    const results = await world({ probes: { global: { sql: { pods: [], events: "failed-create-psa" } } } }).run();
    const sql = row(results, "db.sql", "global");
    expect(sql.result).toBe("FAIL");
    expect(sql.evidence).toMatch(/^pod not created: Error creating: pods ".*" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  });

  it("an IAM token sidecar that never starts FAILs naming it", async () => {
    const results = await world({ probes: { "regional-uswest": { sql: { pods: ["creating", "sidecar-not-started"] } } } }).run();
    expect(row(results, "db.sql", "regional-uswest")).toMatchObject({ result: "FAIL", evidence: "iam-token did not start (restarted 3x, last exit 137 Error)" });
  });

  it("a Job past its deadline, a probe that exits 1, and a probe that never finishes each FAIL", async () => {
    const results = await world({
      probes: {
        global: { sql: { pods: ["creating", "running"], log: "sql-cycle-connect-timeout", job: "deadline-exceeded" }, net: { pods: ["creating"] } },
        "regional-uswest": { sql: { pods: ["creating", "running", "failed"], log: "sql-cycle-connect-timeout" } },
      },
    }).run();
    expect(row(results, "db.sql", "global").evidence).toMatch(/^Job DeadlineExceeded: Job was active longer than specified deadline; probe failed: writer connection: psql: error: connection to server at .* timeout expired$/);
    expect(row(results, "db.sql", "regional-uswest").evidence).toMatch(/^probe exited 1 \(Error\); probe failed: writer connection: .*timeout expired$/);
    expect(row(results, "net.paths", "global")).toMatchObject({ result: "FAIL", evidence: "timed out after 600s (Pending (ContainerCreating))" });
  });

  it("EKS AccessDenied FAILs the cluster check with the reason and every in-cluster check of that plane", async () => {
    const results = await world({ aws: { cluster: { "cdn-global-control": "access-denied", "cdn-regional-uswest": "ok" } } }).run({ planes: ["global"] });
    expect(row(results, "eks.cluster", "global").evidence).toMatch(/^AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role\/PlatformReadOnly\/alice is not authorized to perform: eks:DescribeCluster/);
    for (const check of ["eks.nodes", "k8s.system-pods", "workload.config", "prometheus.targets", "db.sql", "s3.bundles", "net.paths", "app.smoke-test"]) {
      expect(row(results, check, "global")).toMatchObject({ result: "FAIL" });
      expect(row(results, check, "global").evidence).toMatch(/^no Kubernetes access to cdn-global-control: the cluster could not be described/);
    }
    expect(summarize(results).ok).toBe(false);
  });

  it("RDS throttling (after the SDK's retries) FAILs the database check with the error", async () => {
    const w = world({ aws: { db: "throttling" } });
    const results = await w.run({ planes: ["global"] });
    expect(row(results, "db.cluster", "global")).toMatchObject({ result: "FAIL", evidence: "Throttling: Rate exceeded" });
    expect(w.aws.calls.filter((c) => c === "rds:DescribeDBClusters cdn-dev-global-postgres").length).toBe(2);
    // Without RDS's endpoints the ConfigMap cannot be confirmed either... but it is still checked by name.
    expect(row(results, "workload.config", "global").result).toBe("PASS");
  });

  it("an AWS call that never answers FAILs with a timeout", async () => {
    const results = await world({ aws: { cluster: { "cdn-global-control": "timeout", "cdn-regional-uswest": "ok" } }, awsTimeoutMs: 50 }).run({ planes: ["global"] });
    expect(row(results, "eks.cluster", "global")).toMatchObject({ result: "FAIL", evidence: "TimeoutError: EKS DescribeCluster cdn-global-control timed out after 0s" });
  });

  it("a degraded add-on and a crash-looping monitoring pod FAIL with their issues", async () => {
    const results = await world({ aws: { degradedAddon: "coredns" }, clusters: { global: { monitoringPods: "pods-monitoring-crashloop.json" } } }).run({ planes: ["global"] });
    expect(row(results, "eks.addons", "global").evidence).toBe("coredns: DEGRADED; coredns: InsufficientNumberOfReplicas: The add-on is unhealthy because it doesn't have the desired number of replicas.");
    expect(row(results, "k8s.system-pods", "global").evidence).toMatch(/^monitoring\/kps-kube-state-metrics-8e9f0a1b2-zabcd: kube-state-metrics CrashLoopBackOff: back-off 5m0s/);
  });

  it("Kubernetes 403 on nodes FAILs with the API server's reason; no kubeconfig context FAILs every in-cluster check", async () => {
    const results = await world({
      clusters: { global: { failures: [{ method: "GET", path: /^\/api\/v1\/nodes/, status: 403, fixture: "status-forbidden-nodes.json" }] } },
      kubeErrors: { "regional-uswest": "no kube context for https://X and no current context: run aws eks update-kubeconfig (docs/verify.md)" },
    }).run();
    expect(row(results, "eks.nodes", "global").evidence).toBe(
      'Kubernetes 403 Forbidden: GET /api/v1/nodes: nodes is forbidden: User "arn:aws:sts::111111111111:assumed-role/PlatformReadOnly/alice" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect(row(results, "db.sql", "regional-uswest").evidence).toMatch(/^no Kubernetes access to cdn-regional-uswest: no kube context for/);
    // eks.cluster describes the cluster but says it is not reachable with the kubeconfig.
    expect(row(results, "eks.cluster", "regional-uswest").result).toBe("PASS");
  });

  it("wrong account: FAIL at once, nothing else is touched", async () => {
    const w = world({ aws: { account: "999999999999" } });
    const results = await w.run();
    expect(results.map((r) => `${r.check} ${r.result}`)).toEqual(["aws.account FAIL", "verify.cleanup PASS"]);
    expect(results[0].evidence).toBe("credentials are for account 999999999999 (arn:aws:sts::999999999999:assumed-role/PlatformAdmin/alice); dev is 111111111111");
    for (const c of w.clusters.values()) expect(c.requests).toEqual([]);
  });

  it("a regional ConfigMap pointing at the global database FAILs (never across planes), and so does a missing DB_APP_USER", async () => {
    const results = await world({
      clusters: {
        "regional-uswest": { configMap: (d) => ({ ...d, DB_HOST: "cdn-dev-global-postgres.cluster-c9xk2m4p7q1z.us-east-1.rds.amazonaws.com" }) },
        global: { configMap: (d) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== "DB_APP_USER")) },
      },
    }).run();
    expect(row(results, "workload.config", "regional-uswest").evidence).toContain("DB_HOST=cdn-dev-global-postgres.cluster-c9xk2m4p7q1z.us-east-1.rds.amazonaws.com is not an endpoint of cdn-dev-regional-uswest-postgres");
    expect(row(results, "workload.config", "global").evidence).toBe("DB_APP_USER missing: the plane has no IAM application user for the SQL probe to log in as");
    expect(row(results, "db.sql", "global").evidence).toBe("not run: the workload ConfigMap has no DB_APP_USER (the IAM application user the probe logs in as)");
  });

  it("IAM database authentication off FAILs the database check", async () => {
    const results = await world({ aws: { iamAuth: false } }).run({ planes: ["global"] });
    expect(row(results, "db.cluster", "global").evidence).toBe("IAM database authentication is off");
  });

  it("a regional plane that can write to the bucket, and a reachable global database, FAIL", async () => {
    const results = await world({ probes: { "regional-uswest": { s3: { pods: ["creating", "failed"], log: "s3-ro-write-allowed" }, net: { pods: ["succeeded"], log: "net-regional-global-db-open" } } } }).run();
    expect(row(results, "s3.bundles", "regional-uswest").evidence).toMatch(/a write was ALLOWED to a read-only plane \(cleanup: fail error=An error occurred \(AccessDenied\)/);
    expect(row(results, "verify.cleanup", "environment").evidence).toContain(`s3://cdn-config-bundles-dev/verify/${RUN_ID}/denied-regional-uswest.txt`);
    expect(row(results, "net.paths", "regional-uswest").evidence).toBe("global-db: global-db.dev.internal:5432 (10.10.21.14) is REACHABLE but must not be");
  });

  it("a probe without AWS credentials (Pod Identity missing) FAILs with the CLI's message", async () => {
    const results = await world({ probes: { global: { s3: { pods: ["creating", "failed"], log: "s3-no-credentials" } } } }).run();
    expect(row(results, "s3.bundles", "global").evidence).toBe('probe exited 1 (Error); probe failed: no AWS identity: Unable to locate credentials. You can configure credentials by running "aws configure".');
    // Regional readers have nothing to read.
    expect(row(results, "s3.bundles", "regional-uswest").evidence).toMatch(/^the global plane's writer probe failed: probe exited 1/);
  });

  it("Prometheus: a down target keeps failing through the retries; the service proxy's 503 FAILs", async () => {
    const w = world({
      clusters: {
        global: { prometheus: { "kps-prometheus:/api/v1/targets": "targets-down.json", "kps-prometheus:/api/v1/query": "node-series-all-nodes.json", "kps-prometheus:/api/v1/rules": "rules-error.json", "kps-prometheus:/api/v1/alertmanagers": "alertmanagers-active.json" } },
      },
    });
    const results = await w.run({ planes: ["global"] });
    expect(row(results, "prometheus.targets", "global").evidence).toContain("job kubelet: 10.10.12.7:10250 down");
    expect(row(results, "prometheus.rules", "global").evidence).toContain("rule kubernetes-resources/KubeCPUOvercommit fails");
    expect(row(results, "prometheus.alertmanager", "global").evidence).toMatch(/Kubernetes 503 ServiceUnavailable: GET .*kps-alertmanager.*no endpoints available for service/);
    expect(w.progress.some((l) => l.startsWith("[global] Prometheus: prometheus.targets, prometheus.rules, prometheus.alertmanager not passing yet"))).toBe(true);
  });

  it("the smoke-test app: missing although enabled FAILs; an HTTP error FAILs; an untrusted certificate FAILs", async () => {
    const missing = await world({ clusters: { global: { smokeTestDeployed: false } } }).run({ planes: ["global"] });
    expect(row(missing, "app.smoke-test", "global").evidence).toBe("smokeTestApp is on in dev but the Ingress smoke-test/nginx does not exist (deploy the global in-cluster stack)");
    const w = world({ https: (url) => (url.includes("us-west-2") ? { status: 502, body: "<html>502 Bad Gateway</html>", chainVerified: true } : { error: "unable to verify the first certificate" }) });
    const results = await w.run();
    expect(row(results, "app.smoke-test", "regional-uswest").evidence).toMatch(/elb\.amazonaws\.com\/: HTTP 502; .*body lacks "<title>Welcome to nginx!<\/title>"$/);
    expect(row(results, "app.smoke-test", "global").evidence).toMatch(/elb\.amazonaws\.com\/: unable to verify the first certificate$/);
    // It kept trying until its deadline before giving up.
    expect(w.httpsCalls.filter((u) => u.includes("us-east-1")).length).toBeGreaterThan(10);
  });
});

describe("the smoke-test app on demand (staging: smokeTestApp false)", () => {
  it("without --deploy-smoke-app: SKIP with the reason (the only SKIP verify has)", async () => {
    const results = await world({ env: "staging", aws: { account: "222222222222" }, probes: { global: { s3: { pods: ["creating", "succeeded"], log: "s3-rw-ok" } } } }).run({ planes: ["global"] });
    expect(failures(results)).toEqual([]);
    expect(row(results, "app.smoke-test", "global")).toMatchObject({ result: "SKIP", evidence: "not deployed in staging (smokeTestApp: false); --deploy-smoke-app deploys it for the run and removes it afterwards" });
  });

  it("with --deploy-smoke-app: deploys the synthesized app, waits for the load balancer, checks HTTPS, removes it", async () => {
    const w = world({ env: "staging", aws: { account: "222222222222" }, probes: { global: { s3: { pods: ["creating", "succeeded"], log: "s3-rw-ok" } } } });
    const results = await w.run({ planes: ["global"], deploySmokeApp: true });
    expect(failures(results)).toEqual([]);
    expect(row(results, "app.smoke-test", "global").evidence).toMatch(/^https:\/\/k8s-smoketes-nginx-.*us-east-1\.elb\.amazonaws\.com\/: HTTP 200 with the nginx page; .*; deployed for this run$/);
    const c = w.clusters.get("global")!;
    const posts = c.requests.filter((r) => r.startsWith("POST") && !r.includes("cdn-control-plane"));
    expect(posts).toEqual([
      "POST /api/v1/namespaces",
      "POST /apis/apps/v1/namespaces/smoke-test/deployments",
      "POST /api/v1/namespaces/smoke-test/services",
      "POST /apis/networking.k8s.io/v1/namespaces/smoke-test/ingresses",
    ]);
    expect(c.requests).toContain("DELETE /api/v1/namespaces/smoke-test");
    expect(row(results, "verify.cleanup", "environment").evidence).toContain("the smoke-test app in global");
    expect(c.remaining()).toEqual([]);
  });
});

describe("the failover drill (recorded RDS responses)", () => {
  it("writes through the failover: outage within the RTO, no acknowledged write lost, the writer moved", async () => {
    const w = world();
    const results = await w.run({ planes: ["global"], drill: "failover" });
    const drill = row(results, "db.failover-drill", "global");
    expect(drill.result, drill.evidence).toBe("PASS");
    expect(drill.evidence).toBe(
      "write outage 28.6 s (longest gap between acknowledged writes; RTO 300 s), reconnect 27.8 s, 1 outage(s), 224 acknowledged writes, 0 lost, writer moved 10.10.21.14->10.10.22.9; RDS writer cdn-dev-global-postgres-instance-1 -> cdn-dev-global-postgres-instance-2, available after 15s; events: Started cross AZ failover to DB instance: cdn-dev-global-postgres-instance-2 | Completed failover to DB instance: cdn-dev-global-postgres-instance-2",
    );
    expect(w.aws.calls).toContain("rds:FailoverDBCluster cdn-dev-global-postgres");
    // The failover is triggered only once writes flow.
    const progress = w.progress.join("\n");
    expect(progress.indexOf("failover drill: writes flowing")).toBeGreaterThan(progress.indexOf("sql-drill probe: Job"));
  });

  it("FAILs when the failover call is denied, and when RDS never moves the writer", async () => {
    const denied = await world({ aws: { failover: "access-denied" } }).run({ planes: ["global"], drill: "failover" });
    expect(row(denied, "db.failover-drill", "global").evidence).toMatch(/^AccessDenied: User: .* is not authorized to perform: rds:FailoverDBCluster/);
    const stuck = await world({ aws: { failoverAfterPolls: 10_000 } }).run({ planes: ["global"], drill: "failover", timing: { failover: 60 } });
    expect(row(stuck, "db.failover-drill", "global").result).toBe("FAIL");
    expect(row(stuck, "db.failover-drill", "global").evidence).toMatch(/RDS writer still cdn-dev-global-postgres-instance-1 \(failing-over\) after 6\ds/);
  });

  it("FAILs when the outage exceeds the RTO", async () => {
    const results = await world().run({ planes: ["global"], drill: "failover", rtoSeconds: 20 });
    expect(row(results, "db.failover-drill", "global").evidence).toMatch(/^write outage 28.61 s exceeds the RTO of 20 s/);
  });
});

describe("interruption", () => {
  it("an abort mid-probe stops waiting, deletes the run's Jobs and ConfigMaps, and reports the cleanup", async () => {
    const controller = new AbortController();
    const w = world({ probes: { global: { sql: { pods: ["creating"] } } } });
    const original = w.deps.progress;
    (w.deps as { progress: (l: string) => void }).progress = (line) => {
      original(line);
      if (line.includes("sql probe: Pending")) controller.abort();
    };
    const results = await w.run({ signal: controller.signal });
    expect(w.progress).toContain(`interrupted: cleaning up run ${RUN_ID}`);
    expect(results[results.length - 1]).toMatchObject({ check: "verify.cleanup", result: "PASS" });
    for (const c of w.clusters.values()) {
      expect(c.remaining()).toEqual([]);
      expect(c.requests.some((r) => r.startsWith("DELETE /apis/batch/v1/namespaces/cdn-control-plane/jobs/"))).toBe(true);
    }
  });
});

describe("the probe Jobs verify creates", () => {
  it("are Pod Security restricted, under the workload service account, with limits, deadline, TTL and run labels", async () => {
    const w = world();
    await w.run({ drill: "failover" });
    const created = [...w.clusters.values()].flatMap((c) => c.posted).filter((o) => o.kind === "Job");
    expect(created.map((j) => j.metadata.name.replace(`cdn-verify-${RUN_ID}-`, "")).sort()).toEqual(["net", "net", "s3", "s3", "sql", "sql", "sql-drill", "sql-drill"]);
    for (const job of created) {
      const spec = job.spec.template.spec;
      expect(restrictedViolations(spec), job.metadata.name).toEqual([]);
      expect(spec.serviceAccountName).toBe("control-plane");
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(job.metadata.namespace).toBe("cdn-control-plane");
      expect(job.metadata.labels[RUN_LABEL]).toBe(RUN_ID);
      expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job.spec.ttlSecondsAfterFinished).toBe(600);
      expect(job.spec.backoffLimit).toBe(0);
      const containers = [...(spec.initContainers ?? []), ...spec.containers];
      expect(containers.length).toBeGreaterThan(0);
      for (const c of containers) {
        expect(c.resources.limits.cpu, c.name).toBeDefined();
        expect(c.resources.limits.memory, c.name).toBeDefined();
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(c.envFrom).toEqual([{ configMapRef: { name: "platform-config" } }]);
      }
    }
  });
});
