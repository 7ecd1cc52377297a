/**
 * Ties the runbooks to the code: collects every name the synthesized stacks define (namespaces,
 * service accounts, ConfigMaps, secrets, services, deployments, Ingresses, node labels, EKS clusters,
 * node groups and add-ons, DB clusters, Secrets Manager secrets, buckets, key aliases, roles, DNS
 * names, lifecycle rules, log groups, outputs), and checks every name a runbook uses against them.
 * Placeholders (`<env>`, `<key>`, `$ENV`, `$PLANE`, ...) match any value of the same shape.
 */
import { defaultScrapeJobs, resolveName } from "../../../tools/verify/targets";
import type { TfJson } from "../../helpers/synth";

/** Every name the stacks define, by kind. */
export interface NameModel {
  readonly namespaces: Set<string>;
  /** `namespace/name` of every namespaced object the stacks or their Helm releases create. */
  readonly namespaced: Set<string>;
  readonly serviceAccounts: Set<string>;
  readonly k8sSecrets: Set<string>;
  readonly services: Set<string>;
  readonly deployments: Set<string>;
  readonly pods: Set<string>;
  readonly nodeLabels: Set<string>;
  readonly eksClusters: Set<string>;
  readonly nodeGroups: Set<string>;
  readonly addons: Set<string>;
  /** AWS names: DB clusters, secrets, buckets, aliases, roles, DNS records, log groups, rule ids, outputs, stacks. */
  readonly aws: Set<string>;
  /** S3 bucket names (object paths in runbooks start with one). */
  readonly buckets: Set<string>;
}

type Res = Record<string, Record<string, any>>;
const each = (doc: TfJson, type: string): any[] => Object.values(((doc.resource ?? {}) as Res)[type] ?? {});

/** Labels every EKS node carries (set by Kubernetes and the AWS cloud provider, not by the stacks). */
const WELL_KNOWN_NODE_LABELS = ["topology.kubernetes.io/zone", "topology.kubernetes.io/region", "node.kubernetes.io/instance-type", "kubernetes.io/hostname", "kubernetes.io/arch", "kubernetes.io/os"];

/** A model that knows no names. */
function emptyNameModel(): NameModel {
  return {
    namespaces: new Set(),
    namespaced: new Set(),
    serviceAccounts: new Set(),
    k8sSecrets: new Set(),
    services: new Set(),
    deployments: new Set(),
    pods: new Set(),
    nodeLabels: new Set(),
    eksClusters: new Set(),
    nodeGroups: new Set(),
    addons: new Set(),
    aws: new Set(),
    buckets: new Set(),
  };
}

/** The model of a set of synthesized stacks. */
export function nameModel(stacks: ReadonlyMap<string, TfJson>): NameModel {
  const m = emptyNameModel();
  m.namespaces.add("kube-system");
  for (const label of WELL_KNOWN_NODE_LABELS) m.nodeLabels.add(label);
  for (const [stackName, doc] of stacks) {
    for (const b of each(doc, "aws_s3_bucket")) m.buckets.add(b.bucket);
    m.aws.add(stackName);
    for (const ns of each(doc, "kubernetes_namespace_v1")) m.namespaces.add(ns.metadata.name);
    const namespaced = (type: string, into?: Set<string>) => {
      for (const o of each(doc, type)) {
        const ns = resolveName(doc as never, o.metadata.namespace);
        m.namespaced.add(`${ns}/${o.metadata.name}`);
        into?.add(o.metadata.name);
      }
    };
    namespaced("kubernetes_config_map_v1");
    namespaced("kubernetes_service_account_v1", m.serviceAccounts);
    namespaced("kubernetes_secret_v1", m.k8sSecrets);
    namespaced("kubernetes_service_v1", m.services);
    namespaced("kubernetes_deployment_v1", m.deployments);
    namespaced("kubernetes_ingress_v1");
    namespaced("kubernetes_cron_job_v1");
    for (const release of each(doc, "helm_release")) {
      m.namespaces.add(release.namespace);
      m.deployments.add(release.name);
      m.namespaced.add(`${release.namespace}/${release.name}`);
      if (release.chart === "kube-prometheus-stack") {
        const values = JSON.parse(release.values[0]);
        const jobs = defaultScrapeJobs(values);
        const full = String(values.fullnameOverride ?? release.name);
        // Objects the chart names after its fullname (and Grafana's subchart after the release).
        for (const svc of [jobs.prometheus, jobs.alertmanager, `${full}-operator`, `${release.name}-grafana`]) {
          m.services.add(svc);
          m.namespaced.add(`${release.namespace}/${svc}`);
        }
        // Without an existing secret, Grafana's subchart generates its admin Secret, named like its service.
        if (!values.grafana?.admin?.existingSecret) m.k8sSecrets.add(`${release.name}-grafana`);
        m.pods.add(`prometheus-${jobs.prometheus}-0`);
        m.pods.add(`alertmanager-${jobs.alertmanager}-0`);
      }
    }
    for (const c of each(doc, "aws_eks_cluster")) m.eksClusters.add(c.name);
    for (const g of each(doc, "aws_eks_node_group")) {
      m.nodeGroups.add(g.node_group_name);
      for (const label of Object.keys(g.labels ?? {})) m.nodeLabels.add(label);
    }
    for (const a of each(doc, "aws_eks_addon")) m.addons.add(a.addon_name);
    for (const db of each(doc, "aws_rds_cluster")) {
      m.aws.add(db.cluster_identifier);
      m.aws.add(db.master_username);
      m.aws.add(db.database_name);
    }
    for (const [type, field] of [
      ["aws_secretsmanager_secret", "name"],
      ["aws_s3_bucket", "bucket"],
      ["aws_kms_alias", "name"],
      ["aws_iam_role", "name"],
      ["aws_route53_record", "name"],
      ["aws_route53_zone", "name"],
      ["aws_cloudwatch_log_group", "name"],
      ["aws_security_group", "name"],
      ["aws_ssm_document", "name"],
      ["aws_autoscaling_group", "name"],
      ["aws_codebuild_project", "name"],
      ["aws_codeconnections_connection", "name"],
      ["aws_sns_topic", "name"],
      ["aws_cloudwatch_metric_alarm", "alarm_name"],
      ["aws_budgets_budget", "name"],
      ["aws_backup_vault", "name"],
      ["aws_backup_plan", "name"],
    ] as const) {
      for (const r of each(doc, type)) if (typeof r[field] === "string") m.aws.add(r[field]);
    }
    for (const l of each(doc, "aws_s3_bucket_lifecycle_configuration")) for (const rule of l.rule ?? []) m.aws.add(rule.id);
    for (const output of Object.keys(doc.output ?? {})) m.aws.add(output);
  }
  return m;
}

/** A runbook token as a pattern: placeholders match any name-shaped text. */
export function tokenPattern(token: string): RegExp {
  const parts = token.split(/(<[^>]+>|\$\{?[A-Z_]+\}?)/);
  const body = parts.map((p, i) => (i % 2 === 1 ? "[a-z0-9][a-z0-9_-]*" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`);
}

/** Whether `token` (maybe with placeholders) names something in `names`. */
export function known(token: string, names: Iterable<string>): boolean {
  const re = tokenPattern(token);
  for (const n of names) if (re.test(n)) return true;
  return false;
}

/** Names a runbook creates itself (they need not exist in the stacks; other runbooks may refer to them). */
export function createdBy(text: string): Set<string> {
  const created = new Set<string>();
  for (const m of text.matchAll(/kubectl (?:-n \S+ )?create namespace ([a-z0-9-]+)/g)) created.add(m[1]);
  for (const m of text.matchAll(/kubectl (?:-n \S+ )?run ([a-z0-9-]+)/g)) created.add(m[1]);
  for (const m of text.matchAll(/"metadata": \{ "name": "([a-z0-9-]+)"/g)) created.add(m[1]);
  // Databases a runbook restores or creates itself.
  for (const m of text.matchAll(/--(?:db-instance|db-cluster)-identifier (\S+)/g)) if (/create-db-instance|restore-db/.test(text)) created.add(m[1].replace(/^["']|["']$/g, ""));
  return created;
}

const clean = (t: string) => t.replace(/^["'`(]+|["'`),.:;]+$/g, "");

/** Problems: every name in `text` (a runbook) that the model does not know, as `<what> <name> (line N)`. */
export function runbookNameProblems(text: string, m: NameModel, alsoCreated: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  const created = new Set([...createdBy(text), ...alsoCreated]);
  const lines = text.split("\n");
  const check = (what: string, token: string, names: Iterable<string>, line: number) => {
    const t = clean(token);
    if (!t || t.includes("...") || created.has(t) || /^<[^>]+>$/.test(t)) return;
    if (!known(t, names)) problems.push(`${what} ${t} (line ${line})`);
  };
  lines.forEach((line, i) => {
    const n = i + 1;
    if (/\bkubectl\b/.test(line)) {
      for (const x of line.matchAll(/(?:^|\s)(?:-n|--namespace)[ =](\S+)/g)) check("namespace", x[1], m.namespaces, n);
      for (const x of line.matchAll(/\bsvc\/([a-z0-9<>-]+)/g)) check("service", x[1], m.services, n);
      for (const x of line.matchAll(/\bdeploy\/([a-z0-9<>-]+)/g)) check("deployment", x[1], m.deployments, n);
      for (const x of line.matchAll(/\bpod\/([a-z0-9<>-]+)/g)) check("pod", x[1], m.pods, n);
      for (const x of line.matchAll(/\bget secret ([a-z0-9<>-]+)/g)) check("secret", x[1], m.k8sSecrets, n);
      for (const x of line.matchAll(/\s-L\s+(\S+)/g)) for (const label of x[1].split(",")) check("node label", label, m.nodeLabels, n);
    }
    for (const x of line.matchAll(/"serviceAccountName": "([a-z0-9-]+)"/g)) check("service account", x[1], m.serviceAccounts, n);
    for (const x of line.matchAll(/(?:--cluster-name|aws eks (?:describe-cluster|update-kubeconfig) --name) ("?[^\s"]+"?)/g)) check("EKS cluster", x[1], m.eksClusters, n);
    for (const x of line.matchAll(/--nodegroup-name (\S+)/g)) check("node group", x[1], m.nodeGroups, n);
    for (const x of line.matchAll(/for a in ([a-z -]+); do/g)) for (const addon of x[1].trim().split(/\s+/)) check("add-on", addon, m.addons, n);
    // `namespace/name` in backticks: a namespaced object.
    for (const x of line.matchAll(/`([a-z0-9-]+)\/([a-z0-9-]+)`/g)) {
      if (m.namespaces.has(x[1])) check(`object in ${x[1]}:`, `${x[1]}/${x[2]}`, m.namespaced, n);
    }
    // Every cdn-* name: an AWS name (bucket, role, DB cluster, secret, alias target, stack) or a cluster / node group.
    for (const x of line.matchAll(/(?<![\w/.-])(cdn-[a-z0-9<>${}A-Z_./-]*[a-z0-9>}A-Z_])/g)) {
      const token = clean(x[1]);
      if (created.has(token) || m.namespaces.has(token) || m.serviceAccounts.has(token) || m.namespaced.has(token)) continue;
      const universe = [...m.aws, ...m.eksClusters, ...m.nodeGroups];
      if (known(token, universe) || known(token.split("/")[0], m.buckets)) continue;
      problems.push(`name ${token} (line ${n})`);
    }
    for (const x of line.matchAll(/alias\/([a-z0-9<>$-]+)/g)) if (!x[1].startsWith("<cluster")) check("KMS alias", `alias/${x[1]}`, m.aws, n);
    for (const x of line.matchAll(/(?<![\w<>$])([a-z<>$]+-db(?:-ro)?\.[a-z<>$]+\.internal)\b/g)) check("DNS name", x[1], m.aws, n);
    for (const x of line.matchAll(/`(expire-noncurrent-versions|abort-incomplete-multipart-uploads|[a-z-]+-versions|[a-z-]+-uploads)`/g)) check("lifecycle rule", x[1], m.aws, n);
    for (const x of line.matchAll(/`(database_[a-z_]+)`/g)) check("stack output", x[1], m.aws, n);
  });
  return problems;
}

/** How many names of each kind a runbook uses (the test asserts the checks saw something). */
export function countChecked(text: string, m: NameModel): number {
  const before = runbookNameProblems(text, m).length;
  return runbookNameProblems(text, emptyNameModel()).length - before;
}
