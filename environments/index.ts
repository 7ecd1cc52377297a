/**
 * The registry of environments: each entry is one file of plain data in this folder.
 * Adding an environment is adding a file and a line here (and its name to ENVIRONMENT_NAMES).
 */
import type { EnvironmentInput } from "../src/config/schema";
import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";

/** Every environment's raw data, keyed by name, with the file it comes from. */
export const ENVIRONMENTS: Readonly<Record<string, { file: string; data: EnvironmentInput }>> = {
  dev: { file: "environments/dev.ts", data: dev },
  staging: { file: "environments/staging.ts", data: staging },
  prod: { file: "environments/prod.ts", data: prod },
};
