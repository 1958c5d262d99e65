import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { optionsFor } from '../src/template-files.js';
import { root } from './helpers/pipeline.js';

/**
 * The bundle prints with dist/templates.js (precompiled by scripts/bundle.mjs), the sources with
 * the templates compiled at run time: both must be the same templates with the same options.
 * npm test builds the bundle first.
 */
describe('precompiled templates in the bundle', () => {
  const names = readdirSync(join(root, 'templates'), { recursive: true })
    .map((n) => String(n).split(sep).join('/'))
    .filter((n) => n.endsWith('.hbs'))
    .sort();
  const dist = readFileSync(join(root, 'dist', 'templates.js'), 'utf8');

  it('hold every template under templates/, each as precompiled now with its options', () => {
    expect(names).toContain('index.hbs');
    expect(names).toContain('xlsx/sheet.xml.hbs');
    for (const name of names) {
      const spec = Handlebars.precompile(readFileSync(join(root, 'templates', name), 'utf8'), optionsFor(name));
      expect(dist, name).toContain(`${JSON.stringify(name)}: ${String(spec)},`);
    }
    expect(dist.match(/^ {2}"[^"]+\.hbs": /gm)).toHaveLength(names.length);
  });

  it('gives xlsx parts their XML as written (no HTML escaping) and the year page strict, escaped fields', () => {
    expect(optionsFor('xlsx/sheet.xml.hbs')).toEqual({ noEscape: true, strict: false });
    expect(optionsFor('index.hbs')).toEqual({ strict: true });
  });
});
