// Tokenizes every rmod source of the repository with the TextMate grammar (vscode-textmate, the
// engine of VS Code, on vscode-oniguruma) and compares the scopes with the tokens of a port of
// the rmod lexer (editors/test/lexer.js). Then checks that the keyword lists of the TextMate
// grammar, the tree-sitter grammar and its highlight queries equal grammar/README.md's.
// Prints one line per check; exits 1 on any failure.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const repo = require('../../test/repo.js');
const { lex } = require('../../test/lexer.js');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'rmod.tmLanguage.json');
const TS_DIR = path.join(__dirname, '..', '..', 'tree-sitter-rmod');

let failures = 0;
function fail(msg) {
  failures++;
  if (failures <= 40) console.error(`  FAIL ${msg}`);
}

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer;
  const onigLib = oniguruma.loadWASM(wasm).then(() => ({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }));
  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scope) =>
      scope === 'source.rmod' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  return registry.loadGrammar('source.rmod');
}

/** The scopes of every UTF-16 offset of `text` (null for newlines). */
function scopesOf(grammar, text) {
  const out = new Array(text.length).fill(null);
  let stack = vsctm.INITIAL;
  let offset = 0;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      for (let k = t.startIndex; k < Math.min(t.endIndex, line.length); k++) out[offset + k] = t.scopes;
    }
    stack = r.ruleStack;
    offset += line.length + 1;
  }
  return out;
}

const has = (scopes, prefix) => scopes !== null && scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));

function where(src, offset) {
  const before = src.text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `${src.name}:${line}:${col}`;
}

/** Every character of token `t` has a scope starting with `prefix`. */
function expectScope(src, scopes, t, prefix, what) {
  for (let k = t.start; k < t.end; k++) {
    if (src.text[k] === '\r' || src.text[k] === '\n') continue;
    if (!has(scopes[k], prefix)) {
      fail(`${where(src, k)}: ${what} \`${t.text}\` has scopes [${(scopes[k] || []).join(' ')}], expected ${prefix}`);
      return false;
    }
  }
  return true;
}

function expectNoScope(src, scopes, t, prefixes, what) {
  for (let k = t.start; k < t.end; k++) {
    const bad = prefixes.find((p) => has(scopes[k], p));
    if (bad) {
      fail(`${where(src, k)}: ${what} \`${t.text}\` has a ${bad} scope [${scopes[k].join(' ')}]`);
      return false;
    }
  }
  return true;
}

async function tokenizeSources(grammar, keywords, builtins) {
  const counts = { files: 0, keyword: 0, comment: 0, string: 0, number: 0, ident: 0, operator: 0, name: 0, builtin: 0, argument: 0 };
  const start = failures;
  const DECL = new Set(['set', 'param', 'var', 'net', 'minimize', 'maximize']);
  const OPERATORS = new Set(['..', '<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/', '=', '^']);
  for (const src of repo.allSources()) {
    counts.files++;
    const scopes = scopesOf(grammar, src.text);
    const toks = lex(src.text, keywords);
    const code = toks.filter((t) => t.kind !== 'comment');
    let parens = 0;
    code.forEach((t, n) => {
      const prev = code[n - 1];
      const next = code[n + 1];
      const sameLine = (a, b) => !src.text.slice(a.end, b.start).includes('\n');
      switch (t.kind) {
        case 'keyword':
          // `option cbc.in = ...`: a keyword after `.` is an option name part, not a keyword
          if (prev && prev.text === '.') break;
          counts.keyword++;
          expectScope(src, scopes, t, 'keyword', 'keyword');
          break;
        case 'string':
          counts.string++;
          expectScope(src, scopes, t, 'string', 'string');
          break;
        case 'number':
          counts.number++;
          expectScope(src, scopes, t, 'constant.numeric', 'number');
          break;
        case 'ident': {
          counts.ident++;
          expectNoScope(src, scopes, t, ['keyword', 'comment', 'string', 'constant.numeric'], 'identifier');
          if (builtins.includes(t.text)) {
            counts.builtin++;
            expectScope(src, scopes, t, 'support.function', 'built-in function');
          }
          // a declared name on the line of its keyword: set/param/var/net/minimize/maximize NAME, subject to NAME
          const declared =
            prev && sameLine(prev, t) &&
            ((prev.kind === 'keyword' && DECL.has(prev.text)) ||
              (prev.text === 'to' && code[n - 2] && code[n - 2].text === 'subject' && sameLine(code[n - 2], prev)));
          if (declared) {
            counts.name++;
            expectScope(src, scopes, t, 'entity.name', 'declared name');
          }
          if (parens > 0 && next && next.text === '=' && sameLine(t, next)) {
            counts.argument++;
            expectScope(src, scopes, t, 'variable.parameter', 'named argument');
          }
          break;
        }
        case 'punct':
          if (t.text === '(') parens++;
          if (t.text === ')') parens = Math.max(0, parens - 1);
          if (t.text === ';') parens = 0;
          if (OPERATORS.has(t.text)) {
            counts.operator++;
            expectScope(src, scopes, t, 'keyword.operator', 'operator');
          }
          break;
        default:
          break;
      }
    });
    for (const t of toks) {
      if (t.kind === 'comment') {
        counts.comment++;
        expectScope(src, scopes, t, 'comment', 'comment');
      }
    }
  }
  const ok = failures === start;
  console.log(
    `textmate: ${ok ? 'ok' : 'FAILED'}: ${counts.files} sources; ${counts.keyword} keywords, ${counts.comment} comments, ` +
      `${counts.string} strings, ${counts.number} numbers, ${counts.operator} operators, ${counts.ident} identifiers ` +
      `(${counts.name} declared names, ${counts.builtin} built-ins, ${counts.argument} named arguments) scoped as the lexer reads them`,
  );
}

/** Snippets for what the repository's models do not show (yet). */
function snippets(grammar, keywords) {
  const start = failures;
  const cases = [
    // [text, substring, expected scope prefix]
    ['param small = 2e-3 + .5 + 1.5E+2 + 7;', '2e-3', 'constant.numeric'],
    ['param small = 2e-3 + .5 + 1.5E+2 + 7;', '.5', 'constant.numeric'],
    ['param small = 2e-3 + .5 + 1.5E+2 + 7;', '1.5E+2', 'constant.numeric'],
    ['set H = 1..24;', '1', 'constant.numeric'],
    ['set H = 1..24;', '..', 'keyword.operator.range'],
    ['set H = 1..24;', '24', 'constant.numeric'],
    ['/* a\n block */ var x;', 'block', 'comment.block'],
    ['var x; # set param var', 'set param', 'comment.line'],
    ['param s = "a # not a comment";', '# not a comment', 'string'],
    ['set PAIRS = {r in R, s in R: r != s and not r == s or r < s};', 'and', 'keyword.operator'],
    ['set PAIRS = {r in R, s in R: r != s and not r == s or r < s};', 'not', 'keyword.operator'],
    ['set PAIRS = {r in R, s in R: r != s and not r == s or r < s};', 'or', 'keyword.operator'],
    ['param lo{R} >= 0 default 0;', 'default', 'keyword'],
    ['var on{R} binary;', 'binary', 'keyword'],
    ['var n integer;', 'integer', 'keyword'],
    ['var y continuous;', 'continuous', 'keyword'],
    ['net f = relu_net("f.onnx", inputs = ["feed", "T"]);', 'inputs', 'variable.parameter'],
    ['net f = relu_net("f.onnx", inputs = ["feed", "T"]);', '"feed"', 'string'],
    ['net f = relu_net("f.onnx", inputs = ["feed", "T"]);', 'relu_net', 'support.function'],
    ['net f = relu_net("f.onnx", inputs = ["feed", "T"]);', 'f', 'entity.name'],
    ['subject to c: y = f(x);', 'f', 'entity.name.function'],
    ['subject to band: 10 <= sum{r in R} feed[r] <= 90;', 'band', 'entity.name'],
    ['subject to band: 10 <= sum{r in R} feed[r] <= 90;', 'sum', 'keyword'],
    ['option cbc.cuts = "on";', 'cbc.cuts', 'variable.other.option'],
    ['maximize profit: x;', 'profit', 'entity.name'],
  ];
  for (const [text, sub, prefix] of cases) {
    const scopes = scopesOf(grammar, text);
    const at = text.lastIndexOf(sub) >= 0 && sub.length === 1 && /\w/.test(sub) ? wordAt(text, sub) : text.indexOf(sub);
    expectScope({ name: JSON.stringify(text), text }, scopes, { start: at, end: at + sub.length, text: sub }, prefix, 'snippet');
  }
  // every keyword alone on a line is a keyword; identifiers that contain keywords are not
  for (const k of keywords) {
    const text = ` ${k} `;
    expectScope({ name: 'keyword line', text }, scopesOf(grammar, text), { start: 1, end: 1 + k.length, text: k }, 'keyword', 'keyword');
    const ident = `x = ${k}_1 + total${k};`;
    const s = scopesOf(grammar, ident);
    expectNoScope({ name: JSON.stringify(ident), text: ident }, s, { start: 4, end: ident.length - 1, text: ident.slice(4, -1) }, ['keyword.other', 'keyword.declaration'], 'identifier');
  }
  // every punctuation token of grammar/README.md gets a scope of its own
  const puncts = repo.readmePunctuation();
  const line = puncts.join(' ');
  const ps = scopesOf(grammar, line);
  let at = 0;
  for (const p of puncts) {
    if (!ps[at] || ps[at].length < 2) fail(`punctuation \`${p}\` has no scope (${(ps[at] || []).join(' ')})`);
    at += p.length + 1;
  }
  console.log(`textmate snippets: ${failures === start ? 'ok' : 'FAILED'}: ${cases.length} constructs, ${keywords.length} keywords alone and inside identifiers, ${puncts.length} punctuation tokens`);
}

/** The first whole-word occurrence of a one-letter `word`. */
function wordAt(text, word) {
  const m = new RegExp(`\\b${word}\\b`).exec(text);
  return m ? m.index : -1;
}

/** Words of the TextMate grammar's keyword patterns (scopes keyword.*): in regex alternations. */
function textmateKeywords(builtins) {
  const raw = JSON.parse(fs.readFileSync(GRAMMAR, 'utf8'));
  const words = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const scopes = [node.name, ...Object.values(node.captures || {}).map((c) => c.name)].filter(Boolean);
    if (scopes.some((s) => s.startsWith('keyword.')) && node.match) {
      const re = node.match.replace(/\\./g, ' ').replace(/\[[^\]]*\]/g, ' ');
      for (const m of re.matchAll(/[a-z_]{2,}/g)) words.add(m[0]);
    }
    Object.values(node).forEach(visit);
  };
  visit(raw);
  builtins.forEach((b) => words.delete(b));
  return [...words].sort();
}

function sameList(a, b) {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, k) => v === y[k]);
}

function diff(a, b) {
  const missing = b.filter((v) => !a.includes(v));
  const extra = a.filter((v) => !b.includes(v));
  return `missing [${missing.join(', ')}], extra [${extra.join(', ')}]`;
}

function consistency(keywords, builtins) {
  const start = failures;
  const lexer = repo.lexerKeywords();
  if (!sameList(lexer, keywords)) fail(`lexer.rs KEYWORDS vs grammar/README.md: ${diff(lexer, keywords)}`);
  const tm = textmateKeywords(builtins);
  if (!sameList(tm, keywords)) fail(`TextMate grammar keywords vs grammar/README.md: ${diff(tm, keywords)}`);
  const ts = require(path.join(TS_DIR, 'harness', 'dsl.js')).loadGrammar(path.join(TS_DIR, 'grammar.js'));
  const tsWords = ts.stringTokens.filter((s) => /^[a-z_]+$/.test(s));
  if (!sameList(tsWords, keywords)) fail(`tree-sitter grammar.js keywords vs grammar/README.md: ${diff(tsWords, keywords)}`);
  const hl = fs.readFileSync(path.join(TS_DIR, 'queries', 'highlights.scm'), 'utf8');
  const hlWords = [...hl.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).filter((w) => !builtins.includes(w));
  if (!sameList(hlWords, keywords)) fail(`tree-sitter queries/highlights.scm keywords vs grammar/README.md: ${diff(hlWords, keywords)}`);
  for (const b of builtins) {
    if (!hl.includes(`"${b}"`)) fail(`queries/highlights.scm does not mark the built-in \`${b}\``);
  }
  // the terminals of grammar/rmod.ebnf are the keywords and punctuation of grammar/README.md
  // and the string tokens of grammar.js
  const punct = repo.readmePunctuation();
  const ebnf = repo.ebnfTerminals();
  if (!sameList(ebnf, [...keywords, ...punct])) fail(`grammar/rmod.ebnf terminals vs README keywords + punctuation: ${diff(ebnf, [...keywords, ...punct])}`);
  if (!sameList(ts.stringTokens, ebnf)) fail(`tree-sitter grammar.js tokens vs grammar/rmod.ebnf terminals: ${diff(ts.stringTokens, ebnf)}`);
  console.log(
    `keywords: ${failures === start ? 'ok' : 'FAILED'}: ${keywords.length} keywords of grammar/README.md = lexer.rs KEYWORDS = ` +
      `TextMate grammar = tree-sitter grammar.js = highlights.scm; built-ins ${builtins.join(', ')}; ` +
      `grammar/rmod.ebnf's ${repo.ebnfTerminals().length} terminals = README keywords and punctuation = grammar.js tokens`,
  );
}

/** The extension manifest points at the grammar and the language configuration. */
function manifest() {
  const start = failures;
  const dir = path.join(__dirname, '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const lang = (pkg.contributes.languages || []).find((l) => l.id === 'rmod');
  const gram = (pkg.contributes.grammars || []).find((g) => g.language === 'rmod');
  if (!lang || !lang.extensions.includes('.rmod')) fail('package.json: no language `rmod` for `.rmod` files');
  if (!gram || gram.scopeName !== 'source.rmod') fail('package.json: no grammar source.rmod for `rmod`');
  if (gram && path.resolve(dir, gram.path) !== GRAMMAR) fail(`package.json: grammar path ${gram.path} is not syntaxes/rmod.tmLanguage.json`);
  const raw = JSON.parse(fs.readFileSync(GRAMMAR, 'utf8'));
  if (raw.scopeName !== 'source.rmod') fail('rmod.tmLanguage.json: scopeName is not source.rmod');
  const conf = lang && JSON.parse(fs.readFileSync(path.resolve(dir, lang.configuration), 'utf8'));
  if (conf && (conf.comments.lineComment !== '#' || conf.comments.blockComment.join(' ') !== '/* */')) {
    fail('language-configuration.json: comments are not `#` and `/* */`');
  }
  console.log(`vscode extension: ${failures === start ? 'ok' : 'FAILED'}: package.json contributes language rmod (.rmod), grammar source.rmod, language-configuration.json`);
}

async function main() {
  manifest();
  const keywords = repo.readmeKeywords();
  const builtins = repo.readmeBuiltins();
  const grammar = await loadGrammar();
  await tokenizeSources(grammar, keywords, builtins);
  snippets(grammar, keywords);
  consistency(keywords, builtins);
  if (failures > 0) {
    console.error(`textmate: ${failures} failure(s)`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
