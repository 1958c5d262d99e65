#!/usr/bin/env bash
# Builds the robustness issue's bad folder (every bad and hostile file beside two good forms, see
# test/helpers/hostile.ts) with the compiled CLI under /usr/bin/time -v and prints the figures to
# quote: peak memory (max RSS) and wall time. Usage: scripts/measure-bad-folder.sh [--keep] [build options…]
set -euo pipefail
cd "$(dirname "$0")/.."

keep=0
if [ "${1:-}" = "--keep" ]; then keep=1; shift; fi
if [ ! -x /usr/bin/time ]; then
  echo "/usr/bin/time is missing (Debian/Ubuntu: apt-get install time)" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ziping-measure-XXXXXX")"
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT

npm run --silent build
npx tsx test/robustness/write-bad-folder.ts "$work/in"

set +e
/usr/bin/time -v -o "$work/time.txt" node bin/ziping.js build "$work/in" --out "$work/out" --json "$@" >"$work/manifest.stdout.json" 2>"$work/stderr.txt"
code=$?
set -e

rss_kb="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time.txt")"
elapsed="$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")"
cpu="$(sed -n 's/^[[:space:]]*Percent of CPU this job got: //p' "$work/time.txt")"
node -e '
const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const ok = m.forms.filter((f) => f.status === "ok").length;
console.log(`forms: ${m.forms.length} entries, ${ok} ok, ${m.forms.length - ok} error`);
for (const f of m.forms) {
  const codes = [...new Set(f.findings.filter((x) => x.severity === "error" || /^(INGEST|DUPLICATE)/.test(x.code)).map((x) => x.code))];
  console.log(`  ${f.source.split("/").pop()}: ${f.status}${codes.length ? " " + codes.join(",") : ""}`);
}' "$work/manifest.stdout.json"
echo "exit code: $code (1 expected: some inputs cannot be processed)"
echo "node $(node --version), $(nproc) CPUs"
echo "peak memory (max RSS): ${rss_kb} KB = $((rss_kb / 1024)) MB"
echo "wall time: ${elapsed}"
echo "CPU: ${cpu}"
