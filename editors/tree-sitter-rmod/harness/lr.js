// A small model of what `tree-sitter generate` and the tree-sitter runtime do with grammar.js,
// for machines without the tree-sitter CLI (npm's tree-sitter-cli downloads its binary at
// install time). It follows tree-sitter's rules where they matter for a grammar's correctness:
//
// - rules are flattened like tree-sitter's flatten_grammar: choices expand into productions,
//   prec/prec.left/prec.right/field/alias annotate the steps, repeats become hidden auxiliary
//   rules; a rule other than the start rule that matches the empty string is an error;
// - the parse table is canonical LR(1); shift/reduce and reduce/reduce conflicts are resolved
//   with precedence and associativity as in tree-sitter's build_parse_table, and an unresolved
//   conflict is an error (the grammar declares no `conflicts`, so none may remain);
// - the lexer is context-aware (only the tokens valid in the parse state), longest match,
//   with the `word` token and keyword extraction; extras (whitespace, comments) anywhere;
// - trees: hidden rules (`_name`) are spliced into their parents, fields on hidden rules pass
//   to their visible children, extras at the end of a node move to the parent, and trees print
//   as the S-expressions of `tree-sitter parse` / `tree-sitter test`.
//
// It is a check, not a replacement: with the real CLI, editors/test.sh runs `tree-sitter
// generate`, `tree-sitter test` and `tree-sitter parse` instead.
'use strict';

const END = 0; // the end-of-input terminal

function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The regex source of a token rule (STRING, PATTERN, and combinations of them). */
function regexSource(r) {
  switch (r.type) {
    case 'STRING':
      return escapeRegex(r.value);
    case 'PATTERN':
      return `(?:${r.value})`;
    case 'SEQ':
      return r.members.map(regexSource).join('');
    case 'CHOICE':
      return `(?:${r.members.map(regexSource).join('|')})`;
    case 'REPEAT':
      return `(?:${regexSource(r.content)})*`;
    case 'REPEAT1':
      return `(?:${regexSource(r.content)})+`;
    case 'BLANK':
      return '';
    case 'TOKEN':
    case 'IMMEDIATE_TOKEN':
    case 'PREC':
    case 'PREC_LEFT':
    case 'PREC_RIGHT':
    case 'PREC_DYNAMIC':
      return regexSource(r.content);
    default:
      throw new Error(`a ${r.type} inside a token`);
  }
}

/** Top-level alternatives of a token, each a sticky regex: the longest match of any wins. */
function tokenRegexes(r) {
  while (['TOKEN', 'IMMEDIATE_TOKEN', 'PREC', 'PREC_LEFT', 'PREC_RIGHT', 'PREC_DYNAMIC'].includes(r.type)) r = r.content;
  const alts = r.type === 'CHOICE' ? r.members : [r];
  return alts.map((a) => new RegExp(regexSource(a), 'y' + (r.flags || '')));
}

const isTokenRule = (r) => ['STRING', 'PATTERN', 'TOKEN', 'IMMEDIATE_TOKEN'].includes(r.type);

/**
 * Turns grammar JSON (dsl.js) into symbols and flat productions.
 * Symbols: terminals and nonterminals in one array; `terminal`, `named`, `hidden`, `name`.
 */
function compileGrammar(g) {
  const symbols = [{ name: 'end', terminal: true, named: false, hidden: true, regexes: [] }];
  const byKey = new Map();
  const errors = [];
  const terminal = (key, props) => {
    if (!byKey.has(key)) {
      byKey.set(key, symbols.length);
      symbols.push({ terminal: true, ...props });
    }
    return byKey.get(key);
  };
  const ruleNames = Object.keys(g.rules);
  const lexical = new Set(ruleNames.filter((n) => isTokenRule(g.rules[n])));
  // named lexical rules first (identifier, number, string, comment)
  for (const n of ruleNames) {
    if (lexical.has(n)) {
      terminal(`rule:${n}`, { name: n, named: !n.startsWith('_'), hidden: n.startsWith('_'), isString: false, regexes: tokenRegexes(g.rules[n]) });
    }
  }
  const nonterminal = (name, hidden) => {
    const key = `nt:${name}`;
    if (!byKey.has(key)) {
      byKey.set(key, symbols.length);
      symbols.push({ name, terminal: false, named: !hidden, hidden });
    }
    return byKey.get(key);
  };
  for (const n of ruleNames) {
    if (!lexical.has(n)) nonterminal(n, n.startsWith('_') || g.supertypes.includes(n));
  }
  const stringTerminal = (value) =>
    terminal(`str:${value}`, { name: value, named: false, hidden: false, isString: true, value, regexes: [new RegExp(escapeRegex(value), 'y')] });
  const symbolOf = (name) => {
    if (lexical.has(name)) return byKey.get(`rule:${name}`);
    if (!byKey.has(`nt:${name}`)) throw new Error(`undefined rule \`${name}\``);
    return byKey.get(`nt:${name}`);
  };

  const productions = [];
  let auxCount = 0;

  // flatten(rule, ctx, atEnd) -> list of alternatives, each a list of steps
  function flatten(r, ctx, atEnd) {
    switch (r.type) {
      case 'BLANK':
        return [[]];
      case 'SYMBOL':
        return [[step(symbolOf(r.name), ctx)]];
      case 'STRING':
        return [[step(stringTerminal(r.value), ctx)]];
      case 'PATTERN':
      case 'TOKEN':
      case 'IMMEDIATE_TOKEN': {
        if (r.type !== 'PATTERN' && r.content.type === 'STRING') return [[step(stringTerminal(r.content.value), ctx)]];
        const src = JSON.stringify(r);
        const id = terminal(`tok:${src}`, { name: `token${byKey.size}`, named: false, hidden: true, isString: false, regexes: tokenRegexes(r) });
        return [[step(id, ctx)]];
      }
      case 'SEQ': {
        let acc = [[]];
        r.members.forEach((m, i) => {
          const alts = flatten(m, ctx, atEnd && i === r.members.length - 1);
          const next = [];
          for (const a of acc) for (const b of alts) next.push([...a, ...b]);
          acc = next;
        });
        return acc;
      }
      case 'CHOICE':
        return r.members.flatMap((m) => flatten(m, ctx, atEnd));
      case 'REPEAT':
      case 'REPEAT1': {
        const aux = nonterminal(`_aux_repeat${++auxCount}`, true);
        symbols[aux].aux = true;
        for (const alt of flatten(r.content, ctx, true)) {
          productions.push({ lhs: aux, steps: [step(aux, ctx), ...alt] });
          productions.push({ lhs: aux, steps: alt });
        }
        return r.type === 'REPEAT' ? [[step(aux, ctx)], []] : [[step(aux, ctx)]];
      }
      case 'PREC':
      case 'PREC_LEFT':
      case 'PREC_RIGHT': {
        const inner = { ...ctx, prec: r.value };
        if (r.type !== 'PREC') inner.assoc = r.type === 'PREC_LEFT' ? 'left' : 'right';
        const alts = flatten(r.content, inner, atEnd);
        // as tree-sitter's flatten_grammar: inside a production, the last step of a prec()
        // gets the enclosing precedence back
        if (!atEnd) {
          for (const a of alts) {
            if (a.length > 0) a[a.length - 1] = { ...a[a.length - 1], prec: ctx.prec, assoc: ctx.assoc };
          }
        }
        return alts;
      }
      case 'PREC_DYNAMIC':
        return flatten(r.content, ctx, atEnd);
      case 'FIELD':
        return flatten(r.content, { ...ctx, field: r.name }, atEnd);
      case 'ALIAS':
        return flatten(r.content, { ...ctx, alias: { value: r.value, named: r.named } }, atEnd);
      default:
        throw new Error(`unsupported rule type ${r.type}`);
    }
  }
  function step(sym, ctx) {
    return { sym, prec: ctx.prec || 0, assoc: ctx.assoc || null, field: ctx.field || null, alias: ctx.alias || null };
  }

  for (const n of ruleNames) {
    if (lexical.has(n)) continue;
    const lhs = symbolOf(n);
    for (const alt of flatten(g.rules[n], {}, true)) productions.push({ lhs, steps: alt });
  }

  const extras = [];
  let skip = null;
  for (const e of g.extras) {
    if (e.type === 'SYMBOL') extras.push(symbolOf(e.name));
    else if (e.type === 'PATTERN') skip = new RegExp(`(?:${e.value})+`, 'y');
    else errors.push(`unsupported extra ${JSON.stringify(e)}`);
  }
  const word = g.word ? symbolOf(g.word) : null;
  const keywords = new Map();
  if (word !== null) {
    for (let id = 0; id < symbols.length; id++) {
      const s = symbols[id];
      if (!s.isString) continue;
      const m = symbols[word].regexes.map((re) => ((re.lastIndex = 0), re.exec(s.value))).find((x) => x && x[0] === s.value);
      if (m) {
        s.keyword = true;
        keywords.set(s.value, id);
      }
    }
  }
  const start = symbolOf(ruleNames[0]);
  return { symbols, productions, extras, skip, word, keywords, start, errors };
}

function buildTables(G) {
  const { symbols, productions } = G;
  const errors = [...G.errors];
  const nSym = symbols.length;
  // augmented start
  const accept = productions.length;
  productions.push({ lhs: -1, steps: [{ sym: G.start, prec: 0, assoc: null, field: null, alias: null }] });
  const byLhs = new Map();
  productions.forEach((p, i) => {
    if (!byLhs.has(p.lhs)) byLhs.set(p.lhs, []);
    byLhs.get(p.lhs).push(i);
  });

  // nullable and FIRST
  const nullable = new Array(nSym).fill(false);
  const first = symbols.map((s, i) => (s.terminal ? new Set([i]) : new Set()));
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of productions) {
      if (p.lhs < 0) continue;
      let allNull = true;
      for (const st of p.steps) {
        for (const t of first[st.sym]) {
          if (!first[p.lhs].has(t)) {
            first[p.lhs].add(t);
            changed = true;
          }
        }
        if (!nullable[st.sym]) {
          allNull = false;
          break;
        }
      }
      if (allNull && !nullable[p.lhs]) {
        nullable[p.lhs] = true;
        changed = true;
      }
    }
  }
  symbols.forEach((s, i) => {
    if (!s.terminal && nullable[i] && i !== G.start) errors.push(`the rule \`${s.name}\` matches the empty string`);
    if (!s.terminal && !byLhs.has(i)) errors.push(`the rule \`${s.name}\` has no productions`);
  });

  // canonical LR(1): a state is a map "prod.dot" -> Set(lookaheads)
  const closure = (kernel) => {
    const items = new Map();
    const work = [];
    const add = (p, dot, las) => {
      const key = p * 64 + dot;
      let set = items.get(key);
      if (!set) {
        set = new Set();
        items.set(key, set);
      }
      let grew = false;
      for (const a of las) {
        if (!set.has(a)) {
          set.add(a);
          grew = true;
        }
      }
      if (grew) work.push(key);
    };
    for (const [key, las] of kernel) add(Math.floor(key / 64), key % 64, las);
    while (work.length) {
      const key = work.pop();
      const p = Math.floor(key / 64);
      const dot = key % 64;
      const steps = productions[p].steps;
      if (dot >= steps.length) continue;
      const B = steps[dot].sym;
      if (symbols[B].terminal) continue;
      // FIRST(beta a)
      const la = new Set();
      let allNull = true;
      for (let k = dot + 1; k < steps.length; k++) {
        for (const t of first[steps[k].sym]) la.add(t);
        if (!nullable[steps[k].sym]) {
          allNull = false;
          break;
        }
      }
      if (allNull) for (const a of items.get(key)) la.add(a);
      for (const q of byLhs.get(B) || []) add(q, 0, la);
    }
    return items;
  };
  const keyOf = (kernel) =>
    [...kernel.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, s]) => `${k}:${[...s].sort((x, y) => x - y).join(',')}`)
      .join(' ');

  const states = [];
  const index = new Map();
  const intern = (kernel) => {
    const key = keyOf(kernel);
    if (!index.has(key)) {
      index.set(key, states.length);
      states.push({ kernel, items: null, action: new Map(), goto: new Map() });
    }
    return index.get(key);
  };
  intern(new Map([[accept * 64, new Set([END])]]));
  for (let s = 0; s < states.length; s++) {
    const st = states[s];
    st.items = closure(st.kernel);
    const next = new Map();
    for (const [key, las] of st.items) {
      const p = Math.floor(key / 64);
      const dot = key % 64;
      const steps = productions[p].steps;
      if (dot >= steps.length) continue;
      const X = steps[dot].sym;
      if (!next.has(X)) next.set(X, new Map());
      next.get(X).set(p * 64 + dot + 1, new Set(las));
    }
    for (const [X, kernel] of next) {
      const target = intern(kernel);
      if (symbols[X].terminal) st.action.set(X, { shift: target });
      else st.goto.set(X, target);
    }
    if (states.length > 20000) throw new Error('too many LR(1) states');
  }

  // reductions, conflicts and their resolution by precedence and associativity
  const describe = (p, dot) => {
    const pr = productions[p];
    const lhs = pr.lhs < 0 ? "S'" : symbols[pr.lhs].name;
    const rhs = pr.steps.map((x) => symbols[x.sym].name);
    rhs.splice(dot, 0, '•');
    return `${lhs} → ${rhs.join(' ')}`;
  };
  const conflicts = [];
  states.forEach((st, s) => {
    const reduces = new Map(); // terminal -> [prod]
    for (const [key, las] of st.items) {
      const p = Math.floor(key / 64);
      const dot = key % 64;
      if (dot < productions[p].steps.length) continue;
      for (const a of las) {
        if (!reduces.has(a)) reduces.set(a, []);
        reduces.get(a).push(p);
      }
    }
    for (const [t, prods] of reduces) {
      const precOf = (p) => {
        const steps = productions[p].steps;
        return steps.length ? steps[steps.length - 1] : { prec: 0, assoc: null };
      };
      // reduce/reduce: the higher precedence wins
      let best = prods.slice().sort((a, b) => precOf(b).prec - precOf(a).prec);
      best = best.filter((p) => precOf(p).prec === precOf(best[0]).prec);
      if (best.length > 1) {
        conflicts.push(`state ${s}, lookahead \`${symbols[t].name}\`: reduce/reduce between\n      ${best.map((p) => describe(p, productions[p].steps.length)).join('\n      ')}`);
      }
      const p = best[0];
      if (p === accept) {
        st.action.set(t, { accept: true });
        continue;
      }
      const shift = st.action.get(t);
      if (!shift) {
        st.action.set(t, { reduce: p });
        continue;
      }
      // shift/reduce: the precedences of the items that would shift
      const rp = precOf(p);
      let more = false;
      let less = false;
      const shifting = [];
      for (const [key] of st.items) {
        const q = Math.floor(key / 64);
        const dot = key % 64;
        const steps = productions[q].steps;
        if (dot === 0 || dot >= steps.length || !first[steps[dot].sym].has(t)) continue;
        const sp = steps[dot - 1].prec;
        shifting.push(describe(q, dot));
        if (sp > rp.prec) more = true;
        if (sp < rp.prec) less = true;
      }
      if (more && !less) continue; // shift
      if (less && !more) {
        st.action.set(t, { reduce: p });
        continue;
      }
      if (!more && !less && rp.assoc === 'left') {
        st.action.set(t, { reduce: p });
        continue;
      }
      if (!more && !less && rp.assoc === 'right') continue;
      conflicts.push(
        `state ${s}, lookahead \`${symbols[t].name}\`: shift/reduce between\n      reduce ${describe(p, productions[p].steps.length)}\n      shift  ${shifting.join('\n      shift  ')}`,
      );
    }
  });
  errors.push(...conflicts.map((c) => `unresolved conflict: ${c}`));
  return { states, productions, errors, accept };
}

/** Builds the parser; `errors` lists what `tree-sitter generate` would refuse. */
function build(grammarJson) {
  const G = compileGrammar(grammarJson);
  const T = buildTables(G);
  return { G, T, errors: T.errors };
}

class ParseError extends Error {}

function lineCol(text, offset) {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

/** Parses `text`; returns the root node, or throws ParseError (an ERROR node in tree-sitter). */
function parse(parser, text) {
  const { G, T } = parser;
  const { symbols } = G;
  const leaf = (sym, start, end) => ({ sym, start, end, children: null, text: text.slice(start, end) });

  const lex = (pos, state) => {
    if (G.skip) {
      G.skip.lastIndex = pos;
      const m = G.skip.exec(text);
      if (m) pos += m[0].length;
    }
    if (pos >= text.length) return { sym: END, start: pos, end: pos };
    const valid = T.states[state].action;
    let best = null;
    const consider = (sym, len) => {
      if (len <= 0) return;
      if (!best || len > best.len || (len === best.len && symbols[sym].isString && !symbols[best.sym].isString)) best = { sym, len };
    };
    const matchLen = (sym) => {
      let len = -1;
      for (const re of symbols[sym].regexes) {
        re.lastIndex = pos;
        const m = re.exec(text);
        if (m && m[0].length > len) len = m[0].length;
      }
      return len;
    };
    for (const sym of valid.keys()) {
      if (sym === END || sym === G.word || symbols[sym].keyword) continue;
      consider(sym, matchLen(sym));
    }
    for (const sym of G.extras) consider(sym, matchLen(sym));
    if (G.word !== null) {
      const kwValid = [...valid.keys()].some((s) => symbols[s].keyword);
      if (valid.has(G.word) || kwValid) consider(G.word, matchLen(G.word));
    }
    if (!best) return null;
    let sym = best.sym;
    if (sym === G.word) {
      const w = text.slice(pos, pos + best.len);
      const kw = G.keywords.get(w);
      if (kw !== undefined && valid.has(kw)) sym = kw;
      else if (!valid.has(G.word)) return null;
    }
    return { sym, start: pos, end: pos + best.len, extra: G.extras.includes(sym) };
  };

  const stack = [{ state: 0, node: null, extra: false }];
  let pos = 0;
  for (let guard = 0; guard < 10_000_000; guard++) {
    const state = stack[stack.length - 1].state;
    const tok = lex(pos, state);
    if (!tok) {
      const expected = [...T.states[state].action.keys()].map((s) => symbols[s].name);
      throw new ParseError(`${lineCol(text, pos)}: unexpected \`${text.slice(pos, pos + 12).split('\n')[0]}\`; expected one of ${expected.join(' ')}`);
    }
    if (tok.extra) {
      stack.push({ state, node: leaf(tok.sym, tok.start, tok.end), extra: true });
      pos = tok.end;
      continue;
    }
    const act = T.states[state].action.get(tok.sym);
    if (!act) {
      const expected = [...T.states[state].action.keys()].map((s) => symbols[s].name);
      throw new ParseError(`${lineCol(text, tok.start)}: unexpected ${symbols[tok.sym].name} \`${text.slice(tok.start, tok.end)}\`; expected one of ${expected.join(' ')}`);
    }
    if (act.shift !== undefined) {
      stack.push({ state: act.shift, node: leaf(tok.sym, tok.start, tok.end), extra: false });
      pos = tok.end;
    } else if (act.reduce !== undefined) {
      const prod = T.productions[act.reduce];
      const popped = [];
      let count = 0;
      while (count < prod.steps.length) {
        const e = stack.pop();
        popped.unshift(e);
        if (!e.extra) count++;
      }
      let last = popped.length - 1;
      while (last >= 0 && popped[last].extra) last--;
      const trailing = popped.splice(last + 1);
      let k = 0;
      const children = popped.map((e) => (e.extra ? { node: e.node, step: null } : { node: e.node, step: prod.steps[k++] }));
      const startPos = children.length ? children[0].node.start : pos;
      const endPos = children.length ? children[children.length - 1].node.end : startPos;
      const node = { sym: prod.lhs, children, start: startPos, end: endPos };
      const target = T.states[stack[stack.length - 1].state].goto.get(prod.lhs);
      stack.push({ state: target, node, extra: false });
      for (const e of trailing) stack.push({ ...e, state: target });
    } else if (act.accept) {
      const all = stack.slice(1);
      const root = all.find((e) => !e.extra).node;
      root.children = all.flatMap((e) => (e.extra ? [{ node: e.node, step: null }] : root.children));
      return root;
    }
  }
  throw new ParseError('parser did not terminate');
}

/** Visible children of a node: [{node, type, named, field}], hidden nodes spliced. */
function visibleChildren(parser, node) {
  const { symbols } = parser.G;
  const out = [];
  for (const { node: c, step } of node.children) {
    const field = step && step.field;
    const alias = step && step.alias;
    const sym = symbols[c.sym];
    if (alias) {
      out.push({ node: c, type: alias.value, named: alias.named, field });
    } else if (sym.hidden && (c.children || sym.terminal)) {
      if (!c.children) continue;
      for (const v of visibleChildren(parser, c)) out.push({ ...v, field: v.field || field });
    } else {
      out.push({ node: c, type: sym.name, named: sym.named, field });
    }
  }
  return out;
}

/** The S-expression of `tree-sitter parse` for a root node. */
function sexp(parser, root) {
  const { symbols } = parser.G;
  const show = (node, type) => {
    const kids = node.children ? visibleChildren(parser, node).filter((v) => v.named) : [];
    const inner = kids.map((v) => `${v.field ? `${v.field}: ` : ''}${show(v.node, v.type)}`);
    return `(${[type, ...inner].join(' ')})`;
  };
  return show(root, symbols[root.sym].name);
}

/** The same S-expression, indented as `tree-sitter test --update` writes it. */
function pretty(parser, root) {
  const { symbols } = parser.G;
  const show = (node, type, field, indent) => {
    const kids = node.children ? visibleChildren(parser, node).filter((v) => v.named) : [];
    let out = `${'  '.repeat(indent)}${field ? `${field}: ` : ''}(${type}`;
    for (const v of kids) out += `\n${show(v.node, v.type, v.field, indent + 1)}`;
    return `${out})`;
  };
  return show(root, symbols[root.sym].name, null, 0);
}

/** Node types, anonymous tokens and fields of the grammar (what queries may name). */
function nodeTypes(parser) {
  const { symbols } = parser.G;
  const named = new Set();
  const anonymous = new Set();
  const fields = new Set();
  symbols.forEach((s) => {
    if (s.terminal && s.isString) anonymous.add(s.name);
    else if (s.named && !s.hidden) named.add(s.name);
  });
  for (const p of parser.T.productions) {
    for (const st of p.steps) {
      if (st.field) fields.add(st.field);
      if (st.alias) (st.alias.named ? named : anonymous).add(st.alias.value);
    }
  }
  named.add('ERROR');
  return { named, anonymous, fields };
}

module.exports = { build, parse, sexp, pretty, nodeTypes, ParseError };
