import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderLanes } from '../../src/pipeline/render-lanes.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { typeset } from '../helpers/pipeline.js';
import { syntheticForm } from '../helpers/synthetic.js';

/** A worker script that ends its thread as soon as it is given a form, without an error event. */
function quittingWorker(): URL {
  const file = join(mkdtempSync(join(tmpdir(), 'ziping-lanes-')), 'quit.mjs');
  writeFileSync(file, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n");
  return pathToFileURL(file);
}

describe('render lanes when a worker thread dies', () => {
  const profile = loadProfile('ningxia');
  const scored = scoreForm(syntheticForm(6), profile, 'auto');

  it('fail the forms it had (no hang, no silent end), then draw the rest on this thread', async () => {
    const lanes = renderLanes(1, typeset, 2, quittingWorker());
    try {
      // Each of the first two forms goes to a fresh worker, which exits: the form fails with a reason.
      await expect(lanes.render(scored, profile, [])).rejects.toThrow(/render worker exited \(code 3\)/);
      await expect(lanes.render(scored, profile, [])).rejects.toThrow(/render worker exited/);
      // Two workers that died before drawing anything: no more are started, this thread draws.
      const drawn = await lanes.render(scored, profile, []);
      expect(drawn.files.map((f) => f.format).sort()).toEqual(['html', 'pdf', 'xlsx']);
      expect(
        Buffer.from(drawn.files.find((f) => f.format === 'pdf')?.bytes ?? [])
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    } finally {
      await lanes.close();
    }
  }, 60_000);
});
