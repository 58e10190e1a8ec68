// What the editor tests read from the repository: the keyword list of grammar/README.md (and
// the lexer's KEYWORDS), the built-in functions, and the .rmod sources to check.
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** The `Keywords:` line of grammar/README.md. */
function readmeKeywords() {
  const line = read('grammar/README.md').split('\n').find((l) => l.startsWith('Keywords:'));
  if (!line) throw new Error('grammar/README.md has no `Keywords:` line');
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/** The built-in functions named in grammar/README.md ("`csv` and `relu_net` are built-in functions"). */
function readmeBuiltins() {
  const line = read('grammar/README.md').split('\n').find((l) => /built-in functions/.test(l));
  if (!line) throw new Error('grammar/README.md names no built-in functions');
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/** The `Punctuation:` item of grammar/README.md's lexical rules. */
function readmePunctuation() {
  const line = read('grammar/README.md').split('\n').find((l) => l.startsWith('- Punctuation:'));
  if (!line) throw new Error('grammar/README.md has no `- Punctuation:` line');
  return line.match(/`([^`]+)`/)[1].split(/\s+/);
}

/** The quoted terminals of grammar/rmod.ebnf (comments removed). */
function ebnfTerminals() {
  const text = read('grammar/rmod.ebnf').replace(/\(\*[\s\S]*?\*\)/g, ' ');
  return [...new Set([...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]))].sort();
}

/** `pub const KEYWORDS` of the lexer. */
function lexerKeywords() {
  const src = read('crates/rmod-syntax/src/lexer.rs');
  const m = src.match(/pub const KEYWORDS: &\[&str\] = &\[([\s\S]*?)\];/);
  if (!m) throw new Error('lexer.rs: KEYWORDS not found');
  return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}

function walk(rel, ext) {
  const out = [];
  const dir = path.join(ROOT, rel);
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...walk(r, ext));
    else if (e.name.endsWith(ext)) out.push(r);
  }
  return out.sort();
}

/** ```rmod blocks of the READMEs (the Rust docs test parses them too). */
function docBlocks() {
  const out = [];
  for (const doc of ['README.md', 'grammar/README.md']) {
    let cur = null;
    let n = 0;
    for (const line of read(doc).split('\n')) {
      if (cur === null && line.trimStart().startsWith('```rmod')) cur = [];
      else if (cur !== null && line.trimStart().startsWith('```')) {
        n++;
        out.push({ name: `${doc}#block${n}`, text: cur.join('\n') + '\n' });
        cur = null;
      } else if (cur !== null) cur.push(line);
    }
  }
  return out;
}

/**
 * The cases of tests/cases that the rmod parser accepts: those whose diagnostics snapshot
 * (tests/snapshots/NAME.snap) has no `rmod::syntax::` code. Returns {valid, invalid}.
 */
function cases() {
  const valid = [];
  const invalid = [];
  for (const rel of walk('tests/cases', '.rmod')) {
    if (path.dirname(rel) !== 'tests/cases') continue;
    const snap = path.join(ROOT, 'tests/snapshots', path.basename(rel, '.rmod') + '.snap');
    if (!fs.existsSync(snap)) throw new Error(`${rel} has no snapshot ${path.relative(ROOT, snap)}`);
    (fs.readFileSync(snap, 'utf8').includes('rmod::syntax::') ? invalid : valid).push(rel);
  }
  return { valid, invalid };
}

/** Every model the grammars must parse: examples, tests/models, valid cases, README blocks. */
function validSources() {
  const files = [...walk('examples', '.rmod'), ...walk('tests/models', '.rmod'), ...cases().valid];
  return [...files.map((f) => ({ name: f, text: read(f) })), ...docBlocks()];
}

/** Every .rmod text, including the cases with deliberate syntax errors (for lexical checks). */
function allSources() {
  const files = [...walk('examples', '.rmod'), ...walk('tests/models', '.rmod'), ...walk('tests/cases', '.rmod')];
  return [...files.map((f) => ({ name: f, text: read(f) })), ...docBlocks()];
}

module.exports = { ROOT, read, readmeKeywords, readmePunctuation, ebnfTerminals, readmeBuiltins, lexerKeywords, cases, validSources, allSources, docBlocks };
