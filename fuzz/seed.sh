#!/usr/bin/env bash
# Builds the fuzzer's starting corpus from the repository's fixtures: the
# example site's articles, every bad-input case's articles, the seeds in
# fuzz/seeds/ and the regression inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus/content_pipeline
mkdir -p "$corpus"
find content tests/suite/fixtures/bad_input fuzz/seeds/*.md fuzz/seeds/stages/front_matter fuzz/regressions/content_pipeline -type f -name '*.md' -print0 |
  while IFS= read -r -d '' file; do
    cp "$file" "$corpus/$(printf '%s' "$file" | tr '/' '_')"
  done
echo "$(ls "$corpus" | wc -l) inputs in $corpus"

# Each stage's target starts from its own small seeds and its regressions.
for dir in fuzz/seeds/stages/*/; do
  stage=$(basename "$dir")
  mkdir -p "fuzz/corpus/$stage"
  cp "$dir"* "fuzz/corpus/$stage/"
  if [ -d "fuzz/regressions/$stage" ]; then cp "fuzz/regressions/$stage/"* "fuzz/corpus/$stage/"; fi
  echo "$(ls "fuzz/corpus/$stage" | wc -l) inputs in fuzz/corpus/$stage"
done
