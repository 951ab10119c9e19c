#!/bin/sh
# Runs one fuzz target with the settings docs/fuzzing.md records, seeding its corpus first.
# Usage: sh fuzz/run.sh TARGET [SECONDS]  (default 300); extra libFuzzer flags via FUZZ_FLAGS.
# A crash, timeout or out-of-memory input lands in fuzz/artifacts/TARGET/.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=$1
seconds=${2:-300}
sh fuzz/seed.sh >/dev/null
dict=
if [ -f "fuzz/dicts/$target.dict" ]; then
    dict="-dict=fuzz/dicts/$target.dict"
fi
max_len=
case $target in
scenario | import_eksctl | import_clients) max_len=-max_len=16384 ;;
# Long enough for a 64 KiB label (a 65,536-character ID once panicked `trace`), and for
# two scenarios side by side.
command_line | diff) max_len=-max_len=196608 ;;
esac
# `command_line` prints every report it makes: closing the target's standard output
# (-close_fd_mask=1) keeps a 30-minute log from growing to gigabytes; crashes still print.
quiet=
if [ "$target" = command_line ]; then
    quiet=-close_fd_mask=1
fi
# No sanitizer: eksflow forbids unsafe code, so AddressSanitizer would only slow the search.
# shellcheck disable=SC2086
exec cargo +nightly fuzz run --sanitizer none "$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    $max_len $quiet $dict ${FUZZ_FLAGS:-}
