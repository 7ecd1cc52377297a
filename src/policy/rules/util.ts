/** Small helpers shared by rule files. */
import type { ResourceNode } from "../model";
import type { Finding } from "../types";

/** A finding on a resource. */
export function at(node: ResourceNode, message: string, fix?: string): Finding {
  return { path: node.path, address: node.address, message, ...(fix ? { fix } : {}) };
}
