import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { runCli } from '../helpers/cli.js';
import { seedPath } from '../helpers/pipeline.js';

/** A folder with one form in 收件箱/ and a config naming it and an output folder, in the encoding given. */
async function configured(encode: (json: string) => Buffer): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ziping-config-'));
  await mkdir(join(dir, '收件箱'));
  await copyFile(seedPath, join(dir, '收件箱', '表一.xlsx'));
  const config = join(dir, 'ziping.config.json');
  await writeFile(config, encode(JSON.stringify({ inputs: [join(dir, '收件箱')], out: join(dir, '归档'), scores: 'computed' }, null, 2)));
  return { dir, config };
}

describe('ziping.config.json as Windows editors save it', () => {
  it('accepts UTF-8 with a byte-order mark (Notepad)', async () => {
    const { dir, config } = await configured((json) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, 'utf8')]));
    const run = await runCli(['build', '--config', config, '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const form = Manifest.parse(JSON.parse(run.out)).forms[0];
    // The settings were read, not defaulted: computed scores, and outputs in 归档/.
    expect(form?.scores).toBe('computed');
    expect(form?.projectName).toBe('机构编制管理事务经费');
    expect(JSON.parse(await readFile(join(dir, '归档', 'manifest.json'), 'utf8'))).toMatchObject({ schema: 1 });
  });

  it('accepts UTF-16 with its mark (Notepad’s “Unicode”)', async () => {
    const { config } = await configured((json) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]));
    const run = await runCli(['build', '--config', config, '--json']);
    expect(run.code).toBe(0);
    expect(Manifest.parse(JSON.parse(run.out)).forms[0]?.scores).toBe('computed');
  });

  it('says to save as UTF-8 when the file is in the ANSI code page', async () => {
    // “收件箱” in GBK: not valid UTF-8.
    const gbk = Buffer.from([0xca, 0xd5, 0xbc, 0xfe, 0xcf, 0xe4]);
    const { config } = await configured((json) => Buffer.concat([Buffer.from(json.slice(0, 20), 'latin1'), gbk, Buffer.from('"}', 'latin1')]));
    const run = await runCli(['build', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('CONFIG_INVALID');
    expect(run.err).toContain('UTF-8');
  });
});
