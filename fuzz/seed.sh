#!/bin/sh
# Fills fuzz/corpus/<target>/ with seed inputs from the bundled scenarios and the test
# fixtures (valid and invalid), plus the inputs kept as fuzz regressions. Safe to re-run:
# libFuzzer names corpus files by content hash, seeds keep their own names.
# Usage (from the repository root or from fuzz/): sh fuzz/seed.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
corpus=fuzz/corpus
fixtures=tests/fixtures

seed() { # seed TARGET FILE...
    target=$1
    shift
    mkdir -p "$corpus/$target"
    for file in "$@"; do
        [ -f "$file" ] || continue
        name=$(printf '%s' "$file" | tr '/' '_')
        cp "$file" "$corpus/$target/seed-$name"
    done
}

seed scenario scenarios/*.yaml "$fixtures"/invalid/*.yaml "$fixtures"/rules/*.yaml \
    "$fixtures"/import/terraform/clients.yaml "$fixtures"/fuzz-seeds/*.yaml \
    "$fixtures"/proxy/*.yaml "$fixtures"/hybrid/*.yaml
seed import_terraform "$fixtures"/import/terraform/*.json "$fixtures"/import/terraform/realworld/*.json
seed import_eksctl "$fixtures"/import/eksctl/*.yaml
seed import_cloudformation "$fixtures"/import/cloudformation/*.yaml \
    "$fixtures"/import/cloudformation/*.json "$fixtures"/import/cloudformation/invalid/*
seed import_aws "$fixtures"/import/aws/*/*.json
seed import_clients "$fixtures"/import/terraform/clients.yaml
# A directory of AWS CLI responses read at once: every response as one JSON object, which
# the single-file reader accepts (each top-level key is read).
if command -v jq >/dev/null; then
    for dir in "$fixtures"/import/aws/*/; do
        name=$(basename "$dir")
        for file in "$dir"*.json; do
            jq -c 'objects' "$file" 2>/dev/null || true
        done | jq -s 'add' >"$corpus/import_aws/seed-merged-$name.json"
    done
fi

# The inputs kept as regression tests (tests/it/fuzz_regressions.rs), which include the only
# seeds of dns_wire (the answer layout of `dns_answer`, a real response in wire format) and
# of import_clients (clients files for the eksctl config it merges them into).
for dir in "$fixtures"/fuzz/*/; do
    [ -d "$dir" ] || continue
    seed "$(basename "$dir")" "$dir"*
done

for dir in "$corpus"/*/; do
    printf '%s: %s files\n' "$(basename "$dir")" "$(ls "$dir" | wc -l)"
done
