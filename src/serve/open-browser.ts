import { spawn } from 'node:child_process';

/**
 * The command that opens a URL in the default browser: `start` on Windows (through cmd, with an
 * empty window title first, or a quoted URL would be taken for the title), `open` on macOS,
 * `xdg-open` elsewhere.
 */
export function openerFor(platform: NodeJS.Platform, url: string): { command: string; args: string[] } {
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  return { command: 'xdg-open', args: [url] };
}

/** Opens the page; resolves with why it could not (no opener installed), or null. Never waits for the browser. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  const { command, args } = openerFor(platform, url);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
    child.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? `没有找到 ${command}` : error.message));
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}
