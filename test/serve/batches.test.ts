import { describe, expect, it } from 'vitest';
import { batcher } from '../../src/serve/batches.js';

/** A build the test finishes by hand: each call is recorded with its inputs, and resolved or failed when the test says. */
function manualBuilds() {
  const calls: Array<{ inputs: string[]; finish: () => void; fail: (e: Error) => void }> = [];
  const run = (inputs: string[]): Promise<Map<string, string>> =>
    new Promise((resolve, reject) => {
      calls.push({ inputs, finish: () => resolve(new Map(inputs.map((i) => [i, `built ${i} with ${inputs.length}`]))), fail: reject });
    });
  return { calls, run };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(5);
  expect(check()).toBe(true);
}

describe('uploads built in batches', () => {
  it('files that arrive while a build runs are built together in the next one, each told its place meanwhile', async () => {
    const { calls, run } = manualBuilds();
    const queue = batcher(run, (i) => `missing ${i}`, 10);
    const a = queue.add('a');
    expect(a.place()).toEqual({ state: 'waiting', position: 1, building: 0 });
    await until(() => calls.length === 1);
    expect(a.place()).toEqual({ state: 'building', batch: 1 });
    const later = ['b', 'c', 'd'].map((x) => queue.add(x));
    expect(later.map((q) => q.place())).toEqual([
      { state: 'waiting', position: 1, building: 1 },
      { state: 'waiting', position: 2, building: 1 },
      { state: 'waiting', position: 3, building: 1 },
    ]);
    calls[0]?.finish();
    expect(await a.done).toBe('built a with 1');
    await until(() => calls.length === 2);
    expect(calls[1]?.inputs).toEqual(['b', 'c', 'd']);
    expect(later[2]?.place()).toEqual({ state: 'building', batch: 3 });
    calls[1]?.finish();
    expect(await Promise.all(later.map((q) => q.done))).toEqual(['built b with 3', 'built c with 3', 'built d with 3']);
    expect(a.place()).toEqual({ state: 'done' });
    await queue.idle();
    expect(calls).toHaveLength(2);
  });

  it('files sent together after a quiet spell make one batch; the same file twice is built once', async () => {
    const { calls, run } = manualBuilds();
    const queue = batcher(run, (i) => `missing ${i}`, 30);
    const sent = ['x', 'y', 'x'].map((i) => queue.add(i));
    await until(() => calls.length === 1);
    expect(calls[0]?.inputs).toEqual(['x', 'y']);
    calls[0]?.finish();
    expect(await Promise.all(sent.map((q) => q.done))).toEqual(['built x with 2', 'built y with 2', 'built x with 2']);
  });

  it('a failed build fails its own batch only; the next batch is built', async () => {
    const { calls, run } = manualBuilds();
    const queue = batcher(run, (i) => `missing ${i}`, 0);
    const first = queue.add('a');
    await until(() => calls.length === 1);
    const second = queue.add('b');
    calls[0]?.fail(new Error('disk full'));
    await expect(first.done).rejects.toThrow('disk full');
    await until(() => calls.length === 2);
    calls[1]?.finish();
    expect(await second.done).toBe('built b with 1');
  });

  it('an input the build did not answer for gets the missing answer; idle waits for every batch', async () => {
    const queue = batcher(
      async (inputs: string[]) => new Map(inputs.filter((i) => i !== 'gone').map((i) => [i, `built ${i}`])),
      (i) => `missing ${i}`,
      0,
    );
    const results = ['kept', 'gone'].map((i) => queue.add(i).done);
    let idle = false;
    const waited = queue.idle().then(() => (idle = true));
    expect(idle).toBe(false);
    expect(await Promise.all(results)).toEqual(['built kept', 'missing gone']);
    await waited;
    expect(idle).toBe(true);
  });
});
