import { defineConfig } from 'vitest/config';

/**
 * Two sets: `fast` (unit and small integration tests, `npm run test:fast`, under a minute) and
 * `slow` (whole-CLI runs against hostile folders, kill -9 trials, fuzzing, the watcher, LibreOffice
 * conversions). `npm test` runs both; CI runs `npm test`.
 */
const slow = [
  'test/robustness/**/*.test.ts',
  'test/render/print-libreoffice.test.ts',
  'test/reports/review-libreoffice.test.ts',
  // Four whole builds of three departments each.
  'test/reports/review-sheets.test.ts',
  'test/ingest/hostile-reader.test.ts',
  'test/archive/watch.test.ts',
  'test/archive/xls.test.ts',
  'test/archive/incremental.test.ts',
  'test/archive/lock-race.test.ts',
  // Its commit put it in the slow set: every reference form rendered and read back by pdf.js.
  'test/golden/structure.test.ts',
  'test/package/**/*.test.ts',
  'test/browser/**/*.test.ts',
  'test/serve/serve-http.test.ts',
  'test/serve/serve-lan.test.ts',
  'test/serve/serve-load.test.ts',
  'test/cli/watch-results.test.ts',
  // The year report of 400 forms in 60 departments, every page checked and read by four PDF readers.
  'test/reports/year-report-layout.test.ts',
  // Whole builds through the CLI or the archive, several each (test:fast stays under a minute).
  'test/cli/help-summary.test.ts',
  'test/cli/build.test.ts',
  'test/cli/init.test.ts',
  'test/archive/combined.test.ts',
  'test/archive/corrections.test.ts',
  'test/serve/corrections.test.ts',
  'test/serve/store-upload.test.ts',
  // bin/ziping.js under Windows' node.exe, in Wine.
  'test/windows/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: slow } },
      { extends: true, test: { name: 'slow', include: slow } },
    ],
  },
});
