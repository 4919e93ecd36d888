#!/usr/bin/env bash
# Checks that an optimisation changed no output: runs every scenario given (default: all of
# scenarios/*.yaml) with two clocksim binaries and compares every output file byte for byte,
# except the wall-clock fields of summary.json (wall_time_s, events_per_s).
#   bench/compare_outputs.sh BEFORE_BIN AFTER_BIN OUT_DIR [SCENARIO.yaml ...]
# Exit 0 when everything is identical, 1 otherwise (each difference is named), 2 on bad usage.
set -uo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 BEFORE_BIN AFTER_BIN OUT_DIR [SCENARIO.yaml ...]" >&2
  exit 2
fi
before=$1 after=$2 out=$3
shift 3
if [ $# -eq 0 ]; then set -- "$(dirname "$0")"/../scenarios/*.yaml; fi
rm -rf "$out" && mkdir -p "$out"
strip_wall() { grep -v '"wall_time_s"\|"events_per_s"' "$1"; }
scenarios=0 files=0 bad=0
for f in "$@"; do
  name=$(basename "$f" .yaml)
  "$before" run "$f" --out "$out/before/$name" >"$out/$name.before.stdout" 2>"$out/$name.before.stderr"; rb=$?
  "$after" run "$f" --out "$out/after/$name" >"$out/$name.after.stdout" 2>"$out/$name.after.stderr"; ra=$?
  [ "$rb" = "$ra" ] || { echo "exit status differs: $name ($rb, $ra)"; bad=1; }
  if [ -z "$(ls "$out/before/$name" 2>/dev/null)" ] && [ -z "$(ls "$out/after/$name" 2>/dev/null)" ]; then
    echo "no output from either binary: $name (see $out/$name.*.stderr)"; bad=1
  elif [ "$(ls "$out/before/$name" 2>/dev/null)" != "$(ls "$out/after/$name" 2>/dev/null)" ]; then
    echo "file sets differ: $name"; bad=1
  fi
  for g in "$out/before/$name"/*; do
    [ -e "$g" ] || continue
    b=$(basename "$g")
    if [ "$b" = summary.json ]; then
      cmp -s <(strip_wall "$g") <(strip_wall "$out/after/$name/$b") || { echo "differs: $name/$b"; bad=1; }
    else
      cmp -s "$g" "$out/after/$name/$b" || { echo "differs: $name/$b"; bad=1; }
    fi
    files=$((files + 1))
  done
  scenarios=$((scenarios + 1))
done
echo "compared $scenarios scenarios, $files files: $([ $bad = 0 ] && echo identical || echo DIFFERENT)"
exit $bad
