#!/usr/bin/env bash
# ON THE GPU HOST: waits up to $1 seconds (default 520) for device_pipeline.sh to finish, printing
# each stage, then packs the logs and results into $OUT/results.tgz (one file: a call returns at
# most 8) and, with EXPORT=1, copies the saved build's pieces to $OUT. Prints the key results too,
# so they come back in the call's output even if the files do not.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/device_env.sh"
O=$SY/out
LIMIT=${1:-520}
END=$((SECONDS + LIMIT))
last=""
while [ $SECONDS -lt $END ]; do
  s=$(tail -1 "$O/stages.log" 2>/dev/null)
  [ "$s" != "$last" ] && { echo "[stage] $s"; last=$s; }
  case "$s" in *all_done*) break ;; esac
  sleep 3
done
if [ -n "${OUT:-}" ]; then
  tar -C "$O" -czf "$OUT/results.tgz" --exclude=./export . 2>/dev/null
  [ "${EXPORT:-0}" = 1 ] && cp "$O"/export/nlc-cuda-build.tar.xz.part-* "$OUT"/ 2>/dev/null
  ls -l "$OUT"
fi
echo "---- stages"; cat "$O/stages.log" 2>/dev/null
echo "---- tests"; grep -E "✓|✗|×|FAIL|Tests |Test Files|Error" "$O/tests.log" 2>/dev/null | tail -25
echo "---- native"; grep -hE "^==|^\|" "$O"/native*.log 2>/dev/null | tail -24
echo "---- results"; cat "$O"/*.bench.log 2>/dev/null | grep -E "^RESULT" | grep -v '"what":"load"' | cut -c1-330
