import { parentPort, workerData } from 'node:worker_threads';
import type { Finding } from '../model/finding.js';
import type { Profile } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import { typesetterFor, type SharedFaces } from '../typeset/typesetter.js';
import { drawHere, type DrawnForm } from './process.js';

export interface WorkerRequest {
  id: number;
  scored: ScoredForm;
  profile: Profile;
  /** the findings of reading and scoring, drawn on the review view */
  findings: Finding[];
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
  drawHere(typesetterFor(message.fontDir, shared))(message.scored, message.profile, message.findings).then(
    (drawn) => {
      const own = (bytes: Uint8Array): Uint8Array => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes));
      const files = drawn.files.map((f) => ({ ...f, bytes: own(f.bytes) }));
      const annotated = drawn.annotated ? own(drawn.annotated) : null;
      const reply: WorkerReply = { id: message.id, drawn: { ...drawn, files, annotated } };
      parentPort?.postMessage(reply, [...files.map((f) => f.bytes.buffer as ArrayBuffer), ...(annotated ? [annotated.buffer as ArrayBuffer] : [])]);
    },
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
  );
});
