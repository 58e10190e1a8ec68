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
] @keyword

[
  "minimize"
  "maximize"
] @keyword

"sum" @keyword

"if" @keyword.conditional

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
  (#any-of? @function.builtin "relu_net" "csv"))

((call
  function: (identifier) @function.call)
  (#not-any-of? @function.call "relu_net" "csv"))

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
  "<"
  "<="
  ">"
  ">="
  "=="
  "!="
  "="
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
