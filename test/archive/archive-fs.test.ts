/**
 * The output folder's file access (src/archive/archive-fs.ts), the manifest's own checksum and
 * its records (manifest-file.ts): writes never follow a link, temporaries are per run and only
 * dead runs' are swept, a manifest edited in any way is known as damaged and set aside.
 */
import { mkdir, mkdtemp, readFile, readdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveFs } from '../../src/archive/archive-fs.js';
import { fsError } from '../../src/archive/fs-errors.js';
import { tempName, writeAtomic } from '../../src/archive/write-atomic.js';
import { loadPrevious, manifestText, writeManifest, writeRecords } from '../../src/archive/manifest-file.js';
import { ArchiveError } from '../../src/model/archive-messages.js';
import { type Manifest } from '../../src/model/manifest.js';
import { generator } from '../../src/version.js';

const RUN = 'aaaaaaaaaaaaaaaa';
const OTHER = 'bbbbbbbbbbbbbbbb';

async function archive(): Promise<{ dir: string; fs: ArchiveFs }> {
  const dir = await mkdtemp(join(tmpdir(), 'ziping-afs-'));
  await mkdir(join(dir, 'out'));
  return { dir, fs: new ArchiveFs(join(dir, 'out'), 'out', RUN) };
}

const thrown = async (p: Promise<unknown>): Promise<ArchiveError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof ArchiveError) return error;
    throw error;
  }
  throw new Error('expected an ArchiveError');
};

describe('ArchiveFs', () => {
  it('writes through a temporary of this run, and leaves none', async () => {
    const { dir, fs } = await archive();
    await fs.write('2021/部门/项目.pdf', 'pdf');
    expect(await readFile(join(dir, 'out', '2021', '部门', '项目.pdf'), 'utf8')).toBe('pdf');
    expect(await readdir(join(dir, 'out', '2021', '部门'))).toEqual(['项目.pdf']);
    expect(fs.openTemps()).toEqual([]);
  });

  it('refuses a link on the way, and never writes through it', async () => {
    const { dir, fs } = await archive();
    await mkdir(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'out', '2021'));
    const error = await thrown(fs.write('2021/部门/项目.pdf', 'pdf'));
    expect(error.code).toBe('PATH_SYMLINK');
    expect(error.message).toContain('“out/2021”是符号链接');
    expect(await readdir(join(dir, 'elsewhere'))).toEqual([]);
  });

  it('replaces a link at the file itself, leaving its target alone', async () => {
    const { dir, fs } = await archive();
    await writeFile(join(dir, 'target.txt'), 'theirs');
    await symlink(join(dir, 'target.txt'), join(dir, 'out', 'x.pdf'));
    await fs.write('x.pdf', 'ours');
    expect(await readFile(join(dir, 'target.txt'), 'utf8')).toBe('theirs');
    expect(await readFile(join(dir, 'out', 'x.pdf'), 'utf8')).toBe('ours');
  });

  it('says ENOTDIR when a file stands where a folder goes', async () => {
    const { dir, fs } = await archive();
    await writeFile(join(dir, 'out', '2021'), 'a file');
    expect((await thrown(fs.write('2021/a.pdf', 'x'))).code).toBe('FS_ENOTDIR');
  });

  it('sweeps only temporaries of other (dead) runs, never its own, nor files that merely look alike', async () => {
    const { dir, fs } = await archive();
    const out = join(dir, 'out');
    await mkdir(join(out, '2021', '.ziping-tmp-folder'), { recursive: true });
    const names = {
      dead: `.ziping-tmp-${OTHER}-3-项目.pdf`,
      own: `.ziping-tmp-${RUN}-1-项目.pdf`,
      lookalike: '.ziping-tmp-项目.pdf',
      legacyYoung: '.ziping-tmp-0123456789ab-项目.pdf',
      legacyOld: '.ziping-tmp-ba9876543210-项目.pdf',
      output: '_.ziping-tmp-bbbbbbbbbbbbbbbb-1-x.pdf',
    };
    for (const name of Object.values(names)) await writeFile(join(out, '2021', name), 'x');
    await writeFile(join(out, '2021', '.ziping-tmp-folder', 'inside.pdf'), 'x');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(out, '2021', names.legacyOld), old, old);
    expect(await fs.sweep()).toBe(2);
    expect((await readdir(join(out, '2021'))).sort()).toEqual([names.own, names.lookalike, names.legacyYoung, names.output, '.ziping-tmp-folder'].sort());
    expect(await readdir(join(out, '2021', '.ziping-tmp-folder'))).toEqual(['inside.pdf']);
  });
});

describe('one atomic writer, in the archive and outside it (init, the bench, serve uploads)', () => {
  it("outside the archive: a temporary named with a run id (a dead run's is swept), none left, a failure named by its target", async () => {
    const { dir, fs } = await archive();
    const target = join(dir, 'out', '模板', '空白模板.xlsx');
    await writeAtomic(target, 'xlsx');
    expect(await readFile(target, 'utf8')).toBe('xlsx');
    expect(await readdir(join(dir, 'out', '模板'))).toEqual(['空白模板.xlsx']);
    // A folder where the file goes: the user's message names the file, not the temporary, and no temporary is left.
    await mkdir(join(dir, 'out', '模板', '占位.xlsx'));
    const error = await thrown(writeAtomic(join(dir, 'out', '模板', '占位.xlsx'), 'x', { place: 'init' }));
    expect(error.code).toMatch(/^FS_E(ISDIR|EXIST)$/);
    expect(error.message).toContain(`“${join(dir, 'out', '模板', '占位.xlsx')}”`);
    expect((await readdir(join(dir, 'out', '模板'))).sort()).toEqual(['占位.xlsx', '空白模板.xlsx']);
    // Its temporaries are named as the archive's are: a run that died leaving one, the next archive run sweeps it.
    const leftover = tempName('cccccccccccccccc', 7, '空白模板.xlsx');
    await writeFile(join(dir, 'out', '模板', leftover), 'half');
    expect(await fs.sweep()).toBe(1);
  });

  it("says what to change in the words of the command: --out for build, init's folder for init; nothing to change for a read", () => {
    const eacces = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    expect(fsError(eacces, '写入', 'out/a.pdf').message).toContain('或换一个有写入权限的输出文件夹(--out)。');
    const init = fsError(eacces, '创建文件夹', '绩效自评/模板', 'init').message;
    expect(init).toContain('或换一个有写入权限的文件夹(ziping init 后面写的文件夹)。');
    expect(init).not.toContain('--out');
    expect(fsError(eacces, '读取', '收件箱/表.xlsx').message).toBe('读取“收件箱/表.xlsx”时没有权限。请检查该文件或文件夹的读取权限(是否属于其他用户)后重试。');
    const enospc = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    expect(fsError(enospc, '写入', '绩效自评/模板/a.xlsx', 'init').message).not.toContain('--out');
  });
});

describe('manifest.json on disk', () => {
  const manifest: Manifest = { schema: 1, generator, forms: [] };

  it('carries the checksum of its own text, last', () => {
    const { text, manifest: sealed } = manifestText(manifest);
    expect(sealed.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(text.trimEnd().endsWith(`"checksum": "${sealed.checksum}"\n}`)).toBe(true);
    // The same text again from what is read back.
    expect(manifestText(JSON.parse(text) as Manifest).text).toBe(text);
  });

  it.each([
    ['an empty file', '', '文件是空的'],
    ['cut short', '{"schema": 1, "generator": "z', '不是完整的 JSON'],
    ['a list', '[]', '不是 JSON 对象'],
    ['another schema', '{"schema": 2, "generator": "x", "forms": []}', '内容不符合清单格式'],
    ['an older manifest without a checksum (accepted)', '{"schema": 1, "generator": "x", "forms": [], "removed": []}', null],
  ])('%s', async (_label, text, why) => {
    const { dir, fs } = await archive();
    await writeFile(join(dir, 'out', 'manifest.json'), text);
    const state = await loadPrevious(fs);
    if (why === null) {
      expect(state.damaged).toBeNull();
      return;
    }
    expect(state.damaged?.why).toContain(why);
    const files = await readdir(join(dir, 'out'));
    expect(files.filter((f) => f.startsWith('manifest.json.damaged-'))).toHaveLength(1);
    expect(files).not.toContain('manifest.json');
  });

  it('an edit that keeps it valid JSON and schema is caught by the checksum; outputs recorded outside out/ by the sanity check', async () => {
    const { dir, fs } = await archive();
    await writeManifest(fs, { ...manifest, removed: [{ source: 'a.xlsx', projectName: null, outputs: [] }] });
    const text = await readFile(join(dir, 'out', 'manifest.json'), 'utf8');
    await writeFile(join(dir, 'out', 'manifest.json'), text.replace('"a.xlsx"', '"b.xlsx"'));
    expect((await loadPrevious(fs)).damaged?.why).toContain('校验和不符');

    const form = {
      source: 'a.xlsx',
      sheet: 'Sheet1',
      sourceSha256: '',
      status: 'ok' as const,
      profile: 'ningxia',
      scores: 'auto' as const,
      year: 2021,
      projectName: 'x',
      department: 'y',
      implementingUnit: 'z',
      funds: null,
      indicators: [],
      totalWeight: null,
      filledTotal: null,
      computedTotal: null,
      total: null,
      grade: null,
      findings: [],
    };
    const sha = 'a'.repeat(64);
    await writeFile(
      join(dir, 'out', 'manifest.json'),
      JSON.stringify({ ...manifest, forms: [{ ...form, outputs: { xlsx: '../../etc/x.xlsx', pdf: '2021/x.pdf', sha256: { xlsx: sha, pdf: sha } } }] }),
    );
    expect((await loadPrevious(fs)).damaged?.why).toContain('记录的输出路径“../../etc/x.xlsx”不合理');
  });

  it('records skip forms without outputs and are named by their content', async () => {
    const { dir, fs } = await archive();
    const keep = await writeRecords(fs, []);
    expect(keep.size).toBe(0);
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });
});
