import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faceNames, facePath, defaultFontDir } from '../../src/typeset/faces.js';
import { Typesetter } from '../../src/typeset/typesetter.js';
import { renderForm, scoreFile, seedPath } from '../helpers/pipeline.js';
import { renderPdf } from '../../src/render/pdf.js';

describe('faces read once and shared with worker threads', () => {
  it('hands out the four files in shared memory, used by this thread too, and a typesetter given them reads no file', async () => {
    const main = new Typesetter(defaultFontDir);
    main.faceBytes('serif'); // read before sharing: copied into shared memory, kept here as it was
    const shared = main.sharedFaces();
    expect(Object.keys(shared).sort()).toEqual([...faceNames].sort());
    for (const face of faceNames) expect(Buffer.from(shared[face] ?? new SharedArrayBuffer(0)).equals(readFileSync(facePath(defaultFontDir, face)))).toBe(true);
    // Faces not read before are read straight into shared memory and used here as well.
    expect(main.faceBytes('sans').buffer).toBe(shared.sans);
    expect(main.sharedFaces().sans).toBe(shared.sans);

    // A worker's typesetter, with a folder that does not exist: every byte comes from the shared faces.
    const worker = new Typesetter('/nonexistent-font-folder', shared);
    for (const face of faceNames) expect(worker.faceBytes(face).buffer).toBe(shared[face]);
    const [scored] = await scoreFile(seedPath);
    if (!scored) throw new Error('seed not read');
    const { sheet, pdf } = await renderForm(scored);
    expect(Buffer.from(await renderPdf(sheet, { typeset: worker })).equals(pdf)).toBe(true);
  });
});
