/**
 * One snapshot file per synthesized stack (test/__snapshots__/stacks/<stack>.tf.json), so a pull request
 * shows every infrastructure change as a readable JSON diff. Update with `npm run test:update`.
 */
import { describe, expect, it } from "vitest";
import { synthesizeAll } from "./helpers/synth";

const synth = synthesizeAll();

describe("synthesized stacks", () => {
  it.each([...synth.text.keys()].sort())("%s matches its snapshot", async (name) => {
    await expect(synth.text.get(name)).toMatchFileSnapshot(`./__snapshots__/stacks/${name}.tf.json`);
  });
});
