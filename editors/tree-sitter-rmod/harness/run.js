// Checks the tree-sitter grammar without the tree-sitter CLI (see lr.js): the grammar has no
// unresolved conflicts, every valid rmod source of the repository parses without an error,
// the corpus tests of test/corpus/ give their expected trees, and queries/highlights.scm names
// only node types, tokens and fields that exist. Prints one line per check; exits 1 on failure.
//
//   node harness/run.js            all checks
//   node harness/run.js FILE...    print the tree of each file
//   node harness/run.js --update   rewrite the expected trees of test/corpus/ (review the diff!)
'use strict';

const fs = require('fs');
const path = require('path');
const { loadGrammar } = require('./dsl.js');
const lr = require('./lr.js');
const repo = require('../../test/repo.js');

const DIR = path.resolve(__dirname, '..');
let failures = 0;
function fail(msg) {
  failures++;
  if (failures <= 40) console.error(`  FAIL ${msg}`);
}

/** Tests of a tree-sitter corpus file: [{name, input, expected}]. */
function corpusTests(text) {
  const lines = text.split('\n');
  const tests = [];
  let i = 0;
  const isHeader = (l) => /^={3,}\s*$/.test(l);
  const isDivider = (l) => /^-{3,}\s*$/.test(l);
  while (i < lines.length) {
    if (!isHeader(lines[i])) {
      i++;
      continue;
    }
    const name = [];
    i++;
    while (i < lines.length && !isHeader(lines[i])) name.push(lines[i++]);
    i++;
    const input = [];
    while (i < lines.length && !isDivider(lines[i])) input.push(lines[i++]);
    i++;
    const expected = [];
    while (i < lines.length && !(isHeader(lines[i]) && i + 2 < lines.length && !isHeader(lines[i + 1]))) expected.push(lines[i++]);
    tests.push({ name: name.join(' ').trim(), input: input.join('\n').replace(/^\n+|\n+$/g, ''), expected: expected.join('\n') });
  }
  return tests;
}

const normalize = (s) => s.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();

/** Tokens of a query file: strings, words, fields, captures, predicates and brackets. */
function queryTokens(text) {
  const toks = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === ';') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      toks.push({ kind: 'string', value: JSON.parse(text.slice(i, j + 1)) });
      i = j + 1;
    } else if ('()[]'.includes(c)) toks.push({ kind: c, value: c }), i++;
    else {
      const m = /^[@#!]?[A-Za-z0-9_.?!-]+:?/.exec(text.slice(i));
      if (!m) throw new Error(`query: unexpected \`${c}\``);
      toks.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return toks;
}

function checkQueries(parser, file) {
  const start = failures;
  const name = path.basename(file);
  const types = lr.nodeTypes(parser);
  const toks = queryTokens(fs.readFileSync(file, 'utf8'));
  let depth = 0;
  let inPredicate = 0; // depth of an open (#predicate ...)
  toks.forEach((t, k) => {
    const prev = toks[k - 1];
    if (t.kind === '(' || t.kind === '[') depth++;
    if (t.kind === ')' || t.kind === ']') {
      if (inPredicate === depth) inPredicate = 0;
      depth--;
      if (depth < 0) fail(`${name}: unbalanced brackets`);
    }
    if (inPredicate) return;
    if (t.kind === 'word' && t.value.startsWith('#')) inPredicate = depth;
    else if (t.kind === 'word' && t.value.endsWith(':')) {
      if (!types.fields.has(t.value.slice(0, -1))) fail(`${name}: no field \`${t.value}\``);
    } else if (t.kind === 'word' && prev && prev.kind === '(' && !t.value.startsWith('@') && t.value !== '_') {
      if (!types.named.has(t.value)) fail(`${name}: no node type \`${t.value}\``);
    } else if (t.kind === 'string' && !types.anonymous.has(t.value)) fail(`${name}: no token "${t.value}"`);
  });
  if (depth !== 0) fail(`${name}: unbalanced brackets`);
  return failures === start;
}

function updateCorpus(parser) {
  const corpusDir = path.join(DIR, 'test', 'corpus');
  for (const file of fs.readdirSync(corpusDir).filter((f) => f.endsWith('.txt')).sort()) {
    const out = corpusTests(fs.readFileSync(path.join(corpusDir, file), 'utf8')).map((t) => {
      const bar = '='.repeat(Math.max(40, t.name.length));
      let tree;
      try {
        tree = lr.pretty(parser, lr.parse(parser, t.input));
      } catch (e) {
        tree = `(ERROR) ; ${e.message}`;
      }
      return `${bar}\n${t.name}\n${bar}\n\n${t.input}\n\n---\n\n${tree}\n`;
    });
    fs.writeFileSync(path.join(corpusDir, file), out.join('\n'));
    console.log(`updated test/corpus/${file}`);
  }
}

function main() {
  const grammarJson = loadGrammar(path.join(DIR, 'grammar.js'));
  const t0 = Date.now();
  const parser = lr.build(grammarJson);
  const files = process.argv.slice(2);
  if (files[0] === '--update') {
    updateCorpus(parser);
    return;
  }
  if (files.length) {
    for (const f of files) {
      try {
        console.log(lr.pretty(parser, lr.parse(parser, fs.readFileSync(f, 'utf8'))));
      } catch (e) {
        console.log(`${f}: ${e.message}`);
      }
    }
    return;
  }

  const s0 = failures;
  for (const e of parser.errors) fail(`grammar.js: ${e}`);
  console.log(
    `tree-sitter grammar (harness): ${failures === s0 ? 'ok' : 'FAILED'}: ${parser.T.states.length} LR(1) states, ` +
      `${parser.T.productions.length} productions; ${parser.errors.length} unresolved conflicts or rules matching the empty string (${Date.now() - t0} ms)`,
  );
  if (failures > s0) process.exit(1);

  const s1 = failures;
  const sources = repo.validSources();
  for (const src of sources) {
    try {
      lr.parse(parser, src.text);
    } catch (e) {
      if (!(e instanceof lr.ParseError)) throw e;
      fail(`${src.name}:${e.message}`);
    }
  }
  const { invalid } = repo.cases();
  const rejected = invalid.filter((f) => {
    try {
      lr.parse(parser, repo.read(f));
      return false;
    } catch (e) {
      return true;
    }
  });
  const kinds = (re) => sources.filter((s) => re.test(s.name)).length;
  console.log(
    `tree-sitter parse (harness): ${failures === s1 ? 'ok' : 'FAILED'}: ${sources.length} sources without an error ` +
      `(${kinds(/^examples\//)} examples, ${kinds(/^tests\/models\//)} tests/models, ${kinds(/^tests\/cases\//)} valid tests/cases, ` +
      `${kinds(/\.md#/)} README blocks); of the ${invalid.length} cases with syntax errors, ${rejected.length} give an error here ` +
      `(the grammar is lenient where rmod's parser reports later: ${invalid.filter((f) => !rejected.includes(f)).map((f) => path.basename(f)).join(', ')})`,
  );

  const s2 = failures;
  let count = 0;
  const corpusDir = path.join(DIR, 'test', 'corpus');
  for (const file of fs.readdirSync(corpusDir).filter((f) => f.endsWith('.txt')).sort()) {
    for (const t of corpusTests(fs.readFileSync(path.join(corpusDir, file), 'utf8'))) {
      count++;
      let got;
      try {
        got = lr.sexp(parser, lr.parse(parser, t.input));
      } catch (e) {
        if (!(e instanceof lr.ParseError)) throw e;
        fail(`corpus ${file} "${t.name}": ${e.message}`);
        continue;
      }
      if (normalize(got) !== normalize(t.expected)) {
        fail(`corpus ${file} "${t.name}":\n    expected ${normalize(t.expected)}\n    got      ${normalize(got)}`);
      }
    }
  }
  console.log(`tree-sitter corpus (harness): ${failures === s2 ? 'ok' : 'FAILED'}: ${count} tests in test/corpus/`);

  const ok = checkQueries(parser, path.join(DIR, 'queries', 'highlights.scm'));
  console.log(`tree-sitter queries (harness): ${ok ? 'ok' : 'FAILED'}: queries/highlights.scm names only node types, tokens and fields of grammar.js`);

  if (failures > 0) {
    console.error(`tree-sitter harness: ${failures} failure(s)`);
    process.exit(1);
  }
}

main();
