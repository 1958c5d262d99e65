// npm run build: the CLI, the render worker and the bench as one ES-module bundle in dist/.
// One file per entry (plus chunks they share) instead of ~900 modules: Node resolves, reads and
// compiles far less at start-up (see README, 速度). Dependencies are bundled too, so an
// installed copy needs no node_modules beyond what npm puts there for bundled-in licences.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

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
