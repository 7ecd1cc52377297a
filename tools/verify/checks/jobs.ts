/**
 * Where a probe Job stands, from what the Kubernetes API shows (the Job, its pods, events about it, the
 * probe's log so far): still running, ready (a marker line appeared), succeeded, or failed with a
 * reason. Pending pods, image pull errors, admission rejections (Pod Security), sidecar start failures,
 * deadlines and non-zero exits all end in `failed` with the reason Kubernetes gives, never in success.
 */
import { oneLine } from "../model";
import { podProblem } from "./eks";

type Json = Record<string, any>;

/** A probe's state. */
export type ProbeState =
  | { readonly state: "running"; readonly detail: string }
  | { readonly state: "ready" }
  | { readonly state: "succeeded" }
  | { readonly state: "failed"; readonly reason: string };

/** One look at a probe. */
export interface ProbeObservation {
  /** The Job (undefined when it does not exist). */
  readonly job?: Json;
  /** Its pods (label-selected), newest last. */
  readonly pods: readonly Json[];
  /** Events whose involved object is the Job or one of its pods. */
  readonly events: readonly Json[];
  /** The probe container's log so far. */
  readonly log: string;
  /** Seconds since the probe was created. */
  readonly elapsedSeconds: number;
  /** Seconds each waiting reason has been seen for (key `<container>/<reason>`); maintained by the caller. */
  readonly waitingFor: ReadonlyMap<string, number>;
}

/** Tolerances. */
export interface ProbeTolerance {
  /** A line in the log that means "ready" (hold-mode probes, the drill's first writes). */
  readonly marker?: string;
  /** Seconds an ErrImagePull may last before it is a failure (kubelet retries once quickly). */
  readonly errImagePullSeconds: number;
  /** Seconds a pod may stay unschedulable (cluster autoscaling may add a node). */
  readonly unschedulableSeconds: number;
}

/** Defaults: an image pull error fails after 60 s, an unschedulable pod after 180 s. */
export const DEFAULT_TOLERANCE: ProbeTolerance = { errImagePullSeconds: 60, unschedulableSeconds: 180 };

/** Waiting reasons that never resolve on their own. */
const FATAL_WAITING = ["ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "CrashLoopBackOff"];

/** Waiting reasons currently shown, as `<container>/<reason>` (for the caller's {@link ProbeObservation.waitingFor}). */
export function waitingKeys(pod: Json | undefined): string[] {
  if (!pod) return [];
  const statuses: Json[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const keys = statuses.filter((s) => s.state?.waiting?.reason).map((s) => `${s.name}/${s.state.waiting.reason}`);
  const scheduled = (pod.status?.conditions ?? []).find((c: Json) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") keys.push("pod/Unschedulable");
  return keys;
}

/** The state of a probe. */
export function assessProbe(obs: ProbeObservation, tolerance: ProbeTolerance = DEFAULT_TOLERANCE): ProbeState {
  const conditions: Json[] = obs.job?.status?.conditions ?? [];
  const failed = conditions.find((c) => (c.type === "Failed" || c.type === "FailureTarget") && c.status === "True");
  const pod = obs.pods[obs.pods.length - 1];
  if (failed) {
    const detail = pod ? podTermination(pod) : undefined;
    return { state: "failed", reason: `Job ${failed.reason ?? "failed"}${failed.message ? `: ${oneLine(failed.message)}` : ""}${detail ? `; ${detail}` : ""}` };
  }
  if (conditions.some((c) => (c.type === "Complete" || c.type === "SuccessCriteriaMet") && c.status === "True")) return { state: "succeeded" };
  if (!obs.job) return { state: "failed", reason: "the Job does not exist (deleted?)" };

  if (!pod) {
    const rejected = obs.events.find((e) => e.reason === "FailedCreate");
    if (rejected) return { state: "failed", reason: `pod not created: ${oneLine(rejected.message)}` };
    return { state: "running", detail: "waiting for the Job controller to create the pod" };
  }

  const statuses: Json[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (!waiting?.reason) continue;
    const what = `${s.name}: ${waiting.reason}${waiting.message ? ` (${oneLine(waiting.message)})` : ""}`;
    if (FATAL_WAITING.includes(waiting.reason)) return { state: "failed", reason: what };
    if (waiting.reason === "ErrImagePull" && (obs.waitingFor.get(`${s.name}/ErrImagePull`) ?? 0) >= tolerance.errImagePullSeconds) {
      return { state: "failed", reason: `${what} for ${tolerance.errImagePullSeconds}s or more` };
    }
  }
  // A native sidecar that keeps restarting (e.g. its startup probe never passes): the probe never starts.
  const sidecar = (pod.status?.initContainerStatuses ?? []).find((s: Json) => s.restartCount > 0 && s.started !== true);
  if (sidecar) {
    const last = sidecar.lastState?.terminated;
    return { state: "failed", reason: `${sidecar.name} did not start (restarted ${sidecar.restartCount}x${last ? `, last exit ${last.exitCode} ${last.reason ?? ""}`.trimEnd() : ""})` };
  }
  if (pod.status?.phase === "Failed") return { state: "failed", reason: podTermination(pod) ?? `pod Failed${pod.status?.reason ? ` (${pod.status.reason})` : ""}` };
  if (pod.status?.phase === "Succeeded") return { state: "succeeded" };
  if ((obs.waitingFor.get("pod/Unschedulable") ?? 0) >= tolerance.unschedulableSeconds) {
    return { state: "failed", reason: `pod ${podProblem(pod) ?? "Pending"} for ${tolerance.unschedulableSeconds}s or more` };
  }
  if (tolerance.marker && obs.log.split(/\r?\n/).some((l) => l.trim() === tolerance.marker)) return { state: "ready" };
  return { state: "running", detail: podProblem(pod) ?? "Running" };
}

/** How the probe container ended, when it did. */
function podTermination(pod: Json): string | undefined {
  const probe = (pod.status?.containerStatuses ?? []).find((s: Json) => s.state?.terminated);
  const t = probe?.state?.terminated;
  if (!t) return pod.status?.reason ? `pod ${pod.status.reason}${pod.status.message ? `: ${oneLine(pod.status.message)}` : ""}` : undefined;
  return `${probe.name} exited ${t.exitCode}${t.reason ? ` (${t.reason})` : ""}`;
}
