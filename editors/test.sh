#!/usr/bin/env bash
# Tests of the editor grammars (editors/README.md): the TextMate grammar against every rmod
# source of the repository and the keyword lists of grammar/README.md, and the tree-sitter
# grammar (conflicts, every valid source, the corpus, the highlight queries). Run from the
# repository root: bash editors/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

# npm ci: the TextMate engine for the test, and the pinned tree-sitter-cli. The latter's install
# script downloads its binary from GitHub; --ignore-scripts keeps this offline (see README).
for dir in editors/vscode editors/tree-sitter-rmod; do
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error > /dev/null)
  echo "npm ci: $dir"
done

node editors/vscode/test/textmate.test.js
node editors/tree-sitter-rmod/harness/run.js

# The real tree-sitter CLI, where there is one: $TREE_SITTER, the npm package's binary (after
# `node node_modules/tree-sitter-cli/install.js`), or `tree-sitter` on the PATH.
ts="${TREE_SITTER:-}"
if [ -z "$ts" ] && [ -x editors/tree-sitter-rmod/node_modules/tree-sitter-cli/tree-sitter ]; then
  ts="$PWD/editors/tree-sitter-rmod/node_modules/tree-sitter-cli/tree-sitter"
fi
if [ -z "$ts" ] && command -v tree-sitter > /dev/null; then
  ts="$(command -v tree-sitter)"
fi
if [ -n "$ts" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp -r editors/tree-sitter-rmod/{grammar.js,tree-sitter.json,package.json,queries,test} "$work/"
  mkdir "$work/sources"
  node editors/test/write-sources.js "$work/sources" > "$work/sources.txt"
  (
    cd "$work"
    "$ts" generate > generate.log 2>&1 || { cat generate.log; exit 1; }
    echo "tree-sitter generate ($("$ts" --version)): ok: src/parser.c $(wc -c < src/parser.c) bytes"
    "$ts" test > test.log 2>&1 || { cat test.log; exit 1; }
    echo "tree-sitter test: ok: $(grep -c '✓' test.log || true) corpus tests"
    # shellcheck disable=SC2046
    "$ts" parse --quiet $(cat sources.txt) > parse.log 2>&1 || { cat parse.log; exit 1; }
    echo "tree-sitter parse: ok: $(wc -l < sources.txt) sources without ERROR or MISSING nodes"
  )
else
  echo "tree-sitter CLI: not installed; grammar, parse and corpus checked by the harness above (editors/README.md: Testing)"
fi

echo "editors: all checks passed in $((SECONDS - start)) s"
