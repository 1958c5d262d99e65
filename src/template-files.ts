import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { packageRoot } from './package-root.js';

/**
 * The templates under templates/, compiled with the options templates/compile-options.json gives
 * them. The bundle carries them precompiled (dist/templates.js, made by scripts/bundle.mjs from the
 * same files and options): compiling them took ~100 ms of every command's start. From the sources
 * (tests, scripts) they are compiled on first use. They share one private Handlebars instance:
 * helpers or partials registered elsewhere cannot change what they print.
 */
type Options = { strict?: boolean; noEscape?: boolean };
type Spec = Parameters<typeof Handlebars.template>[0];

const dir = join(packageRoot, 'templates');
const options = JSON.parse(readFileSync(join(dir, 'compile-options.json'), 'utf8')) as Record<string, Options | string>;

/** The options of one template: its own entry, else its folder's (`xlsx/`). A copy: Handlebars adds to the object it is given. */
export function optionsFor(name: string): Options {
  const own = options[name];
  if (typeof own === 'object') return { ...own };
  const folder = options[`${name.slice(0, name.lastIndexOf('/') + 1)}`];
  return typeof folder === 'object' ? { ...folder } : {};
}

/** Only the bundle uses dist/templates.js: the sources compile the templates as they are now. */
const inBundle = fileURLToPath(import.meta.url).startsWith(join(packageRoot, 'dist') + sep);
let precompiled: Promise<Record<string, Spec> | null> | null = null;
function bundled(): Promise<Record<string, Spec> | null> {
  precompiled ??= inBundle
    ? import(pathToFileURL(join(packageRoot, 'dist', 'templates.js')).href).then(
        (m: { default: Record<string, Spec> }) => m.default,
        () => null,
      )
    : Promise.resolve(null);
  return precompiled;
}

const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Partials are the templates under templates/partials/, known by their file name (`{{> page-style}}`): the archive's pages share their style sheet and script. */
const PARTIALS = 'partials/';
const partialName = (path: string): string => path.slice(PARTIALS.length, -'.hbs'.length);

/** The one Handlebars instance of these templates, with the partials registered once. */
let instance: Promise<typeof Handlebars> | null = null;
function handlebars(): Promise<typeof Handlebars> {
  instance ??= bundled().then((specs) => {
    const hb = Handlebars.create();
    if (specs) {
      for (const [path, spec] of Object.entries(specs)) if (path.startsWith(PARTIALS)) hb.registerPartial(partialName(path), hb.template(spec));
    } else {
      for (const file of readdirSync(join(dir, PARTIALS)))
        if (file.endsWith('.hbs')) hb.registerPartial(partialName(`${PARTIALS}${file}`), hb.compile(readFileSync(join(dir, PARTIALS, file), 'utf8'), optionsFor(`${PARTIALS}${file}`)));
    }
    return hb;
  });
  return instance;
}

/** A template by its path under templates/ (`xlsx/sheet.xml.hbs`). */
export async function template<T>(name: string): Promise<HandlebarsTemplateDelegate<T>> {
  const known = cache.get(name);
  if (known) return known as HandlebarsTemplateDelegate<T>;
  const hb = await handlebars();
  const spec = (await bundled())?.[name];
  const compiled = spec ? hb.template(spec) : hb.compile(readFileSync(join(dir, name), 'utf8'), optionsFor(name));
  cache.set(name, compiled);
  return compiled as HandlebarsTemplateDelegate<T>;
}
