// npm run build: the CLI, the render worker and the bench as one ES-module bundle in dist/.
// One file per entry (plus chunks they share) instead of ~900 modules: Node resolves, reads and
// compiles far less at start-up (see README, 速度). Dependencies are bundled too, so the package
// has no `dependencies`: `npm install -g ziping-x.y.z.tgz` installs offline, with nothing to fetch.
import { build } from 'esbuild';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';

/**
 * Parts of exceljs that ziping never runs: exceljs is used only to write the 汇总表 in memory
 * (Workbook.xlsx.writeBuffer, which zips with jszip). Its streaming reader (unzipper) and writer
 * (archiver), CSV support (fast-csv) and temp files (tmp) would ship ~1 MB of code, and unzipper's
 * dependency `buffers` declares no licence at all. exceljs requires them when it loads, so each is
 * replaced by a stand-in whose every function throws when called: a future use fails loudly in
 * the tests instead of silently shipping. (exceljs's stream reader calls tmp.setGracefulCleanup()
 * as it loads; that one call is let through.)
 * fontkit (ours, and pdfkit's copy) requires a brotli decoder for WOFF2 fonts: the fonts here are
 * OpenType files, and the decoder with its dictionary is 1.4 MB that every start would compile.
 */
const notShipped = ['unzipper', 'archiver', 'fast-csv', 'tmp', 'brotli/decompress.js'];
const standIn = (name) => `
const fail = () => { throw new Error(${JSON.stringify(`ziping: "${name}" is left out of the bundle (scripts/bundle.mjs, notShipped)`)}); };
module.exports = new Proxy(fail, { get: (_, key) => (key === 'setGracefulCleanup' ? () => {} : key === '__esModule' ? false : fail), apply: fail, construct: fail });
`;
const stubOut = {
  name: 'not-shipped',
  setup(b) {
    const filter = new RegExp(`^(${notShipped.map((n) => n.replace(/[.]/g, '\\.')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'not-shipped' }));
    b.onLoad({ filter: /.*/, namespace: 'not-shipped' }, (args) => ({ contents: standIn(args.path), loader: 'js' }));
  },
};

/** Licences whose terms a bundled copy meets by carrying the notice (THIRD-PARTY-NOTICES.txt). */
const permissive = new Set(['MIT', 'MIT/X11', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'Unlicense', 'BlueOak-1.0.0', 'Zlib', 'OFL-1.1']);

/** `MIT`, `(MIT OR GPL-3.0-or-later)`, `(MIT AND Zlib)`, or the old `licenses: [{type}]` form. */
function licenceOf(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type).join(' OR ');
  return null;
}

function acceptable(expression) {
  if (!expression) return false;
  const inner = expression.replace(/^\(|\)$/g, '');
  if (/ OR /.test(inner)) return inner.split(' OR ').some((p) => permissive.has(p.trim()));
  return inner.split(' AND ').every((p) => permissive.has(p.trim()));
}

/** The package a bundled source file belongs to: the nearest package.json with a name above it. */
function packageOf(file) {
  for (let dir = dirname(file); dir.includes(`node_modules${sep}`) || dir.includes('node_modules/'); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (pkg.name) return { dir, pkg };
  }
  return null;
}

function licenceText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : null;
}

/**
 * One notice per bundled package (name, version, licence, its licence file): MIT, BSD and the
 * like require the notice to travel with copies of the code, and the bundle is such a copy.
 * A package under any other licence stops the build.
 */
function notices(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    if (!input.includes('node_modules/')) continue;
    const found = packageOf(input);
    if (found) packages.set(`${found.pkg.name}@${found.pkg.version}`, found);
  }
  const refused = [];
  const parts = [];
  for (const [id, { dir, pkg }] of [...packages].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = licenceText(dir);
    // A few old packages declare nothing in package.json but carry the MIT text itself (png-js).
    const licence = licenceOf(pkg) ?? (text && /Permission is hereby granted, free of charge/.test(text) ? 'MIT' : null);
    if (!acceptable(licence)) refused.push(`${id} (${licence ?? 'no licence declared'}, ${relative('.', dir)})`);
    parts.push(`${'='.repeat(78)}\n${id} — ${licence}\n${'='.repeat(78)}\n${text ?? `(no licence file in the package; its package.json declares ${licence})`}\n`);
  }
  if (refused.length > 0) throw new Error(`bundled packages under licences ziping may not ship:\n  ${refused.join('\n  ')}`);
  const head = `ziping bundles the following packages into dist/ (${packages.size} in all). Their licences follow.\nThe fonts in fonts/ are under the SIL Open Font License (fonts/LICENSE-OFL.txt).\n\n`;
  return head + parts.join('\n');
}

await rm('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: { ziping: 'src/cli/main.ts', 'render-worker': 'src/pipeline/render-worker.ts', bench: 'src/bench/bench.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Maps stay in the checkout for stack traces while developing; the package does not ship them (package.json "files").
  sourcemap: 'linked',
  chunkNames: 'chunk-[hash]',
  // The notices file below carries every licence; comments in the code add nothing to it.
  legalComments: 'none',
  metafile: true,
  plugins: [stubOut],
  // Bundled CommonJS modules still call require() for node's own modules, and pdfmake's virtual
  // file system compares names with its own __dirname (here: the bundle's folder).
  banner: {
    js: "import { createRequire as zipingRequire } from 'node:module'; import { dirname as zipingDirname } from 'node:path'; import { fileURLToPath as zipingFilePath } from 'node:url'; const require = zipingRequire(import.meta.url); const __dirname = zipingDirname(zipingFilePath(import.meta.url));",
  },
  logLevel: 'warning',
});
await writeFile('dist/THIRD-PARTY-NOTICES.txt', notices(result.metafile));

// Every template under templates/, precompiled with the options templates/compile-options.json
// gives it (src/template-files.ts reads the same file): the bundle does not compile them at start.
const options = JSON.parse(await readFile('templates/compile-options.json', 'utf8'));
// A copy each time: Handlebars adds to the options object it is given.
const optionsFor = (name) => ({ ...(typeof options[name] === 'object' ? options[name] : (options[name.slice(0, name.lastIndexOf('/') + 1)] ?? {})) });
const names = (await readdir('templates', { recursive: true }))
  .map((n) => n.split(sep).join('/'))
  .filter((n) => n.endsWith('.hbs'))
  .sort();
const specs = await Promise.all(names.map(async (n) => `  ${JSON.stringify(n)}: ${Handlebars.precompile(await readFile(join('templates', n), 'utf8'), optionsFor(n))},`));
await writeFile('dist/templates.js', `// Made by scripts/bundle.mjs from templates/ — do not edit.\nexport default {\n${specs.join('\n')}\n};\n`);
