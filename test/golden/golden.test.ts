import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAll } from './render-hashes.js';

/**
 * Every fixture form, the seed and the bench forms render to exactly the bytes recorded in
 * render-hashes.json. A change that alters output on purpose re-records the file (see
 * render-hashes.ts) and says in its commit which outputs changed and why.
 */
describe('rendered outputs match the recorded sha256', () => {
  it('for every fixture, the seed and the bench forms under both profiles', async () => {
    const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'render-hashes.json'), 'utf8')) as Record<string, Record<string, string>>;
    const now = await renderAll();
    expect(Object.keys(now).sort()).toEqual(Object.keys(recorded).sort());
    for (const [id, hashes] of Object.entries(recorded)) expect(now[id], id).toEqual(hashes);
  }, 120_000);
});
