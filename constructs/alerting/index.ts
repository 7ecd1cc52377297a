/**
 * A plane's alert topic: where every alarm, Alertmanager route, budget and cost-anomaly alert of the
 * plane lands, and from where email / HTTPS (PagerDuty, Slack, ...) subscriptions reach a person.
 *
 * What it creates:
 * - a rotating customer-managed key for both topics whose policy lets exactly the publishing AWS
 *   services use it (`kms:GenerateDataKey*` + `kms:Decrypt`): CloudWatch alarms, AWS Budgets, Cost
 *   Anomaly Detection and RDS event notifications. Without such a grant, deliveries from a service to
 *   an encrypted topic fail silently, so the list is the contract of {@link AlertPublisher};
 * - the alert topic (SSE with that key) and a topic policy: the owning account administers it through
 *   IAM, and each publishing service may `sns:Publish` only on behalf of this account
 *   (`aws:SourceAccount`) and, where the service sets one, from its own resources (`aws:SourceArn`);
 * - a heartbeat topic for Alertmanager's always-firing `Watchdog` alert (the dead-man's switch): a
 *   CloudWatch alarm on its `NumberOfMessagesPublished` (see `constructs/alarms`) pages through the
 *   alert topic when the heartbeats stop, so a dead Alertmanager, a broken Pod Identity binding or a
 *   key-policy mistake is itself an alert;
 * - the configured subscriptions (email and HTTPS endpoints need a one-time confirmation).
 */
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { policyDocument, type Statement } from "../../src/lib/iam";
import { EncryptionKey } from "../kms-key";

/** AWS services that may publish to the alert topic. */
export type AlertPublisher = "cloudwatch" | "budgets" | "cost-anomaly-detection" | "rds-events";

/** Service principal and source condition of each publisher. */
const PUBLISHERS: Readonly<Record<AlertPublisher, { principal: string; sourceArn?: (region: string, account: string) => string }>> = {
  cloudwatch: { principal: "cloudwatch.amazonaws.com", sourceArn: (region, account) => `arn:aws:cloudwatch:${region}:${account}:alarm:*` },
  budgets: { principal: "budgets.amazonaws.com", sourceArn: (_region, account) => `arn:aws:budgets::${account}:*` },
  // Cost Anomaly Detection documents the source account only.
  "cost-anomaly-detection": { principal: "costalerts.amazonaws.com" },
  // RDS sets the source resource (the DB cluster or instance) as the source ARN.
  "rds-events": { principal: "events.rds.amazonaws.com", sourceArn: (region, account) => `arn:aws:rds:${region}:${account}:*` },
};

/** An email or HTTPS subscription of the alert topic. */
export interface AlertSubscription {
  /** `email` or `https` (PagerDuty / Opsgenie / Slack-workflow endpoints). */
  readonly protocol: "email" | "https";
  /** The address or URL. */
  readonly endpoint: string;
}

/** Props of {@link AlertTopic}. */
export interface AlertTopicProps {
  /** Name of the alert topic. */
  readonly topicName: string;
  /** Name of the heartbeat topic (Alertmanager's Watchdog). */
  readonly heartbeatTopicName: string;
  /** Account of the topics (key and topic policies). */
  readonly accountId: string;
  /** Region of the topics. */
  readonly region: string;
  /** Services allowed to publish to the alert topic. */
  readonly publishers: readonly AlertPublisher[];
  /** Who gets the alerts. @default [] */
  readonly subscriptions?: readonly AlertSubscription[];
}

/** The alert topic, the heartbeat topic and their key. */
export class AlertTopic extends Construct {
  /** The key of both topics. */
  readonly key: EncryptionKey;
  /** The alert topic. */
  readonly topic: SnsTopic;
  /** ARN of the alert topic. */
  readonly topicArn: string;
  /** The alert topic's policy (services can publish once it exists). */
  readonly topicPolicy: SnsTopicPolicy;
  /** The heartbeat topic. */
  readonly heartbeat: SnsTopic;
  /** ARN of the heartbeat topic. */
  readonly heartbeatArn: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    if (props.publishers.length === 0) throw new Error(`AlertTopic ${props.topicName}: name at least one publishing service`);
    const principals = [...new Set(props.publishers)].map((p) => PUBLISHERS[p].principal);
    this.key = new EncryptionKey(this, "key", {
      description: `SNS topics ${props.topicName} and ${props.heartbeatTopicName}`,
      alias: props.topicName,
      accountId: props.accountId,
      region: props.region,
      additionalStatements: [
        {
          sid: "PublishingServicesUseKey",
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: principals }],
        },
      ],
    });

    this.topic = new SnsTopic(this, "topic", { name: props.topicName, kmsMasterKeyId: this.key.arn, tags: { Name: props.topicName } });
    this.topicArn = this.topic.arn;
    this.topicPolicy = new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: policyDocument([ownerStatement(this.topic.arn, props.accountId), ...props.publishers.map((p) => publisherStatement(p, this.topic.arn, props.region, props.accountId))]),
    });

    this.heartbeat = new SnsTopic(this, "heartbeat", { name: props.heartbeatTopicName, kmsMasterKeyId: this.key.arn, tags: { Name: props.heartbeatTopicName } });
    this.heartbeatArn = this.heartbeat.arn;
    new SnsTopicPolicy(this, "heartbeat-policy", { arn: this.heartbeat.arn, policy: policyDocument([ownerStatement(this.heartbeat.arn, props.accountId)]) });

    const seen = new Set<string>();
    for (const sub of props.subscriptions ?? []) {
      const key = `${sub.protocol}-${sub.endpoint}`.toLowerCase();
      if (seen.has(key)) throw new Error(`AlertTopic ${props.topicName}: duplicate subscription ${sub.protocol} ${sub.endpoint}`);
      seen.add(key);
      new SnsTopicSubscription(this, `subscription-${slug(key)}`, {
        topicArn: this.topic.arn,
        protocol: sub.protocol,
        endpoint: sub.endpoint,
      });
    }
  }

  /** Identity-policy statements to publish to both topics (the key grants through IAM). */
  publishStatements(): Statement[] {
    return [
      { sid: "PublishAlerts", actions: ["sns:Publish"], resources: [this.topicArn, this.heartbeatArn] },
      { sid: "EncryptAlerts", actions: ["kms:GenerateDataKey*", "kms:Decrypt"], resources: [this.key.arn] },
    ];
  }
}

/** The owning account manages the topic through IAM. */
function ownerStatement(topicArn: string, accountId: string): Statement {
  return {
    sid: "AccountManagesTopicThroughIam",
    actions: [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:AddPermission",
      "sns:RemovePermission",
      "sns:DeleteTopic",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
    ],
    resources: [topicArn],
    principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${accountId}:root`] }],
  };
}

function publisherStatement(publisher: AlertPublisher, topicArn: string, region: string, accountId: string): Statement {
  const { principal, sourceArn } = PUBLISHERS[publisher];
  return {
    sid: `${publisher.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}Publishes`,
    actions: ["sns:Publish"],
    resources: [topicArn],
    principals: [{ type: "Service", identifiers: [principal] }],
    conditions: [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
      ...(sourceArn ? [{ test: "ArnLike", variable: "aws:SourceArn", values: [sourceArn(region, accountId)] }] : []),
    ],
  };
}

function slug(value: string): string {
  return value.replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
}
