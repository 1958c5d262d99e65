import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestText } from '../../src/archive/manifest-file.js';
import { Manifest } from '../../src/model/manifest.js';
import { runCli } from '../helpers/cli.js';
import { seedPath } from '../helpers/pipeline.js';

describe('an archive built before the form view existed', () => {
  it('reads as it is (no damaged manifest), and its forms are rebuilt to get their view', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-format-added-'));
    const inbox = join(dir, '收件箱');
    await mkdir(inbox);
    await copyFile(seedPath, join(inbox, '机构编制.xlsx'));
    const out = join(dir, '归档');
    expect((await runCli(['build', inbox, '--out', out, '--quiet'])).code).toBe(0);
    // The manifest as the version before this one wrote it: outputs of xlsx and pdf only, no view on disk.
    const raw = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { forms: Array<{ outputs: Record<string, unknown> & { sha256: Record<string, unknown> } }> };
    const form = raw.forms[0];
    if (!form) throw new Error('no form');
    const html = String(form.outputs.html);
    delete form.outputs.html;
    delete form.outputs.sha256.html;
    await writeFile(join(out, 'manifest.json'), manifestText(raw as unknown as Manifest).text);
    await rm(join(out, html));

    const run = await runCli(['build', inbox, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.out).not.toContain('MANIFEST_DAMAGED');
    expect(run.out).toContain('重新生成 1 个');
    const after = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    expect(after.forms[0]?.outputs?.html).toBe(html);
    expect((await stat(join(out, html))).isFile()).toBe(true);
  });
});
