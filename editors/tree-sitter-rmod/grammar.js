/**
 * @file Tree-sitter grammar for rmod, the modelling language of optimization models with
 * ReLU-network surrogates. Follows grammar/rmod.ebnf of the rmod repository; the keywords are
 * those of grammar/README.md (a test checks).
 * @license MIT
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Operator precedence, lowest first (grammar/README.md).
const PREC = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  add: 5,
  multiply: 6, // also `sum{...} body`: the body is one term; `mod`
  unary: 7,
  power: 8, // right-associative, tighter than unary minus: -2^2 = -(2^2)
  // set operators: `union`/`diff` loosest, then `inter`
  set_union: 1,
  set_inter: 2,
};

/** `rule { , rule }` */
const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));

/** `rule { [ , ] rule }`: the attributes of a `param` or `var` (commas optional, as in AMPL). */
const attributes = (rule) => seq(rule, repeat(seq(optional(','), rule)));

/** `[ rule { , rule } [ , ] ]`: the lists that the parser ends at a closing bracket. */
const commaSepTrailing = (rule) => optional(seq(commaSep1(rule), optional(',')));

module.exports = grammar({
  name: 'rmod',

  extras: ($) => [/\s/, $.comment],

  word: ($) => $.identifier,

  supertypes: ($) => [$._statement],

  rules: {
    source_file: ($) => repeat($._statement),

    _statement: ($) =>
      choice(
        $.set_declaration,
        $.param_declaration,
        $.var_declaration,
        $.net_declaration,
        $.constraint,
        $.objective,
        $.option,
        $.fix_statement,
      ),

    // set NAME [indexing] = set_expr ;
    set_declaration: ($) =>
      seq(
        'set',
        field('name', $.identifier),
        optional(field('indexing', $.indexing)),
        '=',
        field('value', $._set_expression),
        ';',
      ),

    // param NAME [indexing] [attr {[,] attr}] [[,] = value] ;
    param_declaration: ($) =>
      seq(
        'param',
        field('name', $.identifier),
        optional(field('indexing', $.indexing)),
        optional(attributes(field('attribute', choice($.default_value, $.check)))),
        optional(seq(optional(','), '=', field('value', choice($.map_literal, $._expression)))),
        ';',
      ),

    default_value: ($) => seq('default', field('value', $._arithmetic)),

    // `>= lo`, `<= hi` after a param (checks) or a var (bounds)
    check: ($) => seq(field('operator', choice('>=', '<=')), field('value', $._arithmetic)),

    map_literal: ($) => prec(1, seq('{', commaSepTrailing($.map_entry), '}')),

    map_entry: ($) => seq(field('key', $._primary), ':', field('value', $._expression)),

    // var NAME [indexing] {attr} ;
    var_declaration: ($) =>
      seq(
        'var',
        field('name', $.identifier),
        optional(field('indexing', $.indexing)),
        optional(
          attributes(field('attribute', choice($.domain, alias($.check, $.bound), $.bounds, $.initial))),
        ),
        ';',
      ),

    domain: (_) => choice('integer', 'binary', 'continuous'),

    // := value (the initial value, a warm start)
    initial: ($) => seq(':=', field('value', $._arithmetic)),

    // in [lo, hi]
    bounds: ($) =>
      seq('in', '[', field('lower', $._arithmetic), ',', field('upper', $._arithmetic), ']'),

    // net NAME = relu_net("file", ...) ;
    net_declaration: ($) =>
      seq('net', field('name', $.identifier), '=', field('value', $._expression), ';'),

    // subject to NAME [indexing] : relation [if switch] ;
    constraint: ($) =>
      seq(
        'subject',
        'to',
        field('name', $.identifier),
        optional(field('indexing', $.indexing)),
        ':',
        field('relation', $.relation),
        optional(seq('if', field('switch', $._arithmetic))),
        ';',
      ),

    // a <= b, a = b, or the range lo <= e <= hi
    relation: ($) =>
      seq(
        $._arithmetic,
        field('operator', $._relation_operator),
        $._arithmetic,
        optional(seq(field('operator', $._relation_operator), $._arithmetic)),
      ),

    _relation_operator: (_) => choice('<=', '>=', '=', '=='),

    // minimize|maximize NAME : expr ;
    objective: ($) =>
      seq(
        field('sense', choice('minimize', 'maximize')),
        field('name', $.identifier),
        ':',
        field('value', $._expression),
        ';',
      ),

    // option NAME{.NAME} = expr ;
    option: ($) => seq('option', field('name', $.option_name), '=', field('value', $._expression), ';'),

    option_name: ($) => seq($.identifier, repeat(seq('.', $.identifier))),

    // fix [indexing] x[i] = value ;
    fix_statement: ($) =>
      seq(
        'fix',
        optional(field('indexing', $.indexing)),
        field('variable', choice($.identifier, $.subscript)),
        '=',
        field('value', $._expression),
        ';',
      ),

    // {item, item : filter} after a declared name or `sum`
    indexing: ($) =>
      seq('{', commaSep1(choice($.index_binding, $._set_expression)), optional($._filter), '}'),

    _filter: ($) => seq(':', field('filter', $._expression)),

    // i in S, (a, b) in S
    index_binding: ($) =>
      seq(
        field('binder', choice($.identifier, $.tuple, $.parenthesized_expression)),
        'in',
        field('set', $._set_expression),
      ),

    // Set expressions are arithmetic read as sets (A * B is a product), ranges, and set operators.
    _set_expression: ($) => choice($.range, $._arithmetic, $.set_operation),

    set_operation: ($) =>
      choice(
        ...[
          ['union', PREC.set_union],
          ['diff', PREC.set_union],
          ['inter', PREC.set_inter],
        ].map(([op, p]) =>
          prec.left(
            p,
            seq(field('left', $._set_expression), field('operator', op), field('right', $._set_expression)),
          ),
        ),
      ),

    range: ($) => seq(field('start', $._arithmetic), '..', field('end', $._arithmetic)),

    // {a, b}: a literal set
    set_literal: ($) => seq('{', commaSepTrailing($._arithmetic), '}'),

    // {i in I, ... : filter}: a set comprehension starts with a binding
    set_comprehension: ($) =>
      seq(
        '{',
        $.index_binding,
        repeat(seq(',', choice($.index_binding, $._set_expression))),
        optional($._filter),
        '}',
      ),

    // Expressions: `or` `and` `not` comparisons over arithmetic.
    _expression: ($) =>
      choice(
        $.boolean_expression,
        $.not_expression,
        $.comparison_expression,
        $.membership_expression,
        $._arithmetic,
      ),

    // e in S, (a, b) in P: a comparison
    membership_expression: ($) =>
      prec(PREC.compare, seq(field('left', $._arithmetic), 'in', field('set', $._set_expression))),

    boolean_expression: ($) =>
      choice(
        prec.left(PREC.or, seq(field('left', $._expression), field('operator', 'or'), field('right', $._expression))),
        prec.left(PREC.and, seq(field('left', $._expression), field('operator', 'and'), field('right', $._expression))),
      ),

    not_expression: ($) => prec(PREC.not, seq('not', field('operand', $._expression))),

    // at most one comparison: a < b, not a < b < c
    comparison_expression: ($) =>
      prec(
        PREC.compare,
        seq(
          field('left', $._arithmetic),
          field('operator', choice('<', '<=', '>', '>=', '==', '!=')),
          field('right', $._arithmetic),
        ),
      ),

    _arithmetic: ($) => choice($.binary_expression, $.unary_expression, $._primary),

    binary_expression: ($) =>
      choice(
        ...[
          ['+', PREC.add],
          ['-', PREC.add],
          ['*', PREC.multiply],
          ['/', PREC.multiply],
          ['mod', PREC.multiply],
        ].map(([op, p]) =>
          prec.left(p, seq(field('left', $._arithmetic), field('operator', op), field('right', $._arithmetic))),
        ),
        prec.right(PREC.power, seq(field('left', $._arithmetic), field('operator', '^'), field('right', $._arithmetic))),
      ),

    unary_expression: ($) =>
      prec(PREC.unary, seq(field('operator', choice('-', '+')), field('operand', $._arithmetic))),

    _primary: ($) =>
      choice(
        $.number,
        $.string,
        $.identifier,
        $.subscript,
        $.call,
        $.sum_expression,
        $.iterated_expression,
        $.if_expression,
        $.parenthesized_expression,
        $.tuple,
        $.list,
        $.set_literal,
        $.set_comprehension,
      ),

    // sum{i in I} body: the body binds like a product, so `sum{i in I} a[i] * x[i] + 5`
    // is `(sum{i in I} (a[i] * x[i])) + 5`
    sum_expression: ($) =>
      prec.right(
        PREC.multiply,
        seq(field('operator', choice('sum', 'prod')), field('indexing', $.indexing), field('body', $._arithmetic)),
      ),

    // min{i in I} body, max{i in I} body (min and max are names, not keywords)
    iterated_expression: ($) =>
      prec.right(
        PREC.multiply,
        seq(field('function', $.identifier), field('indexing', $.indexing), field('body', $._arithmetic)),
      ),

    // if c then a [else b]: the branches are arithmetic, the else branch as long as a sum
    if_expression: ($) =>
      prec.right(
        0,
        seq(
          'if',
          field('condition', $._expression),
          'then',
          field('consequence', $._arithmetic),
          optional(seq('else', field('alternative', $._arithmetic))),
        ),
      ),

    // x[i, j]
    subscript: ($) =>
      seq(field('name', $.identifier), '[', commaSep1(field('index', $._arithmetic)), ']'),

    // f(a, name = b)
    call: ($) => seq(field('function', $.identifier), field('arguments', $.arguments)),

    // (card(A union B) and ord(i, 1..n) take sets)
    arguments: ($) =>
      seq('(', commaSepTrailing(choice($.named_argument, $._expression, $.range, $.set_operation)), ')'),

    named_argument: ($) => seq(field('name', $.identifier), '=', field('value', $._expression)),

    parenthesized_expression: ($) => seq('(', $._expression, ')'),

    // (a, b): tuples are set elements, map keys, binders and network outputs
    tuple: ($) => seq('(', $._expression, repeat1(seq(',', $._expression)), ')'),

    // [a, b]: e.g. relu_net("f.onnx", inputs = ["feed", "T"])
    list: ($) => seq('[', commaSep1($._expression), ']'),

    identifier: (_) => /[A-Za-z_][A-Za-z0-9_]*/,

    // 123, 1.5, .5, 2e-3 (`1..24` is 1, .., 24)
    number: (_) => token(choice(/\d+(\.\d+)?([eE][+-]?\d+)?/, /\.\d+([eE][+-]?\d+)?/)),

    // one line, no escapes
    string: (_) => token(seq('"', /[^"\n]*/, '"')),

    comment: (_) => token(choice(seq('#', /.*/), seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'))),
  },
});
