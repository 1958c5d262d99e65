// npm run build: the CLI, the render worker and the bench as one ES-module bundle in dist/.
// One file per entry (plus chunks they share) instead of ~900 modules: Node resolves, reads and
// compiles far less at start-up (see README, 速度). Dependencies are bundled too, so an
// installed copy needs no node_modules beyond what npm puts there for bundled-in licences.
import { build } from 'esbuild';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import Handlebars from 'handlebars';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { ziping: 'src/cli/main.ts', 'render-worker': 'src/pipeline/render-worker.ts', bench: 'src/bench/bench.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunk-[hash]',
  legalComments: 'linked',
  // Bundled CommonJS modules still call require() for node's own modules.
  banner: { js: "import { createRequire as zipingRequire } from 'node:module'; const require = zipingRequire(import.meta.url);" },
  logLevel: 'warning',
});

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
