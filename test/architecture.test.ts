import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The shape of docs/architecture.md, checked on the imports of src/: four stages, each a folder;
 * one module assembles them; scoring is pure; renderers know the sheet, not the form.
 */
const src = join(import.meta.dirname, '..', 'src');
const stages = ['ingest', 'score', 'layout', 'render'];

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every import of a module (static, dynamic, type-only), as a folder of src/ or a package name. */
function imports(file: string): Array<{ folder: string | null; specifier: string }> {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return { folder: null, specifier: fileName };
    const target = relative(src, resolve(dirname(file), fileName));
    return { folder: target.includes('/') ? (target.split('/')[0] ?? null) : '.', specifier: fileName };
  });
}

const folderOf = (file: string): string => relative(src, file).split('/')[0] ?? '';
const all = modules(src).map((file) => ({ file: relative(src, file), folder: folderOf(file), imports: imports(file) }));

describe('the pipeline has one shape', () => {
  it('only pipeline/process.ts, outside the stage folders, imports from two or more stages', () => {
    const assemblers = all.filter((m) => !stages.includes(m.folder) && new Set(m.imports.map((i) => i.folder).filter((f) => f !== null && stages.includes(f))).size >= 2);
    expect(assemblers.map((m) => m.file)).toEqual(['pipeline/process.ts']);
  });

  it('no stage imports another stage', () => {
    for (const m of all.filter((x) => stages.includes(x.folder))) {
      const others = m.imports.map((i) => i.folder).filter((f): f is string => f !== null && stages.includes(f) && f !== m.folder);
      expect(others, m.file).toEqual([]);
    }
  });

  it('scoring is pure: it imports only the models and itself, no I/O and no writer', () => {
    for (const m of all.filter((x) => x.folder === 'score')) {
      for (const i of m.imports) expect(i.folder === 'score' || i.folder === 'model', `${m.file} imports ${i.specifier}`).toBe(true);
    }
  });

  it('renderers know the sheet and the typesetter, not indicators or scores', () => {
    for (const m of all.filter((x) => x.folder === 'render')) {
      for (const i of m.imports) {
        // package-root.js says where templates/ and fonts/ are; template-files.js loads a template.
        if (i.folder === null || /\/(package-root|template-files)\.js$/.test(i.specifier)) continue;
        expect(['render', 'model', 'typeset', 'zip'], `${m.file} imports ${i.specifier}`).toContain(i.folder);
        expect(i.specifier, m.file).not.toMatch(/form-input|scored-form|profile/);
      }
    }
  });
});
