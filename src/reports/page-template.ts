import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../package-root.js';

const templates = join(packageRoot, 'templates');

/**
 * An archive page's handlebars template (templates/NAME), with the partials the pages share
 * (templates/partials/: the style sheet, the sorting and filtering script) registered on a
 * private instance: helpers or partials registered elsewhere must not change a page. strict: a
 * field the view forgot fails loudly instead of printing an empty cell.
 */
export function compilePage<View>(name: string): HandlebarsTemplateDelegate<View> {
  const hb = Handlebars.create();
  for (const file of readdirSync(join(templates, 'partials'))) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -'.hbs'.length), readFileSync(join(templates, 'partials', file), 'utf8'));
  }
  return hb.compile<View>(readFileSync(join(templates, name), 'utf8'), { strict: true });
}
