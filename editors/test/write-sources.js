// Writes every valid rmod source (examples, tests/models, the valid tests/cases, README blocks)
// into the directory given as the argument and prints their paths, one a line: the input of
// `tree-sitter parse` in editors/test.sh.
'use strict';

const fs = require('fs');
const path = require('path');
const repo = require('./repo.js');

const out = process.argv[2];
if (!out) throw new Error('usage: node write-sources.js OUTDIR');
for (const src of repo.validSources()) {
  const file = path.join(out, src.name.replace(/[/#]/g, '__') + (src.name.endsWith('.rmod') ? '' : '.rmod'));
  fs.writeFileSync(file, src.text);
  console.log(file);
}
