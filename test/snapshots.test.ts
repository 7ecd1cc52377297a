/**
 * One snapshot per synthesized stack, for review: test/__snapshots__/stacks/<stack>.json is a readable
 * rendering of the stack's cdk.tf.json (tools/readable-json.ts): policies, Helm values and other
 * documents held in strings are expanded, one element per line, so a one-statement change shows as a
 * one-statement diff. The rendering stands for exactly the synthesized file (checked below).
 *
 * Snapshots are recorded only on purpose: `npm run test:update` (or `npm run regen`), then review the
 * diff and commit it. `npm test` and CI never write one: a new stack without a snapshot fails, saying so.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromReadable, toReadable } from "../tools/readable-json";
import { synthesizeAll } from "./helpers/synth";

const SNAPSHOTS = join(__dirname, "__snapshots__", "stacks");
const synth = synthesizeAll();
const names = [...synth.text.keys()].sort();

/** True under `vitest -u` (npm run test:update, npm run regen); false for `npm test` and in CI. */
const recording = () => expect.getState().snapshotState.snapshotUpdateState !== "none";

describe("synthesized stacks", () => {
  it("exist", () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(names)("%s matches its recorded snapshot", async (name) => {
    const text = synth.text.get(name)!;
    const rendered = toReadable(text);
    expect(fromReadable(rendered) === text, `the rendering of ${name} does not stand for its cdk.tf.json exactly`).toBe(true);
    const file = join(SNAPSHOTS, `${name}.json`);
    if (!existsSync(file) && !recording()) {
      expect.fail(
        `No snapshot is recorded for stack ${name}. Record it with \`npm run test:update\`, review ` +
          `test/__snapshots__/stacks/${name}.json (it shows everything the stack creates) and commit it.`,
      );
    }
    await expect(rendered).toMatchFileSnapshot(file, `${name} differs from its snapshot; if the change is intended, run \`npm run test:update\` and commit the reviewed diff`);
  });

  it("have no snapshot left of a stack that is gone", () => {
    const stale = (existsSync(SNAPSHOTS) ? readdirSync(SNAPSHOTS) : []).filter((f) => !names.includes(f.replace(/\.json$/, "")));
    if (recording()) for (const f of stale) rmSync(join(SNAPSHOTS, f));
    else expect(stale, "snapshots of stacks that are no longer synthesized: delete them (npm run test:update does)").toEqual([]);
  });
});
