#!/usr/bin/env bash
# make-fonts.sh — regenerate the embedded CJK fonts in this directory.
#
# What it does
#   Takes the Simplified-Chinese (SC) face out of the Debian Noto CJK OpenType
#   collections (.ttc) and subsets it with fontTools' pyftsubset to the GBK
#   repertoire plus the symbols used in forms. Output (CFF-flavoured .otf):
#
#     NotoSerifSC-Regular-GBK.otf  Noto Serif CJK SC Regular  宋体 look: body / table text
#     NotoSerifSC-Black-GBK.otf    Noto Serif CJK SC Black    方正小标宋 look: document titles
#     NotoSansSC-Regular-GBK.otf   Noto Sans CJK SC Regular   黑体 look: "附件6", headers
#     NotoSansSC-Bold-GBK.otf      Noto Sans CJK SC Bold      黑体 bold
#
#   plus codepoints-gbk.txt (the requested code points), LICENSE-OFL.txt and
#   BUILD-INFO.txt (package versions, TTC indices, options, sha256 sums).
#
# Requirements (Debian 12 "bookworm"; the committed files were made with):
#   fonts-noto-cjk        1:20220127+repack1-1   (Serif/Sans Regular+Bold .ttc)
#   fonts-noto-cjk-extra  1:20220127+repack1-1   (NotoSerifCJK-Black.ttc)
#   fonttools             4.38.0-1+deb12u1       (pyftsubset, python3-fonttools)
#     apt-get install -y fonts-noto-cjk fonts-noto-cjk-extra fonttools
#   Other versions work but will give different bytes; the script warns.
#
# Usage
#   fonts/make-fonts.sh            # rebuild everything in place (~45 s, 4 parallel jobs)
#   PYTHON=/usr/bin/python3 SRC_DIR=/usr/share/fonts/opentype/noto fonts/make-fonts.sh
#   Re-runnable; with the same package versions the output is byte-identical
#   (pyftsubset keeps head.modified from the source font).
#
# Character repertoire (codepoints-gbk.txt)
#   * every valid GBK double-byte sequence (lead 0x81-0xFE, trail 0x40-0x7E,
#     0x80-0xFE) decoded with Python's 'gbk' codec, plus the same byte pairs
#     decoded with 'gb18030' where that gives a non-PUA code point (adds the 81
#     chars GBK maps to PUA: CJK radicals ⺁⺄…, IDCs ⿰…⿻, 〾, 18 Ext-A hanzi,
#     ǹ, €). Result: 21 872 code points.
#   * ASCII, Latin-1, General Punctuation (U+2000-206F), Letterlike + Number
#     Forms (2100-218F: ℃ № Ⅰ…), Arrows, Math Operators (≥ ≤ ≠ …), Enclosed
#     Alphanumerics (①-⑳ ⑴ ⒈, 2460-24FF), Box Drawing + Block + Geometric
#     Shapes (═ ─ □ ■ ○ △, 2500-25FF), Misc Symbols + Dingbats (☐ ☑ ★ ✓ ✔,
#     2600-27BF), CJK/Kangxi radicals (2E80-2FDF, also catches the Kangxi
#     radical look-alikes that copy-pasted PDF text often contains), CJK
#     Symbols & Punctuation (3000-303F), Enclosed CJK + CJK Compatibility
#     (3200-33FF: ㈠ ㊣ ㎡ ㎏), vertical/compat forms (FE10-FE1F, FE30-FE4F),
#     Half/Full-width Forms (FF00-FFEF).
#   Code points the font has no glyph for are silently skipped
#   (--ignore-missing-glyphs); BUILD-INFO.txt lists how many were kept.
#
# pyftsubset options and why
#   --font-number=N          the SC face of the .ttc; N is looked up by
#                            PostScript name (NotoSerifCJKsc-Regular, ...) and
#                            the script aborts if it is not found. (It is 2 in
#                            20220127: JP=0 KR=1 SC=2 TC=3 HK=4.) Each face of
#                            the collection has its own cmap, so the SC face's
#                            cmap already selects the mainland-China glyph
#                            forms without the 'locl' feature.
#   --layout-features=ccmp   keep only glyph composition: it joins two or
#                            three full-width dashes (U+2015) into one
#                            unbroken 2-em/3-em line, the Chinese 破折号 ——
#                            (4 glyphs, +0.3 KB a face). Every other feature
#                            stays out: the default set pulls in ~20k alternate
#                            glyphs (aalt, vert, fwid, locl for JP/KR/TC/HK...)
#                            and doubles the size (14.9 MB instead of 7.9 MB
#                            for Serif Regular). Consequence: no Latin kerning;
#                            the renderer maps —— to ―― itself (locl's job).
#   --no-hinting             drop CFF hints: printing/PDF doesn't need them (-17 %).
#   --desubroutinize         IMPORTANT for pdfkit: fontkit's CFF subsetter
#                            (fontkit 2.0.4, used by pdfkit 0.19) copies the
#                            whole global/local subroutine INDEX into every PDF
#                            (unused subrs replaced by 1-byte stubs). With the
#                            subroutinized font a one-table page was 55 KB;
#                            desubroutinized it is 12 KB, and rendering is
#                            faster. Costs +11 % font file size.
#   --notdef-outline         keep the .notdef box so a character outside the
#                            repertoire shows as a visible box, not as nothing.
#   --name-IDs='*'           keep all English name records, incl. the OFL
#                            licence description/URL (IDs 13/14).
#   --drop-tables+=vhea,vmtx,VORG   vertical metrics unused (horizontal only).
#   --ignore-missing-glyphs  see above.
#   CFF outlines are kept (no conversion to TrueType .ttf): checked with
#   pdfmake 0.3.11 / pdfkit 0.19.1 / fontkit 2.0.4 — glyphs, ToUnicode and
#   subsetting are correct (CIDFontType0C, emb yes / sub yes / uni yes).
#
# Licence: the output fonts are Modified Versions under the SIL OFL 1.1 (see
# LICENSE-OFL.txt). The upstream Reserved Font Name is "Source"; the family
# names ("Noto ... CJK SC") are kept unchanged, which the OFL permits.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-/usr/bin/python3}"          # needs python3-fonttools (Debian)
PYFTSUBSET="${PYFTSUBSET:-pyftsubset}"
SRC_DIR="${SRC_DIR:-/usr/share/fonts/opentype/noto}"

# Versions the committed fonts were built with (only a warning if different).
EXPECTED_VERSIONS=(
  "fonts-noto-cjk=1:20220127+repack1-1"
  "fonts-noto-cjk-extra=1:20220127+repack1-1"
  "fonttools=4.38.0-1+deb12u1"
)

# output file | source collection | PostScript name of the wanted face
FACES=(
  "NotoSerifSC-Regular-GBK.otf|NotoSerifCJK-Regular.ttc|NotoSerifCJKsc-Regular"
  "NotoSerifSC-Black-GBK.otf|NotoSerifCJK-Black.ttc|NotoSerifCJKsc-Black"
  "NotoSansSC-Regular-GBK.otf|NotoSansCJK-Regular.ttc|NotoSansCJKsc-Regular"
  "NotoSansSC-Bold-GBK.otf|NotoSansCJK-Bold.ttc|NotoSansCJKsc-Bold"
  # Optional (+7.9 MB): a real bold 宋体 for bold table text, if ever needed.
  # "NotoSerifSC-Bold-GBK.otf|NotoSerifCJK-Bold.ttc|NotoSerifCJKsc-Bold"
)

SUBSET_OPTS=(
  --unicodes-file="$HERE/codepoints-gbk.txt"
  --ignore-missing-glyphs
  --layout-features=ccmp
  --no-hinting
  --desubroutinize
  --notdef-outline
  --name-IDs='*'
  --drop-tables+=vhea,vmtx,VORG
)

die() { echo "make-fonts.sh: $*" >&2; exit 1; }

command -v "$PYFTSUBSET" >/dev/null || die "pyftsubset not found (apt-get install fonttools)"
"$PYTHON" -c 'import fontTools' 2>/dev/null || die "$PYTHON cannot import fontTools (set PYTHON=/usr/bin/python3)"

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not-installed"; }
for ev in "${EXPECTED_VERSIONS[@]}"; do
  pkg="${ev%%=*}"; want="${ev#*=}"; have="$(pkgver "$pkg")"
  [ "$have" = "$want" ] || echo "WARNING: $pkg is '$have', committed fonts were made with '$want'" >&2
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/make-fonts.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- code points
"$PYTHON" - "$HERE/codepoints-gbk.txt" "$WORK/gbk-only.txt" <<'PY'
import sys
cps = set()
trails = list(range(0x40, 0x7F)) + list(range(0x80, 0xFF))
for lead in range(0x81, 0xFF):
    for trail in trails:
        b = bytes([lead, trail])
        for codec in ("gbk", "gb18030"):
            try:
                c = ord(b.decode(codec))
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= c <= 0xF8FF:      # no Private Use Area
                cps.add(c)
n_gbk = len(cps)
with open(sys.argv[2], "w") as f:
    f.write("".join("%X\n" % c for c in sorted(cps)))
EXTRA = [
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1 Supplement"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x2100, 0x218F, "Letterlike Symbols, Number Forms"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2200, 0x22FF, "Mathematical Operators"),
    (0x2460, 0x24FF, "Enclosed Alphanumerics"),
    (0x2500, 0x25FF, "Box Drawing, Block Elements, Geometric Shapes"),
    (0x2600, 0x27BF, "Miscellaneous Symbols, Dingbats"),
    (0x2E80, 0x2FDF, "CJK Radicals Supplement, Kangxi Radicals"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation"),
    (0x3200, 0x33FF, "Enclosed CJK Letters and Months, CJK Compatibility"),
    (0xFE10, 0xFE1F, "Vertical Forms"),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
]
for lo, hi, _ in EXTRA:
    cps.update(range(lo, hi + 1))
# compact to ranges
ranges, s = [], sorted(cps)
start = prev = s[0]
for c in s[1:]:
    if c != prev + 1:
        ranges.append((start, prev)); start = c
    prev = c
ranges.append((start, prev))
with open(sys.argv[1], "w") as f:
    f.write("# Generated by make-fonts.sh — do not edit.\n")
    f.write("# pyftsubset --unicodes-file input: GBK (Python 'gbk' + non-PUA 'gb18030'\n")
    f.write("# decodings of every GBK double-byte pair: %d code points) plus:\n" % n_gbk)
    for lo, hi, name in EXTRA:
        f.write("#   U+%04X-%04X %s\n" % (lo, hi, name))
    f.write("# Total: %d code points in %d ranges.\n" % (len(cps), len(ranges)))
    for lo, hi in ranges:
        f.write("U+%04X\n" % lo if lo == hi else "U+%04X-%04X\n" % (lo, hi))
print("codepoints-gbk.txt: %d code points (%d from GBK/GB18030)" % (len(cps), n_gbk))
PY

# ---------------------------------------------------------------- subsetting
ttc_index() {   # $1 = collection, $2 = PostScript name -> prints index
  "$PYTHON" - "$1" "$2" <<'PY'
import sys
from fontTools.ttLib import TTCollection
coll = TTCollection(sys.argv[1], lazy=True)
hits = [i for i, f in enumerate(coll.fonts) if f["name"].getDebugName(6) == sys.argv[2]]
if len(hits) != 1:
    sys.exit("face %s not found exactly once in %s" % (sys.argv[2], sys.argv[1]))
print(hits[0])
PY
}

declare -A INDEX
pids=()
for face in "${FACES[@]}"; do
  IFS='|' read -r out ttc ps <<<"$face"
  [ -f "$SRC_DIR/$ttc" ] || die "missing $SRC_DIR/$ttc (install fonts-noto-cjk / fonts-noto-cjk-extra)"
  idx="$(ttc_index "$SRC_DIR/$ttc" "$ps")"
  INDEX[$out]="$idx"
  echo "subsetting $ttc #$idx ($ps) -> $out"
  "$PYFTSUBSET" "$SRC_DIR/$ttc" --font-number="$idx" "${SUBSET_OPTS[@]}" \
      --output-file="$WORK/$out" 2>"$WORK/$out.log" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || die "pyftsubset failed (see logs in $WORK)"; done
for face in "${FACES[@]}"; do
  IFS='|' read -r out _ <<<"$face"
  mv -f "$WORK/$out" "$HERE/$out"
done

# ---------------------------------------------------------------- licence
{
  echo "The fonts in this directory (*.otf) are subsets of Noto Serif CJK SC and"
  echo "Noto Sans CJK SC (https://github.com/notofonts/noto-cjk), taken from the"
  echo "Debian packages fonts-noto-cjk / fonts-noto-cjk-extra and subset with"
  echo "make-fonts.sh. They are Modified Versions of the Font Software and are"
  echo "distributed under the SIL Open Font License, Version 1.1, below."
  echo
  echo "Copyright notices of the source fonts (name ID 0):"
  for face in "${FACES[@]}"; do
    IFS='|' read -r out ttc ps <<<"$face"
    "$PYTHON" - "$SRC_DIR/$ttc" "${INDEX[$out]}" "$ps" <<'PY'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1], fontNumber=int(sys.argv[2]), lazy=True)
print("  %s: %s" % (sys.argv[3], f["name"].getDebugName(0)))
PY
  done
  echo "Upstream licence (noto-cjk LICENSE): Copyright 2014-2021 Adobe"
  echo "(http://www.adobe.com/), with Reserved Font Name 'Source'."
  echo "Noto is a trademark of Google Inc."
  echo
  echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
  echo "This license is copied below (from /usr/share/doc/fonts-noto-cjk/copyright),"
  echo "and is also available with a FAQ at: https://openfontlicense.org"
  echo
  # The Debian copyright file holds the OFL text as a "License: SIL-1.1"
  # paragraph (continuation lines indented by one space, blank lines as " .").
  # (The first "License: SIL-1.1" line is the Files: stanza's field; take the
  # stand-alone paragraph, i.e. the match followed by indented lines.)
  awk '/^License: SIL-1.1$/ {on=1; n=0; next}
       on && !/^ / {if (n) exit; on=0; next}
       on {sub(/^ /, ""); if ($0 == ".") $0 = ""; print; n++}' \
      /usr/share/doc/fonts-noto-cjk/copyright
} > "$HERE/LICENSE-OFL.txt"
grep -q "SIL OPEN FONT LICENSE Version 1.1" "$HERE/LICENSE-OFL.txt" || die "OFL text not found in Debian copyright file"

# ---------------------------------------------------------------- build info
{
  echo "# Generated by make-fonts.sh — do not edit."
  echo "built-with:"
  for p in fonts-noto-cjk fonts-noto-cjk-extra fonttools; do echo "  $p: $(pkgver "$p")"; done
  echo "  python-fontTools: $("$PYTHON" -c 'import fontTools; print(fontTools.version)')"
  echo "pyftsubset-options: ${SUBSET_OPTS[*]/#--unicodes-file=*/--unicodes-file=codepoints-gbk.txt}"
  echo "faces:"
  for face in "${FACES[@]}"; do
    IFS='|' read -r out ttc ps <<<"$face"
    "$PYTHON" - "$HERE/$out" "$SRC_DIR/$ttc" "${INDEX[$out]}" "$ps" "$HERE/codepoints-gbk.txt" "$WORK/gbk-only.txt" <<'PY'
import sys, hashlib, os
from fontTools.ttLib import TTFont
out, ttc, idx, ps, cpfile, gbkfile = sys.argv[1:]
req = set()
for line in open(cpfile):
    line = line.split("#")[0].strip()
    if not line:
        continue
    a, _, b = line[2:].partition("-")
    req.update(range(int(a, 16), int(b or a, 16) + 1))
f = TTFont(out, lazy=True)
cmap = f.getBestCmap()
gbk = [int(l, 16) for l in open(gbkfile)]
gbk_missing = [c for c in gbk if c not in cmap]
sha_src = hashlib.sha256(open(ttc, "rb").read()).hexdigest()
sha_out = hashlib.sha256(open(out, "rb").read()).hexdigest()
print("  %s:" % os.path.basename(out))
print("    source: %s index %s (%s, %s)" % (ttc, idx, ps, f["name"].getDebugName(5)))
print("    source-sha256: %s" % sha_src)
print("    sha256: %s" % sha_out)
print("    bytes: %d  glyphs: %d  mapped code points: %d of %d requested" % (os.path.getsize(out), f["maxp"].numGlyphs, len(cmap), len(req)))
print("    GBK code points without glyph: %d of %d %s" % (len(gbk_missing), len(gbk), " ".join("U+%04X(%s)" % (c, chr(c)) for c in gbk_missing)))
print("    requested but not in font: %d" % len([c for c in req if c not in cmap]))
PY
  done
} > "$HERE/BUILD-INFO.txt"

ls -l "$HERE"/*.otf
du -ch "$HERE"/*.otf | tail -1
