import { pageClient, startServe as start, type LiveServe } from '../../src/bench/serve-load.js';
import type { UploadView } from '../../src/serve/results.js';
import { bin } from './spawn-cli.js';

export type { LiveServe };

/** Starts the real `ziping serve` (the built CLI) and waits for the line that gives its address. */
export function startServe(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<LiveServe> {
  return start(bin, args, cwd, env);
}

/** An upload as the page sends it (`url` may carry the token); the answer as it comes: 202 with a ticket, or a refusal. */
export function upload(url: string, name: string, bytes: Uint8Array, session = 'test-session', headers: Record<string, string> = {}): Promise<Response> {
  return pageClient(url).upload(name, bytes, session, headers);
}

/** What the page finally shows for an upload: a refusal answered at once, or its ticket's result once its batch is built. */
export function uploadView(url: string, name: string, bytes: Uint8Array, session = 'test-session', headers: Record<string, string> = {}): Promise<UploadView> {
  return pageClient(url).view(name, bytes, session, headers);
}
