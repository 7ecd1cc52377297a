/** What every Helm release of the platform shares. */

/**
 * How a release is installed and upgraded: Terraform waits for its resources to be ready, a failed
 * release stays for inspection (no automatic rollback), what a failed upgrade created is removed, and
 * ten revisions are kept for `helm rollback`.
 */
export const RELEASE_LIFECYCLE = { wait: true, atomic: false, cleanupOnFail: true, maxHistory: 10 } as const;
