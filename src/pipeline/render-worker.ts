import { parentPort, workerData } from 'node:worker_threads';
import type { Profile } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import { typesetterFor, type SharedFaces } from '../typeset/typesetter.js';
import { drawHere, type DrawnForm } from './process.js';

export interface WorkerRequest {
  id: number;
  scored: ScoredForm;
  profile: Profile;
  fontDir: string;
}

export interface WorkerReply {
  id: number;
  drawn?: DrawnForm;
  error?: string;
}

/** What a worker starts with: the faces' bytes the main thread shares (see Typesetter.sharedFaces). */
export interface WorkerStart {
  fontDir: string;
  faces: SharedFaces;
}

const start = workerData as WorkerStart | null;

/** A render lane: a scored form in, its layout findings and rendered files out (their bytes transferred, not copied). */
parentPort?.on('message', (message: WorkerRequest) => {
  const shared = start && start.fontDir === message.fontDir ? start.faces : undefined;
  drawHere(typesetterFor(message.fontDir, shared))(message.scored, message.profile).then(
    (drawn) => {
      const files = drawn.files.map((f) => ({ ...f, bytes: f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength ? f.bytes : new Uint8Array(f.bytes) }));
      const reply: WorkerReply = { id: message.id, drawn: { ...drawn, files } };
      parentPort?.postMessage(
        reply,
        files.map((f) => f.bytes.buffer as ArrayBuffer),
      );
    },
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
  );
});
