// The tree-sitter grammar DSL (grammar, seq, choice, prec, field, ...) as plain functions that
// turn grammar.js into the JSON form `tree-sitter generate` writes to src/grammar.json.
// Used by the harness (lr.js) and by the keyword consistency check; it needs no tree-sitter CLI.
'use strict';

const path = require('path');

function normalize(value) {
  if (typeof value === 'string') return { type: 'STRING', value };
  if (value instanceof RegExp) {
    return value.flags ? { type: 'PATTERN', value: value.source, flags: value.flags } : { type: 'PATTERN', value: value.source };
  }
  if (value && typeof value.type === 'string') return value;
  throw new TypeError(`invalid rule: ${JSON.stringify(value)}`);
}

const blank = () => ({ type: 'BLANK' });
const seq = (...members) => ({ type: 'SEQ', members: members.map(normalize) });
const choice = (...members) => ({ type: 'CHOICE', members: members.map(normalize) });
const optional = (value) => choice(value, blank());
const repeat = (value) => ({ type: 'REPEAT', content: normalize(value) });
const repeat1 = (value) => ({ type: 'REPEAT1', content: normalize(value) });
const field = (name, value) => ({ type: 'FIELD', name, content: normalize(value) });
const sym = (name) => ({ type: 'SYMBOL', name });
const token = (value) => ({ type: 'TOKEN', content: normalize(value) });
token.immediate = (value) => ({ type: 'IMMEDIATE_TOKEN', content: normalize(value) });

function precRule(type) {
  return (a, b) => (b === undefined && type !== 'PREC' ? { type, value: 0, content: normalize(a) } : { type, value: a, content: normalize(b) });
}
const prec = precRule('PREC');
prec.left = precRule('PREC_LEFT');
prec.right = precRule('PREC_RIGHT');
prec.dynamic = precRule('PREC_DYNAMIC');

function alias(value, name) {
  const content = normalize(value);
  if (typeof name === 'string') return { type: 'ALIAS', content, named: false, value: name };
  if (name && name.type === 'SYMBOL') return { type: 'ALIAS', content, named: true, value: name.name };
  throw new TypeError('alias: the name must be a string or a symbol');
}

function grammar(spec) {
  const $ = new Proxy({}, { get: (_, name) => sym(String(name)) });
  const rules = {};
  for (const [name, fn] of Object.entries(spec.rules)) rules[name] = normalize(fn($));
  const list = (key) => (spec[key] ? spec[key]($).map(normalize) : []);
  return {
    name: spec.name,
    word: spec.word ? spec.word($).name : null,
    rules,
    extras: spec.extras ? list('extras') : [{ type: 'PATTERN', value: '\\s' }],
    conflicts: spec.conflicts ? spec.conflicts($).map((c) => c.map((s) => s.name)) : [],
    precedences: [],
    externals: list('externals'),
    inline: spec.inline ? spec.inline($).map((s) => s.name) : [],
    supertypes: spec.supertypes ? spec.supertypes($).map((s) => s.name) : [],
  };
}

/**
 * Evaluates grammar.js with the DSL as globals. Returns the grammar JSON plus `stringTokens`:
 * every string literal of the grammar (the anonymous tokens, e.g. keywords and punctuation).
 */
function loadGrammar(file) {
  const globals = { grammar, seq, choice, optional, repeat, repeat1, field, sym, token, prec, alias, blank };
  const saved = {};
  for (const [k, v] of Object.entries(globals)) {
    saved[k] = global[k];
    global[k] = v;
  }
  const resolved = path.resolve(file);
  delete require.cache[resolved];
  let g;
  try {
    g = require(resolved);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete global[k];
      else global[k] = v;
    }
  }
  const strings = new Set();
  const visit = (r, inToken) => {
    if (r.type === 'STRING' && !inToken) strings.add(r.value);
    const tok = inToken || r.type === 'TOKEN' || r.type === 'IMMEDIATE_TOKEN';
    if (r.members) r.members.forEach((m) => visit(m, tok));
    if (r.content) visit(r.content, tok);
  };
  Object.values(g.rules).forEach((r) => visit(r, false));
  g.stringTokens = [...strings].sort();
  return g;
}

module.exports = { loadGrammar };
