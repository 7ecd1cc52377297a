/**
 * Imported for its effect by every module that creates AWS SDK clients (tools/aws/clients.ts,
 * tools/verify/io/aws.ts, the restore drill's entry point, the tests' recorded AWS): the SDK prints a
 * multi-line notice on each run that its releases after January 2027 need Node >= 22. The SDK is
 * pinned exactly (Renovate proposes upgrades, and the Node 24 move, as reviewed pull requests): keep
 * the one-line outputs one line. Read when a client is created, so the import order does not matter;
 * a value set in the environment wins.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export {};
