/**
 * Cost guardrails of one environment's account, all reporting to an alert topic:
 *
 * - an AWS Budgets monthly cost budget with ACTUAL and FORECASTED percentage notifications. It covers
 *   the whole account: each environment has an account of its own, and an unfiltered budget keeps
 *   working before (or without) the cost-allocation tags being active, when a tag filter would see $0;
 * - a Cost Anomaly Detection monitor (per AWS service across the account, or a custom monitor on the
 *   `Environment` tag) and an IMMEDIATE subscription (the only frequency that can notify SNS) above an
 *   absolute impact in USD;
 * - optionally, activation of the cost-allocation tags. Activation fails until a tag key has appeared
 *   in billing data (up to 24 hours after first use) and is refused in a linked account (only the
 *   management account may activate), so it is off unless the environment asks for it
 *   (docs/cost.md says when to turn it on).
 *
 * Budgets and Cost Explorer are account-global services with endpoints in us-east-1: pass a provider
 * for us-east-1 when the stack's default provider is elsewhere.
 */
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { CeAnomalyMonitor } from "@cdktf/provider-aws/lib/ce-anomaly-monitor";
import { CeAnomalySubscription } from "@cdktf/provider-aws/lib/ce-anomaly-subscription";
import { CeCostAllocationTag } from "@cdktf/provider-aws/lib/ce-cost-allocation-tag";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** Defaults of {@link CostGuardrailsProps}; the config schema fills omitted fields from the same object. */
export const COST_DEFAULTS = {
  /** Percentages of the budget at which actual spend notifies. */
  actualAlertPercents: [80, 100],
  /** Percentages of the budget at which the month's forecast notifies. */
  forecastAlertPercents: [100],
  /** Total impact in USD from which a cost anomaly notifies. */
  anomalyThresholdUsd: 50,
  /** Which spend the anomaly monitor watches. */
  anomalyMonitor: "services",
  /** Whether the cost-allocation tags are activated (management account only, after the tags reach billing). */
  activateCostAllocationTags: false,
} as const;

/** AWS Budgets allows at most this many notifications per budget. */
export const MAX_BUDGET_NOTIFICATIONS = 5;

/** Props of {@link CostGuardrails}. */
export interface CostGuardrailsProps {
  /** Prefix of the budget, monitor and subscription names. */
  readonly namePrefix: string;
  /** The monthly budget in USD. */
  readonly monthlyBudgetUsd: number;
  /** Topic that receives budget and anomaly notifications. */
  readonly topicArn: string;
  /** Environment name (the custom anomaly monitor's tag value). */
  readonly environment: string;
  /** Tag keys to activate for cost allocation. */
  readonly costAllocationTagKeys: readonly string[];
  /** Actual-spend notification thresholds (% of budget). @default [80, 100] */
  readonly actualAlertPercents?: readonly number[];
  /** Forecast notification thresholds (% of budget). @default [100] */
  readonly forecastAlertPercents?: readonly number[];
  /** Anomaly impact (USD) that notifies. @default 50 */
  readonly anomalyThresholdUsd?: number;
  /** `services` (per AWS service, whole account) or `environment-tag` (spend tagged Environment=<environment>). @default "services" */
  readonly anomalyMonitor?: "services" | "environment-tag";
  /** Activate the cost-allocation tags. @default false */
  readonly activateCostAllocationTags?: boolean;
  /** Provider in us-east-1, when the stack's default is elsewhere. @default the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** Resources the subscriptions must wait for (the topic policy that lets the services publish). @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Budget, anomaly detection and cost-allocation tags of one account. */
export class CostGuardrails extends Construct {
  /** The budget. */
  readonly budget: BudgetsBudget;
  /** The anomaly monitor. */
  readonly monitor: CeAnomalyMonitor;

  constructor(scope: Construct, id: string, props: CostGuardrailsProps) {
    super(scope, id);
    const provider = props.provider;
    const dependsOn = [...(props.dependsOn ?? [])];
    const actual = props.actualAlertPercents ?? COST_DEFAULTS.actualAlertPercents;
    const forecast = props.forecastAlertPercents ?? COST_DEFAULTS.forecastAlertPercents;
    if (actual.length + forecast.length === 0 || actual.length + forecast.length > MAX_BUDGET_NOTIFICATIONS) {
      throw new Error(`CostGuardrails ${props.namePrefix}: a budget needs 1-${MAX_BUDGET_NOTIFICATIONS} notifications, got ${actual.length + forecast.length}`);
    }
    if (!(props.monthlyBudgetUsd > 0)) throw new Error(`CostGuardrails ${props.namePrefix}: monthlyBudgetUsd must be positive, got ${props.monthlyBudgetUsd}`);
    const notification = (type: "ACTUAL" | "FORECASTED", percent: number) => ({
      notificationType: type,
      comparisonOperator: "GREATER_THAN",
      threshold: percent,
      thresholdType: "PERCENTAGE",
      subscriberSnsTopicArns: [props.topicArn],
    });
    this.budget = new BudgetsBudget(this, "budget", {
      provider,
      name: `${props.namePrefix}-monthly`,
      budgetType: "COST",
      limitAmount: props.monthlyBudgetUsd.toFixed(2),
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      notification: [...actual.map((p) => notification("ACTUAL", p)), ...forecast.map((p) => notification("FORECASTED", p))],
      dependsOn,
    });

    const kind = props.anomalyMonitor ?? COST_DEFAULTS.anomalyMonitor;
    this.monitor = new CeAnomalyMonitor(this, "anomaly-monitor", {
      provider,
      name: `${props.namePrefix}-${kind}`,
      ...(kind === "services"
        ? { monitorType: "DIMENSIONAL", monitorDimension: "SERVICE" }
        : {
            monitorType: "CUSTOM",
            monitorSpecification: JSON.stringify({ Tags: { Key: "Environment", Values: [props.environment], MatchOptions: ["EQUALS"] } }),
          }),
    });
    new CeAnomalySubscription(this, "anomaly-subscription", {
      provider,
      name: `${props.namePrefix}-anomalies`,
      // SNS subscribers require IMMEDIATE (DAILY and WEEKLY are email digests).
      frequency: "IMMEDIATE",
      monitorArnList: [this.monitor.arn],
      subscriber: [{ type: "SNS", address: props.topicArn }],
      thresholdExpression: {
        dimension: {
          key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
          matchOptions: ["GREATER_THAN_OR_EQUAL"],
          values: [String(props.anomalyThresholdUsd ?? COST_DEFAULTS.anomalyThresholdUsd)],
        },
      },
      dependsOn,
    });

    if (props.activateCostAllocationTags ?? COST_DEFAULTS.activateCostAllocationTags) {
      for (const key of props.costAllocationTagKeys) {
        new CeCostAllocationTag(this, `cost-allocation-tag-${key.toLowerCase()}`, { provider, tagKey: key, status: "Active" });
      }
    }
  }
}
