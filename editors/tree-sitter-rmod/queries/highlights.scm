; Highlights for rmod. Every keyword of grammar/README.md is listed here (a test checks).

(comment) @comment

(string) @string

(number) @number

; Keywords

[
  "set"
  "param"
  "var"
  "net"
  "subject"
  "to"
  "option"
  "fix"
] @keyword

[
  "minimize"
  "maximize"
] @keyword

[
  "sum"
  "prod"
] @keyword

[
  "if"
  "then"
  "else"
] @keyword.conditional

[
  "union"
  "inter"
  "diff"
  "mod"
] @keyword.operator


[
  "and"
  "or"
  "not"
  "in"
] @keyword.operator

[
  "integer"
  "binary"
  "continuous"
  "default"
] @keyword.modifier

; Declarations

(set_declaration
  name: (identifier) @type.definition)

(param_declaration
  name: (identifier) @constant)

(var_declaration
  name: (identifier) @variable)

(net_declaration
  name: (identifier) @function)

(constraint
  name: (identifier) @label)

(objective
  name: (identifier) @label)

(option_name
  (identifier) @property)

; Calls, arguments, index dummies

((call
  function: (identifier) @function.builtin)
  (#any-of? @function.builtin "relu_net" "csv" "piecewise" "min" "max" "abs" "floor" "ceil" "card" "ord"))

((call
  function: (identifier) @function.call)
  (#not-any-of? @function.call "relu_net" "csv" "piecewise" "min" "max" "abs" "floor" "ceil" "card" "ord"))

(iterated_expression
  function: (identifier) @function.builtin)

(named_argument
  name: (identifier) @variable.parameter)

(index_binding
  binder: (identifier) @variable.parameter)

(index_binding
  binder: (tuple
    (identifier) @variable.parameter))

(subscript
  name: (identifier) @variable)

; Operators and punctuation

[
  "+"
  "-"
  "*"
  "/"
  "^"
  "<"
  "<="
  ">"
  ">="
  "=="
  "!="
  "="
  ":="
  ".."
] @operator

[
  ";"
  ","
  ":"
  "."
] @punctuation.delimiter

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket
