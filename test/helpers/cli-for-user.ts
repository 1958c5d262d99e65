import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { root } from './pipeline.js';

/** What the command reads at run time: what the package ships (package.json `files`), by folder and name. */
const RUNTIME: Array<{ dir: string; take: (name: string) => boolean }> = [
  { dir: 'bin', take: () => true },
  { dir: 'dist', take: (name) => name.endsWith('.js') },
  { dir: 'fonts', take: (name) => name.endsWith('.otf') },
  { dir: 'templates', take: () => true },
];

/**
 * The compiled CLI where another user (nobody, for the permission tests) can run it. A checkout in a
 * private home (a clone under /root, mode 700) is out of that user's reach (`Cannot find module
 * …/bin/ziping.js`), so what the command needs is copied to a folder everyone may read. Returns the
 * copy's bin/ziping.js and its folder (the caller removes it), or why that user cannot run the command here (node itself out of its reach).
 */
export async function cliForUser(uid: number, gid: number, from = root): Promise<{ bin: string; dir: string } | { skip: string }> {
  const node = spawnSync(process.execPath, ['-e', ''], { uid, gid, stdio: 'ignore' });
  if (node.status !== 0) return { skip: `user ${uid} cannot run ${process.execPath} (${node.error?.message ?? `exit ${String(node.status)}`})` };
  const to = await mkdtemp(join(tmpdir(), 'ziping-cli-'));
  await chmod(to, 0o755);
  await copyFile(join(from, 'package.json'), join(to, 'package.json'));
  for (const { dir, take } of RUNTIME) {
    for (const e of await readdir(join(from, dir), { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !take(e.name)) continue;
      const target = join(to, relative(from, join(e.parentPath, e.name)));
      await mkdir(dirname(target), { recursive: true, mode: 0o755 });
      await copyFile(join(e.parentPath, e.name), target);
    }
  }
  // Readable (and the folders enterable) by all, whatever the checkout's umask made of the originals.
  spawnSync('chmod', ['-R', 'a+rX', to]);
  return { bin: join(to, 'bin', 'ziping.js'), dir: to };
}
