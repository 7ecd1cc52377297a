/**
 * IAM database authentication, as synthesized: workloads get the connection document and an IAM token
 * for cdn_app, never the master secret; the one-shot setup job (its own namespace, service account and
 * role) is the only reader of the master secret, and its pod is Pod Security `restricted`.
 */
import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { Database, type DatabaseProps } from "../constructs/database";
import { dev } from "../environments/dev";
import { loadEnvironment } from "../src/config/load";
import { AWS_CLI_IMAGE, POSTGRES_CLIENT_IMAGE, RDS_CA_BUNDLE_URL, SETUP_APP_USER_SQL } from "../constructs/database-user";
import { databaseName, k8sStackName, planeStackName, planesOf } from "../src/config/naming";
import { allEnvironments, configsOf, refName, stack, synthesizeAll, type TfJson } from "./helpers/synth";
import { DATABASE_TEST_PROPS } from "./helpers/database-props";

const synth = synthesizeAll();
const planes = allEnvironments().flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: planeStackName(env.name, ref) })));
const policyOf = (doc: string) => JSON.parse(doc);

/** Role logical name -> its inline policy documents. */
function rolePolicies(tf: TfJson): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of configsOf(tf, "aws_iam_role_policy")) {
    const role = refName(p.role);
    out.set(role, [...(out.get(role) ?? []), p.policy]);
  }
  return out;
}

describe.each(planes)("database access of $name", ({ env, ref, config, name }) => {
  const tf = stack(synth, name);
  const k8s = stack(synth, k8sStackName(env.name, ref));
  const [clusterLogical] = Object.keys(tf.resource!.aws_rds_cluster);
  const [keyLogical] = Object.keys(tf.resource!.aws_kms_key).filter((k) => k.startsWith("database_"));
  const masterSecretRef = `\${aws_rds_cluster.${clusterLogical}.master_user_secret[0].secret_arn}`;
  const setupAssociations = configsOf(tf, "aws_eks_pod_identity_association").filter((a) => a.namespace === "cdn-db-setup");
  const jobs = configsOf(k8s, "kubernetes_job_v1");

  it("binds the setup role to exactly cdn-db-setup/db-app-user-setup of this cluster (by reference)", () => {
    expect(setupAssociations).toHaveLength(1);
    const [association] = setupAssociations;
    expect(association.service_account).toBe("db-app-user-setup");
    expect(association.cluster_name).toMatch(/^\$\{aws_eks_cluster\.[A-Za-z0-9_-]+\.name\}$/);
    const role = tf.resource!.aws_iam_role[refName(association.role_arn)];
    expect(role.name).toBe(`cdn-${env.name}-${ref.kind === "global" ? "global" : `regional-${ref.key}`}-db-setup`);
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
    ]);
  });

  it("lets the setup role read exactly the RDS-managed master secret, decrypted through Secrets Manager only", () => {
    const policies = rolePolicies(tf).get(refName(setupAssociations[0].role_arn)) ?? [];
    expect(policies).toHaveLength(1);
    expect(policyOf(policies[0])).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadDatabaseMasterSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: masterSecretRef },
        {
          Sid: "DecryptDatabaseMasterSecret",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: `\${aws_kms_key.${keyLogical}.arn}`,
          Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${config.region}.amazonaws.com` } },
        },
      ],
    });
  });

  it("grants the master secret to no other role of the plane", () => {
    const holders = [...rolePolicies(tf)].filter(([, docs]) => docs.some((d) => d.includes("master_user_secret")));
    expect(holders.map(([role]) => role)).toEqual([refName(setupAssociations[0].role_arn)]);
    const workload = configsOf(tf, "aws_eks_pod_identity_association").filter((a) => a.service_account === "control-plane");
    expect(workload).toHaveLength(1);
    expect(rolePolicies(tf).get(refName(workload[0].role_arn))!.join()).not.toContain("master_user_secret");
  });

  it("tells workloads to log in as cdn_app with IAM, and nothing about the master secret", () => {
    const maps = configsOf(k8s, "kubernetes_config_map_v1").filter((m) => m.metadata.name === "platform-config");
    expect(maps).toHaveLength(1);
    const data = maps[0].data;
    expect(data).toMatchObject({ DB_APP_USER: "cdn_app", DB_IAM_AUTH: "true", DB_NAME: databaseName(ref) });
    const keys = Object.keys(data);
    expect(keys.length).toBeGreaterThan(5);
    for (const [key, value] of Object.entries<string>(data)) {
      expect(`${key}=${value}`).not.toMatch(/master|password|cdn_admin/i);
    }
  });

  it("runs one setup job, in its own restricted namespace, as the bound service account", () => {
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    const namespace = k8s.resource!.kubernetes_namespace_v1[refName(job.metadata.namespace)];
    expect(namespace.metadata.name).toBe("cdn-db-setup");
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const pod = job.spec.template.spec;
    const account = k8s.resource!.kubernetes_service_account_v1[refName(pod.service_account_name)];
    expect(account.metadata.name).toBe(setupAssociations[0].service_account);
    expect(refName(account.metadata.namespace)).toBe(refName(job.metadata.namespace));
    expect(account.automount_service_account_token).toBe(false);
    expect(pod.automount_service_account_token).toBe(false);
    // The workload namespace's service account is a different one: workloads cannot borrow this role.
    expect(setupAssociations[0].namespace).not.toBe("cdn-control-plane");
  });

  it("is Pod Security restricted: non-root, RuntimeDefault seccomp, no escalation, no capabilities, read-only roots", () => {
    const pod = jobs[0].spec.template.spec;
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "70", seccomp_profile: { type: "RuntimeDefault" } });
    const containers = [...pod.init_container, ...pod.container];
    expect(containers.map((c: any) => c.name)).toEqual(["fetch", "psql"]);
    for (const c of containers) {
      expect(c.security_context, c.name).toEqual({ allow_privilege_escalation: false, read_only_root_filesystem: true, run_as_non_root: true, capabilities: { drop: ["ALL"] } });
      expect(c.resources.requests.cpu, c.name).toBeDefined();
      expect(c.resources.requests.memory, c.name).toBeDefined();
      expect(c.resources.limits.memory, c.name).toBeDefined();
    }
    const volumes = Object.fromEntries(pod.volume.map((v: any) => [v.name, v]));
    expect(volumes.work.empty_dir).toEqual({ medium: "Memory", size_limit: "8Mi" });
    expect(Object.keys(volumes).sort()).toEqual(["sql", "tmp", "work"]);
    expect(pod.restart_policy).toBe("Never");
  });

  it("pins both images by tag and digest", () => {
    const pod = jobs[0].spec.template.spec;
    expect(pod.init_container[0].image).toBe(AWS_CLI_IMAGE);
    expect(pod.container[0].image).toBe(POSTGRES_CLIENT_IMAGE);
    for (const image of [AWS_CLI_IMAGE, POSTGRES_CLIENT_IMAGE]) expect(image).toMatch(/^[a-z0-9./-]+:[0-9][\w.-]*@sha256:[0-9a-f]{64}$/);
  });

  it("gives AWS credentials to the fetch container only, and the master secret by reference", () => {
    const pod = jobs[0].spec.template.spec;
    expect(jobs[0].spec.template.metadata.annotations["eks.amazonaws.com/skip-containers"]).toBe("psql");
    const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(envOf(pod.init_container[0])).toMatchObject({
      MASTER_SECRET_ARN: "${data.aws_rds_cluster.database.master_user_secret[0].secret_arn}",
      RDS_CA_BUNDLE_URL,
      AWS_REGION: config.region,
    });
    expect(RDS_CA_BUNDLE_URL).toBe("https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem");
    expect(envOf(pod.container[0])).toEqual({
      PGHOST: "${data.aws_rds_cluster.database.endpoint}",
      PGPORT: "5432",
      PGDATABASE: databaseName(ref),
      PGUSER: "${data.aws_rds_cluster.database.master_username}",
      PGPASSFILE: "/setup/pgpass",
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: "/setup/rds-ca.pem",
      PGCONNECT_TIMEOUT: "15",
      PGAPPNAME: "cdn-db-app-user-setup",
      HOME: "/tmp",
    });
    expect(pod.container[0].args).toEqual([
      "--no-psqlrc",
      "--single-transaction",
      "--set=ON_ERROR_STOP=1",
      "--set=app_user=cdn_app",
      "--set=backup_user=cdn_backup",
      "--file=/sql/setup-app-user.sql",
      "--file=/sql/setup-backup-user.sql",
    ]);
    const [lookup] = Object.values<any>(k8s.data!.aws_rds_cluster);
    expect(lookup.cluster_identifier).toBe(`cdn-${env.name}-${ref.kind === "global" ? "global" : `regional-${ref.key}`}-postgres`);
  });

  it("mounts the script shipped in the repository", () => {
    const pod = jobs[0].spec.template.spec;
    const sql = pod.volume.find((v: any) => v.name === "sql");
    const map = k8s.resource!.kubernetes_config_map_v1[refName(sql.config_map.name)];
    expect(map.data["setup-app-user.sql"]).toBe(SETUP_APP_USER_SQL);
    expect(SETUP_APP_USER_SQL).toContain("GRANT rds_iam TO %I");
  });

  it("is waited for, bounded in time, retried a few times and never garbage-collected by a TTL", () => {
    const [job] = jobs;
    expect(job.wait_for_completion).toBe(true);
    expect(job.timeouts).toEqual({ create: "15m", update: "15m" });
    expect(job.spec.active_deadline_seconds).toBe(600);
    expect(job.spec.backoff_limit).toBe(4);
    // The provider re-creates a job it cannot find: a TTL would re-run it on every later deploy.
    expect(job.spec.ttl_seconds_after_finished).toBeUndefined();
    expect(job.spec.template.metadata.annotations["cdn.platform/revision"]).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("Database construct: the three kinds of access", () => {
  const base: DatabaseProps = { ...DATABASE_TEST_PROPS };
  const build = (props: Partial<DatabaseProps> = {}) => new Database(new TerraformStack(Testing.app(), "test"), "db", { ...base, ...props });

  it("keeps workload access (connection document, IAM token) and master-secret access apart", () => {
    const db = build();
    const resources = (statements: readonly { resources?: readonly string[] }[]) => statements.flatMap((s) => s.resources ?? []);
    expect(resources(db.readStatements())).toContain(db.connectionSecretArn);
    expect(resources(db.readStatements())).not.toContain(db.masterSecretArn);
    expect(resources(db.connectStatements())).not.toContain(db.masterSecretArn);
    expect(resources(db.masterSecretStatements())).toEqual([db.masterSecretArn, db.kmsKeyArn]);
    // The cluster resource id is a token until apply; the synthesized stacks pin its reference exactly.
    expect(db.connectStatements()).toEqual([
      { sid: "ConnectAsApplicationUser", actions: ["rds-db:connect"], resources: [expect.stringMatching(/^arn:aws:rds-db:us-east-1:123456789012:dbuser:\$\{TfToken\[TOKEN\.\d+\]\}\/cdn_app$/)] },
    ]);
  });

  it.each([
    ["an identifier with capitals", { applicationUser: "CdnApp" }, /applicationUser must be a lowercase PostgreSQL identifier/],
    ["an identifier with a quote", { applicationUser: "cdn'app" }, /applicationUser must be a lowercase PostgreSQL identifier/],
    ["the master user", { applicationUser: "cdn_admin" }, /other than the master user/],
    ["IAM authentication off", { iamDatabaseAuthentication: false }, /iamDatabaseAuthentication must stay on: cdn_app logs in with IAM tokens only/],
  ])("refuses %s", (_, props, message) => {
    expect(() => build(props as Partial<DatabaseProps>)).toThrow(message);
  });

  it("the schema refuses IAM authentication off, naming file, field and value", () => {
    const copy = structuredClone(dev) as any;
    copy.regions[0].database.iamDatabaseAuthentication = false;
    expect(() => loadEnvironment(copy, "environments/dev.ts")).toThrow(
      /environments\/dev\.ts[\s\S]*regions\[0\]\.database\.iamDatabaseAuthentication: got false; must be true: workloads log in as the application database user with IAM tokens only/,
    );
  });
});
