// A JavaScript port of crates/rmod-syntax/src/lexer.rs that also keeps comments: the truth
// the editor grammars are tested against. Tokens: {kind, text, start, end} with kind one of
// comment, string, number, keyword, ident, punct, invalid; offsets are UTF-16 indices.
'use strict';

const PUNCTS = ['..', '<=', '>=', '==', '!=', '{', '}', '(', ')', '[', ']', ',', ';', ':', '=', '<', '>', '+', '-', '*', '/', '.', '^'];

const isDigit = (c) => c >= '0' && c <= '9';
const isAlpha = (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isWord = (c) => isAlpha(c) || isDigit(c) || c === '_';

function lex(text, keywords) {
  const kw = new Set(keywords);
  const toks = [];
  let i = 0;
  const push = (kind, start, end) => toks.push({ kind, text: text.slice(start, end), start, end });
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') { i++; continue; }
    if (c === '#') {
      const start = i;
      while (i < text.length && text[i] !== '\n') i++;
      push('comment', start, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const start = i;
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
      push('comment', start, i);
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i++;
      if (text[i] === '"') i++;
      push('string', start, i);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] || '') && text[i - 1] !== '.')) {
      const start = i;
      while (i < text.length && isDigit(text[i])) i++;
      if (text[i] === '.' && text[i + 1] !== '.') {
        i++;
        while (i < text.length && isDigit(text[i])) i++;
      }
      if (text[i] === 'e' || text[i] === 'E') {
        let j = i + 1;
        if (text[j] === '+' || text[j] === '-') j++;
        if (isDigit(text[j] || '')) {
          i = j;
          while (i < text.length && isDigit(text[i])) i++;
        }
      }
      push('number', start, i);
      continue;
    }
    if (isAlpha(c) || c === '_') {
      const start = i;
      while (i < text.length && isWord(text[i])) i++;
      push(kw.has(text.slice(start, i)) ? 'keyword' : 'ident', start, i);
      continue;
    }
    const p = PUNCTS.find((q) => text.startsWith(q, i));
    if (p) {
      push('punct', i, i + p.length);
      i += p.length;
      continue;
    }
    push('invalid', i, i + 1);
    i++;
  }
  return toks;
}

module.exports = { lex };
