/**
 * Real file-system faults under the real CLI: a disk that fills up (a small tmpfs), an output
 * folder the user may not write, an input folder the user may not read, a FIFO among the inputs
 * (build and watch), control characters in a 项目名称. Cases that need root (mounting, running as
 * another user) skip with a message where that is not possible. After each case the archive is
 * consistent and nothing outside --out changed. Runs the compiled CLI (`npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { generateInputs } from '../../src/bench/generate.js';
import { outputFiles } from '../../src/model/manifest.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { ArchiveFs } from '../../src/archive/archive-fs.js';
import { ArchiveError } from '../../src/model/archive-messages.js';
import { expectArchiveConsistent, expectRootIndexOf, hashTree, readManifest } from '../helpers/archive-check.js';
import { writeSeedVariant } from '../helpers/hostile.js';
import { fixture, seedPath, typeset } from '../helpers/pipeline.js';
import { cliForUser } from '../helpers/cli-for-user.js';
import { ziping, zipingLive, type RunAs } from '../helpers/spawn-cli.js';

const posix = process.platform !== 'win32';
const root = posix && process.getuid?.() === 0;
/**
 * Permissions only bind an unprivileged user: as root the CLI runs as nobody (uid/gid 65534), from
 * a copy nobody can read (the checkout may sit in a private home); as anyone else, as that user.
 * On Windows, or where nobody cannot run node, these cases are skipped with the reason.
 */
let unprivileged: RunAs | null = null;
let noUnprivileged = posix ? '' : 'Windows: no uid to switch to';
let copied = '';
beforeAll(async () => {
  if (!posix || !root) {
    if (posix) unprivileged = {};
    return;
  }
  const cli = await cliForUser(65534, 65534);
  if ('skip' in cli) noUnprivileged = cli.skip;
  else {
    unprivileged = { uid: 65534, gid: 65534, bin: cli.bin };
    copied = cli.dir;
  }
});
afterAll(async () => {
  if (copied) await rm(copied, { recursive: true, force: true });
});

/** Who runs a permission case; where no one can, the case is skipped, saying why. */
function asUnprivileged(ctx: TestContext): RunAs {
  if (!unprivileged) {
    console.log(`[permissions] skipped: ${noUnprivileged}`);
    ctx.skip();
  }
  return unprivileged ?? {};
}
const stackTrace = /^\s+at .+:\d+:\d+\)?$/m;

/** A sandbox every user can enter (mkdtemp makes it 0700). */
async function sandbox(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o777);
  return dir;
}

describe('a disk that fills up (a small tmpfs)', () => {
  let dir: string;
  let disk: string;
  let mounted = false;
  let why = '';
  const df = (): string => spawnSync('df', ['-k', disk], { encoding: 'utf8' }).stdout.trim().split('\n').pop() ?? '';

  beforeAll(async () => {
    dir = await sandbox('ziping-enospc-');
    disk = join(dir, 'disk');
    await mkdir(disk);
    if (!root) {
      why = 'not root: cannot mount a tmpfs';
      return;
    }
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk], { encoding: 'utf8' });
    mounted = mount.status === 0;
    why = mounted ? '' : `mount failed: ${(mount.stderr || String(mount.error)).trim()}`;
  });

  afterAll(() => {
    if (mounted) spawnSync('umount', [disk]);
  });

  /** Fills the disk with disk/filler until `leave` bytes (or all, when 0) are free. */
  async function fill(leave: number): Promise<void> {
    const s = await statfs(disk);
    const free = s.bavail * s.bsize;
    const count = leave === 0 ? [] : [`count=${Math.max(0, Math.floor((free - leave) / 4096))}`];
    spawnSync('dd', ['if=/dev/zero', `of=${join(disk, 'filler')}`, 'bs=4096', ...count], { stdio: 'ignore' });
  }

  /** Every form the manifest lists is on disk as recorded; no temporary, no lock. */
  async function expectRecordedTruly(out: string, label: string): Promise<Map<string, string>> {
    const tree = await hashTree(out);
    expect(
      [...tree.keys()].filter((k) => k.split('/').pop()?.startsWith('.ziping-tmp-')),
      label,
    ).toEqual([]);
    expect(tree.has('.ziping-lock'), label).toBe(false);
    const m = await readManifest(out);
    for (const f of m.forms) for (const o of outputFiles(f.outputs)) expect(tree.get(o.path), `${label}: ${o.path}`).toBe(o.sha256);
    return tree;
  }

  it('stops before the disk is full, records what it finished, keeps earlier outputs, exits 1; the next run completes', async (ctx) => {
    if (!mounted) {
      console.log(`[enospc] skipped: ${why}`);
      ctx.skip();
    }
    await mkdir(join(dir, 'in'));
    await copyFile(seedPath, join(dir, 'in', 'a.xlsx'));
    await copyFile(fixture('hebei-2019.xlsx'), join(dir, 'in', 'b.xlsx'));
    const first = await ziping(['build', 'in', '--out', 'disk/out'], dir);
    expect(first.code, first.stderr).toBe(0);
    const out = join(disk, 'out');
    const earlier = await hashTree(out);
    const earlierOutputs = (await readManifest(out)).forms.flatMap((f) => outputFiles(f.outputs).map((o) => o.path));

    await generateInputs(join(dir, 'in'), 30, loadProfile('ningxia'), typeset);
    const full = await ziping(['build', 'in', '--out', 'disk/out'], dir);
    const stopped = (await readManifest(out)).forms.length;
    console.log(`[enospc] 30 more forms on a 2 MB disk: exit ${full.code} in ${full.ms} ms, ${stopped} forms recorded; df: ${df()}\n[enospc] ${full.stderr.trim().split('\n').pop() ?? ''}`);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/(DISK_SPACE_LOW：输出文件夹“disk\/out”所在磁盘只剩 .+，写入“disk\/out\/.+”并保存清单约需 .+。为免写到一半，本次在此停下|FS_ENOSPC：.+时磁盘已满)/);
    expect(full.stderr).not.toMatch(stackTrace);
    const after = await expectRecordedTruly(out, 'stopped');
    await expectRootIndexOf(out, await readManifest(out), 'stopped');
    for (const path of earlierOutputs) expect(after.get(path), path).toBe(earlier.get(path));

    // Room again: the next run completes and the archive is whole.
    expect(spawnSync('mount', ['-o', 'remount,size=16m', disk]).status).toBe(0);
    const rerun = await ziping(['build', 'in', '--out', 'disk/out'], dir);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await expectArchiveConsistent(out, 'after ENOSPC')).forms).toBe(32);
  }, 180_000);

  it('stopping after it replaced files: the manifest records the new files, not the old', async (ctx) => {
    if (!mounted) {
      console.log(`[enospc] skipped: ${why}`);
      ctx.skip();
    }
    const out = join(disk, 'out');
    const before = await readManifest(out);
    // 30 new forms sorted after the 32 there: the run replaces all 32 (other scores), then fills the disk with new ones.
    await generateInputs(join(dir, 'more'), 30, loadProfile('ningxia'), typeset);
    for (const f of await readdir(join(dir, 'more'))) await copyFile(join(dir, 'more', f), join(dir, 'in', `zz-${f}`));
    await fill(2.5 * 1024 * 1024);
    const run = await ziping(['build', 'in', '--out', 'disk/out', '--scores', 'computed'], dir);
    await rm(join(disk, 'filler'), { force: true });
    const after = await readManifest(out);
    console.log(`[enospc] replacing, then new forms: exit ${run.code} in ${run.ms} ms, ${after.forms.length} forms recorded; ${run.stderr.trim().split('\n').pop() ?? ''}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DISK_SPACE_LOW|FS_ENOSPC/);
    await expectRecordedTruly(out, 'stopped while replacing');
    await expectRootIndexOf(out, after, 'stopped while replacing');
    const changed = after.forms.filter((f) => f.scores === 'computed' && before.forms.some((b) => b.source === f.source && b.outputs?.sha256.pdf !== f.outputs?.sha256.pdf));
    expect(changed.length).toBeGreaterThan(0);
    expect(after.forms.length).toBeGreaterThan(32);
    expect(after.forms.length).toBeLessThan(62);
    const rerun = await ziping(['build', 'in', '--out', 'disk/out', '--scores', 'computed'], dir);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await expectArchiveConsistent(out, 'after the second stop')).forms).toBe(62);
  }, 180_000);

  it('a disk already full: FS_ENOSPC in Chinese, nothing changed, exit 1', async (ctx) => {
    if (!mounted) {
      console.log(`[enospc] skipped: ${why}`);
      ctx.skip();
    }
    const out = join(disk, 'out');
    const before = await hashTree(out);
    await fill(0);
    const run = await ziping(['build', 'in', '--out', 'disk/out', '--force'], dir);
    await rm(join(disk, 'filler'));
    console.log(`[enospc] full disk: exit ${run.code} in ${run.ms} ms: ${run.stderr.trim().split('\n').pop() ?? ''}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/(FS_ENOSPC：写入“disk\/out\/.+”时磁盘已满。本次写了一半的临时文件已删除，之前的输出保持原样。|DISK_SPACE_LOW)/);
    expect(run.stderr).not.toMatch(stackTrace);
    expect(await hashTree(out)).toEqual(before);
  }, 60_000);

  it('a write that meets ENOSPC midway removes its temporary and leaves the old file whole', async (ctx) => {
    if (!mounted) {
      console.log(`[enospc] skipped: ${why}`);
      ctx.skip();
    }
    const fs = new ArchiveFs(join(disk, 'out'), 'disk/out', 'cccccccccccccccc');
    const old = await readFile(join(disk, 'out', 'manifest.json'));
    await fill(256 * 1024);
    const error = await fs.write('manifest.json', Buffer.alloc(4 * 1024 * 1024, 1)).then(
      () => null,
      (e: unknown) => e,
    );
    await rm(join(disk, 'filler'), { force: true });
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).code).toBe('FS_ENOSPC');
    expect(await readFile(join(disk, 'out', 'manifest.json'))).toEqual(old);
    expect((await readdir(join(disk, 'out'))).filter((f) => f.startsWith('.ziping-tmp-'))).toEqual([]);
  });
  it("init on a full disk: FS_ENOSPC in init's words (its folder, not --out), no temporary left, exit 1", async (ctx) => {
    if (!mounted) {
      console.log(`[enospc] skipped: ${why}`);
      ctx.skip();
    }
    const target = join(disk, '新');
    // The folders exist: the write of the template itself meets the full disk.
    await mkdir(join(target, '模板'), { recursive: true });
    await mkdir(join(target, '示例'), { recursive: true });
    await fill(0);
    const run = await ziping(['init', 'disk/新'], dir);
    await rm(join(disk, 'filler'));
    console.log(`[enospc] init on a full disk: exit ${run.code}: ${run.stderr.trim().split('\n').pop() ?? ''}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('FS_ENOSPC：写入“disk/新/模板/项目支出绩效自评表-空白模板.xlsx”时磁盘已满。本次写了一半的临时文件已删除');
    expect(run.stderr).toContain('或换一个文件夹(ziping init 后面写的文件夹)');
    expect(run.stderr).not.toContain('--out');
    expect(run.stderr).not.toMatch(stackTrace);
    expect([...(await hashTree(target)).keys()].sort()).toEqual(['模板', '示例']);
  }, 60_000);
});

describe('permissions (as an unprivileged user)', () => {
  it('init into a folder it may not write: FS_EACCES says to choose another folder, not --out; exit 1', async (ctx) => {
    const as = asUnprivileged(ctx);
    const dir = await sandbox('ziping-init-readonly-');
    await mkdir(join(dir, '绩效自评'));
    await chmod(join(dir, '绩效自评'), 0o555);
    const run = await ziping(['init', '绩效自评'], dir, as);
    await chmod(join(dir, '绩效自评'), 0o755);
    console.log(`[permissions] init into a read-only folder: exit ${run.code}: ${run.stderr.trim()}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('FS_EACCES：创建文件夹“绩效自评/模板”时没有权限。');
    expect(run.stderr).toContain('或换一个有写入权限的文件夹(ziping init 后面写的文件夹)。');
    expect(run.stderr).not.toContain('--out');
    expect(await readdir(join(dir, '绩效自评'))).toEqual([]);
  }, 60_000);

  it('runs as nobody from a checkout nobody may enter (a clone in a private home, mode 700)', async (ctx) => {
    if (!unprivileged?.bin) {
      console.log(`[permissions] skipped: ${noUnprivileged || 'not root: runs as this user, from this checkout'}`);
      ctx.skip();
    }
    const home = await mkdtemp(join(tmpdir(), 'ziping-private-home-'));
    const checkout = join(home, 'ziping');
    // A checkout as the command sees it: a copy of the runtime, inside a folder only root may enter.
    expect(spawnSync('cp', ['-R', join(unprivileged?.bin ?? '', '..', '..'), checkout]).status).toBe(0);
    const dir = await sandbox('ziping-private-run-');
    const direct = await ziping(['--version'], dir, { uid: 65534, gid: 65534, bin: join(checkout, 'bin', 'ziping.js') });
    expect(direct.stderr).toContain('Cannot find module');
    const cli = await cliForUser(65534, 65534, checkout);
    if ('skip' in cli) throw new Error(cli.skip);
    const run = await ziping(['--version'], dir, { uid: 65534, gid: 65534, bin: cli.bin });
    await rm(cli.dir, { recursive: true });
    await rm(home, { recursive: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 60_000);

  it('a read-only output folder: a Chinese message with its code, exit 1, nothing changed', async (ctx) => {
    const as = asUnprivileged(ctx);
    const dir = await sandbox('ziping-readonly-');
    await mkdir(join(dir, 'in'));
    await copyFile(seedPath, join(dir, 'in', 'a.xlsx'));
    expect((await ziping(['build', 'in', '--out', 'out'], dir)).code).toBe(0);
    await copyFile(fixture('hebei-2019.xlsx'), join(dir, 'in', 'b.xlsx'));
    spawnSync('chmod', ['-R', 'a-w', join(dir, 'out')]);
    const before = await hashTree(join(dir, 'out'));
    const run = await ziping(['build', 'in', '--out', 'out'], dir, as);
    spawnSync('chmod', ['-R', 'u+w', join(dir, 'out')]);
    console.log(`[readonly] exit ${run.code} in ${run.ms} ms: ${run.stderr.trim().split('\n').pop()}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('FS_EACCES：写入“out/.ziping-lock”时没有权限。请检查该文件或文件夹的权限');
    expect(run.stderr).not.toMatch(stackTrace);
    expect(await hashTree(join(dir, 'out'))).toEqual(before);
    // --debug adds the stack for a developer.
    spawnSync('chmod', ['-R', 'a-w', join(dir, 'out')]);
    const debug = await ziping(['build', 'in', '--out', 'out', '--debug'], dir, as);
    spawnSync('chmod', ['-R', 'u+w', join(dir, 'out')]);
    expect(debug.stderr).toMatch(stackTrace);
  }, 120_000);

  it('an input folder it may not read: named in the summary, the rest is built, exit 1', async (ctx) => {
    const as = asUnprivileged(ctx);
    const dir = await sandbox('ziping-unreadable-');
    await mkdir(join(dir, 'in', '可读'), { recursive: true });
    await mkdir(join(dir, 'in', '机密'), { recursive: true });
    await copyFile(seedPath, join(dir, 'in', '可读', 'a.xlsx'));
    await copyFile(fixture('hebei-2019.xlsx'), join(dir, 'in', '机密', 'b.xlsx'));
    await chmod(join(dir, 'in', '机密'), 0o000);
    const run = await ziping(['build', 'in', '--out', 'out'], dir, as);
    await chmod(join(dir, 'in', '机密'), 0o755);
    console.log(`[unreadable] exit ${run.code} in ${run.ms} ms`);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('INPUT_DIR_UNREADABLE 无法读取文件夹“in/机密”(没有读取权限)，其中的表格没有处理，其他文件照常处理。');
    expect(run.stdout).toContain('共 1 份：成功 1 份');
    expect(run.stderr).not.toMatch(stackTrace);
    const check = await expectArchiveConsistent(join(dir, 'out'), 'unreadable folder');
    expect(check.manifest.forms.map((f) => f.source)).toEqual(['in/可读/a.xlsx']);
  }, 120_000);
});

describe('a FIFO among the inputs', () => {
  it('build skips it (named in the summary) instead of blocking on it', async (ctx) => {
    if (!posix) ctx.skip();
    const dir = await sandbox('ziping-fifo-');
    await mkdir(join(dir, 'in'));
    await copyFile(seedPath, join(dir, 'in', 'a.xlsx'));
    expect(spawnSync('mkfifo', [join(dir, 'in', '管道.xlsx')]).status).toBe(0);
    const run = await ziping(['build', 'in', '--out', 'out'], dir, { timeoutMs: 30_000 });
    console.log(`[fifo] build exit ${run.code} (signal ${run.signal}) in ${run.ms} ms`);
    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('INPUT_NOT_REGULAR “in/管道.xlsx”不是普通文件(命名管道 FIFO)，已跳过。');
    expect((await expectArchiveConsistent(join(dir, 'out'), 'fifo')).forms).toBe(1);
  }, 60_000);

  it('watch skips FIFOs, prints each file as it is rebuilt, and reports a broken file once until it changes', async (ctx) => {
    if (!posix) ctx.skip();
    const dir = await sandbox('ziping-watch-fifo-');
    await mkdir(join(dir, 'in'));
    expect(spawnSync('mkfifo', [join(dir, 'in', '管道.xlsx')]).status).toBe(0);
    const live = zipingLive(['watch', 'in', '--out', 'out'], dir);
    const count = (text: string): number => live.output().split(text).length - 1;
    try {
      await live.waitFor(/正在监视/, 20_000);
      await copyFile(seedPath, join(dir, 'in', 'a.xlsx'));
      await live.waitFor(/✓ 已生成：in\/a\.xlsx · 工作表“Sheet1” → 2021\//, 30_000);
      // A FIFO appearing while watching does not block the watcher.
      expect(spawnSync('mkfifo', [join(dir, 'in', '管道2.xlsx')]).status).toBe(0);
      await writeFile(join(dir, 'in', '坏表.xlsx'), 'not a workbook');
      await live.waitFor(/✗ 无法处理：in\/坏表\.xlsx\(INGEST_FILE_UNREADABLE\)/, 30_000);
      await copyFile(fixture('hebei-2019.xlsx'), join(dir, 'in', 'b.xlsx'));
      await live.waitFor(/[✓!] 已生成：in\/b\.xlsx/, 30_000);
      // The broken file was not reported again by the rebuild for b.xlsx…
      expect(count('✗ 无法处理：in/坏表.xlsx')).toBe(1);
      expect(count('“in/管道.xlsx”不是普通文件')).toBe(1);
      // …but is once it changes.
      await writeFile(join(dir, 'in', '坏表.xlsx'), 'still not a workbook');
      await live.waitFor(/✗ 无法处理：in\/坏表\.xlsx[^]*✗ 无法处理：in\/坏表\.xlsx/, 30_000);
      // While watch runs, --out is its: a build is refused at once.
      const refused = await ziping(['build', 'in', '--out', 'out', '--wait', '0'], dir);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/OUT_LOCKED：输出文件夹“out”正由另一次运行使用\(ziping watch，进程 \d+/);
      live.child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => live.child.on('close', resolve));
      expect(code).toBe(0);
      expect(live.output()).toContain('已停止监视');
      const check = await expectArchiveConsistent(join(dir, 'out'), 'watch');
      expect(check.manifest.forms.map((f) => [f.source, f.status])).toEqual([
        ['in/a.xlsx', 'ok'],
        ['in/b.xlsx', 'ok'],
        ['in/坏表.xlsx', 'error'],
      ]);
    } finally {
      if (live.child.exitCode === null) live.child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('control characters in a 项目名称', () => {
  /** The seed with `name` as its 项目名称, stored as Excel stores controls (`_x001B_`), which exceljs reads back as the characters. */
  async function seedNamed(path: string, name: string): Promise<void> {
    const placeholder = 'ZIPINGPLACEHOLDERNAME';
    await writeSeedVariant(path, { C4: placeholder });
    const zip = await JSZip.loadAsync(await readFile(path));
    const part = zip.file('xl/sharedStrings.xml');
    if (!part) throw new Error('no shared strings');
    const escaped = [...name].map((c) => ((c.codePointAt(0) ?? 0) < 0x20 ? `_x${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}_` : c)).join('');
    // Swapping a unique token for text (no markup in it) is no XML parsing.
    zip.file('xl/sharedStrings.xml', (await part.async('string')).replace(placeholder, escaped));
    await writeFile(path, await zip.generateAsync({ type: 'nodebuffer' }));
  }

  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('do not reach the terminal or index.html raw; an overlong name is cut on the console', async () => {
    const dir = await sandbox('ziping-controls-');
    await mkdir(join(dir, 'in'));
    const name = '清屏\u001b[2J反转\u202e响铃\u0007项目';
    await seedNamed(join(dir, 'in', 'a.xlsx'), name);
    await seedNamed(join(dir, 'in', 'b\u001b[31m红.xlsx'), '长'.repeat(2000));
    const built = await ziping(['build', 'in', '--out', 'out'], dir);
    const checked = await ziping(['check', 'in'], dir);
    const json = await ziping(['build', 'in', '--out', 'out', '--json'], dir);
    for (const [label, run] of [
      ['build', built],
      ['check', checked],
      ['build --json', json],
    ] as const) {
      expect(run.code, `${label}: ${run.stderr}`).toBe(0);
      expect(raw.test(run.stdout), `${label} stdout`).toBe(false);
      expect(raw.test(run.stderr), `${label} stderr`).toBe(false);
    }
    expect(checked.stdout).toContain('项目：清屏\\u001B[2J反转\\u202E响铃\\u0007项目');
    expect(built.stderr).toContain('完成：in/b\\u001B[31m红.xlsx');
    expect(checked.stdout).toMatch(/项目：长{300,}…\(此行共 \d+ 字，已截断；全文见 manifest\.json\)/);
    // JSON carries the name itself (escaped in the text), for programs.
    const m = JSON.parse(json.stdout) as { forms: Array<{ projectName: string }> };
    expect(m.forms.map((f) => f.projectName)).toContain(name);
    const page = await readFile(join(dir, 'out', '2021', 'index.html'), 'utf8');
    expect(raw.test(page)).toBe(false);
    expect(page).toContain('清屏\\u001B[2J反转\\u202E响铃\\u0007项目');
    // The file name drops them altogether.
    const files = (await readdir(join(dir, 'out', '2021'), { recursive: true })).map(String);
    expect(files).toContain('中国共产党宁夏回族自治区委员会机构编制委员会办公室/清屏[2J反转响铃项目.pdf');
    await expectArchiveConsistent(join(dir, 'out'), 'controls');
    await rm(dir, { recursive: true });
  }, 120_000);
});
