/**
 * The list-removal guard (issue: position-keyed ids replace every later element): given the synthesized
 * trees before and after removing ONE element from a config list, every difference must be a removal of
 * that element's own resources. Anything changed, moved or added elsewhere is reported.
 */
import { diffOutputs, type StackTree } from "./infra-diff";

/** Differences that go beyond removing the element's own resources (empty: the list is keyed by content). */
export function listRemovalProblems(before: StackTree, after: StackTree, ownResource: (address: string, constructPath: string | undefined) => boolean): string[] {
  const problems: string[] = [];
  for (const s of diffOutputs(before, after).stacks) {
    if (s.status === "unchanged") continue;
    if (s.status !== "changed") {
      problems.push(`${s.stack}: the whole stack was ${s.status}`);
      continue;
    }
    for (const b of s.added) problems.push(`${s.stack}: ${b.address} was added`);
    for (const c of s.changed) problems.push(`${s.stack}: ${c.address} changed (${c.changes.map((a) => a.path).join(", ")})`);
    for (const m of s.moved) problems.push(`${s.stack}: ${m.from.address} moved to ${m.to.address}`);
    for (const r of s.removed) if (!ownResource(r.address, r.constructPath)) problems.push(`${s.stack}: ${r.address} was removed but belongs to another element`);
  }
  return problems;
}
