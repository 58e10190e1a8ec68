//! The registry of diagnostic codes: one entry per code, shown by `rmod explain CODE`.

/// What a code means and an example that triggers it.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub explanation: &'static str,
    pub example: &'static str,
}

macro_rules! codes {
    ($( $name:ident = $code:literal => $expl:literal, $ex:literal; )*) => {
        /// Every registered code as a constant: the only way to make a [`Code`](crate::Code).
        pub mod code {
            use crate::Code;
            $( #[doc = $code] pub const $name: Code = Code($code); )*
        }
        /// Every code rmod can emit, sorted by code.
        pub const CODES: &[CodeInfo] = &[ $( CodeInfo { code: $code, explanation: $expl, example: $ex } ),* ];
    };
}

codes! {
    DATA_CSV_BAD_VALUE = "rmod::data::csv_bad_value" => "A cell of a CSV file that should hold a number does not parse as a finite number. Fix the cell or name another value column.", "param price{G} = csv(\"prices.csv\", key = \"grade\", value = \"grade\");";
    DATA_CSV_DUPLICATE_KEY = "rmod::data::csv_duplicate_key" => "Two rows of a CSV file have the same key, so the parameter would get two values. Remove one row.", "grade,usd\nlight,1\nlight,2";
    DATA_FILE = "rmod::data::file" => "A file (the model, a CSV file named in `csv(...)`, a network file) cannot be read. Paths in a model are relative to the model file.", "param p{G} = csv(\"missing.csv\", key = \"k\", value = \"v\");";
    DATA_CSV_MISSING_COLUMN = "rmod::data::csv_missing_column" => "A column named by `key =` or `value =` is not in the CSV header. The help lists the header's columns.", "param p{G} = csv(\"prices.csv\", key = \"grad\", value = \"usd\");";
    DATA_CSV_ROW = "rmod::data::csv_row" => "A CSV row has a different number of cells than the header, or the file has no header.", "grade,usd\nlight,1,2";
    DATA_CSV_QUOTE = "rmod::data::csv_quote" => "A quoted CSV field is never closed, or has text between its closing quote and the next separator. A field in double quotes may hold separators, line breaks and quotes written twice (`\"\"`), as in RFC 4180.", "grade,usd\n\"light,1\n";
    DATA_CSV_CALL = "rmod::data::csv_call" => "`csv(...)` takes a path and the named arguments `key` (a column or a tuple of columns, one per index set) and `value`.", "param p{G} = csv(\"p.csv\", value = \"usd\");";
    DATA_DIVISION_BY_ZERO = "rmod::data::division_by_zero" => "A parameter expression divides by zero. Check the data or guard the division with a filter.", "param a = 1 / 0;";
    DATA_EMPTY_BOUNDS = "rmod::data::empty_bounds" => "A variable's lower bound exceeds its upper bound, so no value is feasible.", "var x in [5, 1];";
    DATA_EMPTY_SET = "rmod::data::empty_set" => "(warning) A set is empty; declarations indexed over it create nothing.", "set S = {};";
    DATA_EMPTY_SUM = "rmod::data::empty_sum" => "(warning) A `sum` runs over no elements and contributes 0; often a filter that is too strict.", "sum{r in R: cap[r] > 1e9} x[r]";
    DATA_INFEASIBLE_CONSTANT = "rmod::data::infeasible_constant" => "A constraint has no variables left after evaluation and its constant relation is false, so the model is infeasible.", "subject to c: 3 <= 2;";
    DATA_KEY_NOT_IN_SET = "rmod::data::key_not_in_set" => "A key of a map literal or CSV file is not an element of the parameter's index set.", "param cap{R} = {\"R3\": 1};   # R = {\"R1\", \"R2\"}";
    DATA_MISSING_VALUE = "rmod::data::missing_value" => "A parameter has no value for the requested index and no `default`. Give the value or a default.", "param cap{R} = {\"R1\": 1}; ... cap[\"R2\"]";
    DATA_NOT_A_NUMBER = "rmod::data::not_a_number" => "An expression that must be a number (a bound, a parameter) evaluated to something else, e.g. a string element.", "param a = \"x\";";
    DATA_NOT_AN_ELEMENT = "rmod::data::not_an_element" => "An index or a set element is not a string or an integer. Set elements are quoted strings or integers.", "set S = {1.5};";
    DATA_CHECK_FAILED = "rmod::data::check_failed" => "A parameter value violates the `>=` or `<=` check in its declaration.", "param a >= 0 = -1;";
    DATA_DUPLICATE_ELEMENT = "rmod::data::duplicate_element" => "A set literal or map literal lists the same element or key twice.", "set S = {\"a\", \"a\"};";
    DATA_NON_FINITE = "rmod::data::non_finite" => "A value is infinite or NaN; every number in a model must be finite.", "param a = 1e308 * 10;";
    DATA_FIX_VALUE = "rmod::data::fix_value" => "A `fix` statement or a `--fix` flag gives a variable a value outside its declared bounds, or a value that is not a whole number for an integer or binary variable. Fixing sets both bounds to the value; change the value or the declaration.", "var n integer in [0, 5]; fix n = 7;";
    DATA_OUT_OF_SET = "rmod::data::out_of_set" => "A subscript is not an element of the index set of the declaration it indexes.", "var x{R}; ... x[\"R9\"]";
    LINEAR_PRODUCT_OF_VARIABLES = "rmod::linear::product_of_variables" => "The product of two expressions that both contain variables is not linear. Introduce a binary/linearization or fix one factor as a parameter.", "subject to c: x * y <= 1;";
    LINEAR_COEFFICIENT_RANGE = "rmod::linear::coefficient_range" => "(warning) The coefficients of a row span more than 1e9 (largest / smallest magnitude): solver tolerances can no longer resolve the small ones. Rescale units. Rows generated for networks are checked too.", "subject to c: 1e-6 * x + 1e6 * y <= 1;";
    LINEAR_DIVISION_BY_VARIABLE = "rmod::linear::division_by_variable" => "Dividing by an expression that contains variables is not linear.", "subject to c: 1 / x <= 1;";
    LINEAR_NONLINEAR_FUNCTION = "rmod::linear::nonlinear_function" => "`min`, `max`, `abs`, `floor`, `ceil`, `mod` and `^` are functions of data: applied to an expression with variables they are not linear. Model them instead: `t >= a` and `t >= b` for a max that is minimized (a binary and big-M rows for an exact one), `t >= e` and `t >= -e` for an |e| that is minimized, an integer variable for floor and ceil. In an `if`, the condition must be data; the branches may hold variables.", "subject to c: max(x, y) <= 1;";
    LINEAR_VARIABLE_IN_DATA = "rmod::linear::variable_in_data" => "A variable appears where only data is allowed: a set, a parameter, a bound, a filter or a subscript.", "param a = x;";
    LINEAR_MISPLACED_CALL = "rmod::linear::misplaced_call" => "A network call (or another function) appears where it cannot be linearized. A network call must be the whole right-hand side of `y = net(...)` or `(y1, y2) = net(...)`.", "subject to c: y <= 2 * reactor(x, T);";
    LINEAR_SWITCH = "rmod::linear::switch" => "The `if` of a switched constraint (`... if on[f];`) must be a binary variable, `1 - ` a binary variable, or data equal to 0 or 1. When it is 1 the constraint holds; when 0 it is relaxed (a network use's outputs are 0 and its inputs free).", "var u in [0, 3]; subject to c: x <= 5 if u;";
    LINEAR_SWITCH_UNBOUNDED = "rmod::linear::switch_unbounded" => "A switched constraint is relaxed by big-M values taken from the bounds of its expression (or, for a network use, of its arguments and outputs); a variable in it has no finite bound on the side that is needed. Bound the variable.", "var x >= 0; subject to c: x <= 5 if on;";
    LINEAR_RELATION_IN_EXPRESSION = "rmod::linear::relation_in_expression" => "A comparison or logical operator appears in an arithmetic expression; comparisons only belong in filters.", "subject to c: x + (y < 2) <= 1;";
    RESOLVE_BAD_OVERRIDE_VALUE = "rmod::resolve::bad_override_value" => "The value of a `-D name=value` or `--fix var=value` flag is not a finite number.", "rmod solve m.rmod -D budget=abc";
    RESOLVE_BUILTIN_CALL = "rmod::resolve::builtin_call" => "A built-in function is called with the wrong number or kind of arguments: `abs`, `floor` and `ceil` take one number, `min` and `max` one or more, `card(S)` a set, `ord(i)` an index bound by `i in S` around it (its 1-based position in S's written order), `ord(e, S)` an element and a set.", "param a = abs(1, 2);";
    RESOLVE_DUPLICATE_DECLARATION = "rmod::resolve::duplicate_declaration" => "Two declarations have the same name. Every set, parameter, variable, network, constraint and objective needs its own name.", "var x; var x;";
    RESOLVE_INDEX_ARITY = "rmod::resolve::index_arity" => "A reference has a different number of subscripts than its declaration has index dimensions.", "var x{R}; ... x[\"R1\", 2]";
    RESOLVE_MULTIPLE_OBJECTIVES = "rmod::resolve::multiple_objectives" => "A model has at most one objective.", "minimize a: x; maximize b: x;";
    RESOLVE_UNKNOWN_NAME = "rmod::resolve::unknown_name" => "A name is not declared (or not declared before its use in data). The help suggests the closest declared name.", "subject to c: feeed <= 1;";
    RESOLVE_UNKNOWN_FUNCTION = "rmod::resolve::unknown_function" => "A call names neither a network nor a built-in function (`csv`, `relu_net`).", "param a = foo(1);";
    RESOLVE_UNKNOWN_OPTION = "rmod::resolve::unknown_option" => "An `option` or `--option` key is not known, or a `cbc.KEY` names no CBC parameter (CBC's command-line names, checked against its parameter table; the help suggests the closest). Solver options for CBC go through `cbc.KEY`.", "option time_limt = 60;";
    RESOLVE_BAD_OPTION_VALUE = "rmod::resolve::bad_option_value" => "An option has a value of the wrong type or range; for `cbc.KEY`, a value CBC would ignore (the message lists what the parameter accepts).", "option time_limit = \"long\";";
    RESOLVE_UNKNOWN_OVERRIDE = "rmod::resolve::unknown_override" => "A `-D name=value` override names no parameter (or, for `-D 'cap[R1]=60'`, no key of the indexed parameter; a scalar parameter takes no key, an indexed one needs one), or its value is not a number. `rmod sweep` reports a scenario CSV column that names no parameter, or a cell that is not a number, with this code too. (A `--fix name=value` flag naming no variable is this error too.)", "rmod solve m.rmod -D nosuch=3";
    RESOLVE_UNUSED = "rmod::resolve::unused" => "(warning) A set, parameter or variable is declared but never used.", "param unused_cost = 3;";
    RESOLVE_WRONG_KIND = "rmod::resolve::wrong_kind" => "A name is used as something it is not, e.g. a set where a number is expected, or a variable used as a set.", "subject to c: R <= 3;   # R is a set";
    RESOLVE_SHADOWED_INDEX = "rmod::resolve::shadowed_index" => "An index name hides a declaration or an outer index of the same name.", "set i = {1}; var x{i in i};";
    RELU_ARITY = "rmod::relu::arity" => "A network call has the wrong number of arguments or outputs, or gives an input twice. Arguments match the file's `inputs` (by name or position); the left side has one variable per output.", "subject to c: y = reactor(feed[r]);   # reactor takes (feed, T)";
    RELU_BOUNDS_UNAVAILABLE = "rmod::relu::bounds_unavailable" => "`bounds = \"lp\"` or `\"milp\"` needs a solver for the tightening problems; the compiler was called without one (the `rmod` command always provides CBC).", "option bounds = \"lp\";   # in a program that embeds the compiler without a solver";
    RELU_EMPTY_INPUT_BOX = "rmod::relu::empty_input_box" => "The model's bounds on a network argument do not meet the file's `input_bounds`, so no input value is allowed.", "var T in [100, 200]; ... reactor(feed = f, T = T)   # input_bounds T: [560, 640]";
    RELU_INVALID_CALL = "rmod::relu::invalid_call" => "`relu_net` takes the path of the network file (relative to the model file) and optionally `bounds = \"ia\" | \"crown\" | \"lp\" | \"milp\"`.", "net n = relu_net();";
    RELU_INVALID_FILE = "rmod::relu::invalid_file" => "A network file breaks a rule of the relu-net v1 format (docs/relu-net-json.md). The message names the file and the JSON pointer of the field, e.g. `/layers/1/weights/3`; nothing is solved.", "{\"format\": \"relu-net\", \"version\": 2, ...}";
    RELU_JSON_SYNTAX = "rmod::relu::json_syntax" => "A network file is not valid JSON (or holds a number that is not finite, such as 1e999).", "{\"layers\": [1, 2,]}";
    RELU_LARGE_BIG_M = "rmod::relu::large_big_m" => "(warning) Some neurons of a network use big-M values above 1e4 (in the network's scaled units): the MILP is slow and numerically fragile. Tighten input bounds or retrain with regularization.", "weights around 1e3 with inputs in [-100, 100]";
    RELU_MISMATCH = "rmod::relu::mismatch" => "(warning) After a solve, a plain forward pass at the solution's inputs differs from the solver's network outputs by more than 1e-6 (relative). rmod then reports the exact point (every network recomputed at the solver's inputs) with status `feasible`, and the solver's own answer on the `repaired` line (JSON `repaired`); if the model's rows reject the exact point, the solve ends in an error. Tighter bounds (`option bounds = \"lp\"`) avoid it.", "";
    RELU_OUTPUT_NOT_VARIABLE = "rmod::relu::output_not_variable" => "The left side of a network call must be variables (one per output), not expressions.", "subject to c: 2 * y = net(x);";
    RELU_UNBOUNDED_INPUT = "rmod::relu::unbounded_input" => "A network input has no finite bounds: neither the variables in the argument expression nor the file's `input_bounds` bound it. Big-M values need bounded inputs.", "var x; subject to c: y = net(x);";
    RELU_BOX_NARROWS = "rmod::relu::box_narrows" => "(warning) A network is defined only on its input box (its file's `input_bounds`, e.g. the training data's range), so rmod restricts the argument to it: here that narrows the bounds the model declares, e.g. `var fuel in [0, 10]` becomes [2.0, 9.99]. A unit that can be switched off (argument 0) then cannot be: use a switched network use, `(y) = net(x) if on;`. Declare the variable's bounds inside the box to silence this.", "var fuel in [0, 10]; subject to m: heat = furnace(fuel);  # box [2, 9.99]";
    RELU_UNKNOWN_FIELD = "rmod::relu::unknown_field" => "(warning) A network file has a field that relu-net v1 does not define; it is ignored. Often a typo.", "{\"format\": \"relu-net\", \"versoin\": 1, ...}";
    RELU_UNKNOWN_INPUT = "rmod::relu::unknown_input" => "A named argument of a network call is not one of the file's `inputs`.", "subject to c: conv[r] = reactor(feed = feed[r], temp = T[r]);";
    ONNX_MALFORMED = "rmod::onnx::malformed" => "A network file is neither relu-net JSON nor a readable ONNX model: the protobuf does not decode, a tensor's data does not match its shape or type, or the graph is empty. Re-export the model (e.g. `torch.onnx.export`) and check it with `onnx.checker.check_model`.", "a truncated or corrupted `net.onnx`";
    ONNX_UNSUPPORTED = "rmod::onnx::unsupported" => "An ONNX graph uses operators rmod cannot encode exactly in a MILP (e.g. Sigmoid, Tanh, Softmax, Conv, recurrent nodes), several non-constant graph inputs, or tensors in external data files. The message lists every such node with its name, op type and position; supported activations are Relu, LeakyRelu and Clip (clipped ReLU). Nothing is solved.", "a PyTorch network with `nn.Sigmoid()` exported to ONNX";
    ONNX_GRAPH = "rmod::onnx::graph" => "An ONNX node is supported but used in a way that is not a feed-forward network on one vector input: a product of two non-constant values, a branch that skips a ReLU, shapes that do not match, a batch larger than 1. The message names the node, its op type and position.", "MatMul(x, x) or Add(x, relu(x))";
    ONNX_BOUNDS_FILE = "rmod::onnx::bounds_file" => "The OMLT-style sidecar `NAME.onnx.bounds.json` next to an ONNX network cannot be read: it must be a JSON list of {\"key\": index, \"lower_bound\": lo, \"upper_bound\": hi} with one entry per network input.", "[{\"key\": 0, \"lower_bound\": 0}]";
    SOLVE_INFEASIBLE = "rmod::solve::infeasible" => "CBC proved that no point satisfies all constraints. Check bounds and data; `rmod expand` shows the generated rows.", "var x >= 2; subject to c: x <= 1;";
    SOLVE_UNBOUNDED = "rmod::solve::unbounded" => "The objective can improve without limit; a variable is missing a bound or a constraint.", "var x >= 0; maximize o: x;";
    SOLVE_LIMIT = "rmod::solve::limit" => "(warning) The solver stopped at a time or node limit; the solution (if any) is not proven optimal.", "option time_limit = 0.01;";
    SOLVE_SOLVER_ERROR = "rmod::solve::solver_error" => "CBC stopped abnormally (abandoned numerics or an internal error).", "";
    SYNTAX_EXPECTED_SET = "rmod::syntax::expected_set" => "A set expression was expected: a set name, a range `a..b`, a literal `{\"a\", \"b\"}`, a comprehension `{i in I: ...}` or a product `A * B`.", "set S = 3 + 4;";
    NUMERIC_RANGE = "rmod::numeric::range" => "A bound, right-hand side or coefficient beyond 1e12 in magnitude, a row whose coefficients span more than 1e12, or a network neuron whose big-M exceeds 1e8: CBC cannot solve such a model reliably (1e20 is its infinity, its tolerances are 1e-9..1e-6), so rmod refuses it instead of reporting a wrong answer. The message names the variable, row or neuron. Leave a side unbounded instead of writing a huge bound, rescale units, or rescale or re-bound the network.", "var y in [0, 1e28];";
    NUMERIC_NEGLIGIBLE = "rmod::numeric::negligible" => "(warning) Terms of a constraint so small next to the rest of the row (below 1e-13 of the row's scale, as a term and as a coefficient) that they cannot change its activity in double precision were dropped; the row's sides were relaxed by their largest contribution, so no feasible point is lost.", "subject to c: 1e-20 * x + y <= 1;";
    RELU_NEGLIGIBLE_WEIGHTS = "rmod::relu::negligible_weights" => "(info, as a warning) Weights of a network that cannot matter in double precision (subnormal, or |w| times the largest input below 1e-13 of the neuron's scale) were dropped before encoding; every bound was widened by their worst-case contribution, so the bounds stay valid for the file's exact function. Common in float32 training with weight decay. Set such weights to 0 in the file to silence it.", "\"weights\": [[1e-38, 0.5]]";
    RELU_BOUND_CHECK = "rmod::relu::bound_check" => "(warning) At the reported point, the true pre-activation of a neuron (a forward pass) lies outside the bounds its encoding used: the bounds were not valid, so rmod does not claim optimality (status `feasible`). Use `bounds = \"ia\"` for the network and report the file.", "(internal check; no model triggers it on purpose)";
    SOLVE_CHECK_FAILED = "rmod::solve::check_failed" => "(warning) The solver's point violates a row or bound of the model by more than 1e-6, measured against that row's own magnitudes; it is reported as `feasible`, never as `optimal`.", "(internal check; no model triggers it on purpose)";
    SOLVE_UNPROVEN = "rmod::solve::unproven" => "(warning) The reported point is feasible and verified by forward passes, but rmod does not report it as optimal: the solver's point drifted and was repaired, a check fired, or rmod's own start was better than the solver's answer. The note says which.", "(internal check; no model triggers it on purpose)";
    SYNTAX_TOO_DEEP = "rmod::syntax::too_deep" => "Expressions nested more than 200 levels deep (parentheses, `sum`s, unary minus signs, sets), or a statement with more than 2,000 operands of binary operators. rmod refuses them rather than overflow its stack. Compute parts as parameters or constraints of their own, or write long sums as `sum{...}` over a set.", "param a = ((((((...))))));   # 201 levels";
    SYNTAX_INVALID_CHARACTER = "rmod::syntax::invalid_character" => "A character that is not part of the language. Element names use double quotes.", "set S = {'a'};";
    SYNTAX_INVALID_NUMBER = "rmod::syntax::invalid_number" => "A numeric literal that is not a finite double.", "param a = 1e999;";
    SYNTAX_RELATION_CHAIN = "rmod::syntax::relation_chain" => "A constraint has more than two relations, or a ranged constraint mixes `<=` and `>=`.", "subject to c: 1 <= x >= 0;";
    SYNTAX_STRICT_INEQUALITY = "rmod::syntax::strict_inequality" => "Constraints cannot be strict (`<`, `>`); use `<=` or `>=`.", "subject to c: x < 1;";
    SYNTAX_UNEXPECTED_TOKEN = "rmod::syntax::unexpected_token" => "The parser expected something else here. The statement is skipped up to its `;` and parsing goes on, so every syntax error of a file is reported in one run.", "var x >= ;";
    SYNTAX_UNTERMINATED_COMMENT = "rmod::syntax::unterminated_comment" => "A `/*` block comment is never closed with `*/`.", "/* comment";
    SYNTAX_UNTERMINATED_STRING = "rmod::syntax::unterminated_string" => "A string literal is not closed before the end of its line.", "set S = {\"a};";
    RELU_REGIONS_LIMIT = "rmod::relu::regions_limit" => "`rmod net regions --exact` found more regions than `--limit` (or an LP failed), so it gives no exact count. Raise the limit or use the sampled lower bound.", "rmod net regions big.json --exact --limit 10";
    SAMPLE_UNKNOWN_FUNCTION = "rmod::sample::unknown_function" => "`rmod sample` knows peaks, ackley, himmelblau, rosenbrock and styblinski-tang.", "rmod sample peak --box \"[-2,2]^2\" -o d.csv";
    SAMPLE_BAD_BOX = "rmod::sample::bad_box" => "`--box` is a product of intervals `[lo,hi]x[lo,hi]` or a power `[lo,hi]^d` with lo < hi, in as many dimensions as the function takes (peaks and himmelblau: 2).", "rmod sample peaks --box \"[2,-2]^2\" -o d.csv";
    TRAIN_BAD_OPTION = "rmod::train::bad_option" => "An option of `rmod train` is out of range: layers like `3x25` or `32,16`, `--activation relu` or `clipped_relu:C` with C > 0, penalties and learning rate >= 0, dropout in [0, 1), --val in [0, 0.5).", "rmod train d.csv --inputs x --outputs y --activation clipped_relu:0 -o n.json";
    TRAIN_TOO_FEW_ROWS = "rmod::train::too_few_rows" => "The data has too few rows to split into training, validation and test sets.", "a CSV file with 3 rows";
    TRAIN_CONSTANT_COLUMN = "rmod::train::constant_column" => "An input or output column has the same value in every row, so it cannot be standardized (zero variance) and carries no information.", "x,y\n1,2\n1,3";
}

/// The entry of a code, if it exists.
pub fn explain(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code == code)
}
