//! The options a model sets (`option KEY = VALUE;`, `--option KEY=VALUE`): one table
//! ([`OPTIONS`]: name, type, default, doc) that validation, `rmod explain options`, the README's
//! table and the solver read, and the typed [`Options`] it fills.

/// An enum of named choices with its names, declared once.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $var),+ }
        impl $name {
            /// Every value, in the order the documentation lists them.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// Their names, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($s),+];
            /// The name that selects it.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
            /// The value a name selects.
            pub fn from_name(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }
    };
}

choice! {
    /// The MILP solver behind `rmod_solver` (`option solver`).
    #[derive(Default)]
    SolverKind {
        /// COIN-OR CBC (always built)
        #[default]
        Cbc = "cbc",
        /// HiGHS (the `highs` cargo feature)
        Highs = "highs",
    }
}

choice! {
    /// How network pre-activation bounds are computed (`option bounds`, `relu_net(..., bounds = ...)`).
    BoundMethodName {
        /// interval arithmetic
        Ia = "ia",
        /// linear bound propagation (CROWN): no solver, tighter than ia from depth 2
        Crown = "crown",
        /// LP-based bound tightening (certified)
        Lp = "lp",
        /// MILP-based bound tightening (best bounds)
        Milp = "milp",
    }
}

choice! {
    /// Where bound problems live (`option bound_context`, `relu_net(..., context = ...)`).
    BoundContext {
        /// each network alone over its input box
        Network = "network",
        /// with the model's rows and columns
        Model = "model",
    }
}

choice! {
    /// The starting point handed to the solver (`option incumbent`).
    Incumbent {
        /// the LP point and completed samples
        Auto = "auto",
        /// none
        Off = "off",
    }
}

choice! {
    /// Function-preserving neuron scaling before encoding (`option relu_scaling`).
    ReluScaling {
        Off = "off",
        /// every interval-arithmetic big-M 1
        Bigm = "bigm",
        /// big-M values and weights pulled towards 1
        Balanced = "balanced",
    }
}

choice! {
    /// The convex hull of a low-dimensional network's graph as extra rows (`option hull`).
    Hull {
        /// rmod's choice (see the option's documentation)
        Auto = "auto",
        /// for every use of a network with one or two inputs
        On = "on",
        /// never
        Off = "off",
    }
}

choice! {
    /// Order rows for interchangeable units (`option symmetry`).
    Symmetry {
        /// order every chain of interchangeable units by their first variable arguments
        Auto = "auto",
        /// never
        Off = "off",
    }
}

choice! {
    /// What the input split branches on when a cell is split (`option split_on`).
    SplitOn {
        /// rmod's choice: inputs (phases lost to inputs on every benchmark network, see BENCHMARKS.md)
        Auto = "auto",
        /// halve the relatively widest input column
        Inputs = "inputs",
        /// fix the phase of the network neuron whose binary is most fractional in the cell's LP
        Relus = "relus",
    }
}

choice! {
    /// The pre-activation bounds each cell of the input split computes (`option split_bounds`).
    SplitBounds {
        /// interval arithmetic over the cell
        Ia = "ia",
        /// linear bound propagation over the cell
        Crown = "crown",
    }
}

/// Options from the model file and the command line; `None`: the default of [`OPTIONS`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub time_limit: Option<f64>,
    pub mip_gap: Option<f64>,
    pub threads: Option<u32>,
    pub seed: Option<i64>,
    pub log: Option<i64>,
    /// `cbc.KEY = "value"`, in the order given
    pub cbc: Vec<(String, String)>,
    pub bounds: Option<BoundMethodName>,
    pub bound_time_limit: Option<f64>,
    pub bound_context: Option<BoundContext>,
    pub bound_budget: Option<f64>,
    pub incumbent: Option<Incumbent>,
    pub relu_scaling: Option<ReluScaling>,
    /// `None`: the solve policy's default by size
    pub input_split: Option<u64>,
    /// `None`: the solve policy's default
    pub split_bounds: Option<SplitBounds>,
    /// `None`: auto
    pub split_on: Option<SplitOn>,
    /// `None`: auto
    pub symmetry: Option<Symmetry>,
    pub hull: Option<Hull>,
    pub solver: SolverKind,
}

/// The value of an option as written: a number or a string.
#[derive(Clone, Debug, PartialEq)]
pub enum OptValue {
    Num(f64),
    Str(String),
}

impl OptValue {
    /// A command-line value: a number if it reads as one, else a string.
    pub fn parse_cli(s: &str) -> OptValue {
        match s.parse::<f64>() {
            Ok(v) => OptValue::Num(v),
            Err(_) => OptValue::Str(s.to_string()),
        }
    }
}

/// What an option accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptionType {
    /// a number >= 0
    Seconds,
    /// a number > 0
    PositiveSeconds,
    /// a number >= 0
    Gap,
    /// a whole number >= 1
    Count,
    /// any whole number
    Whole,
    /// a whole number >= 0
    Cells,
    /// a whole number >= 0
    Level,
    /// one of these names
    Choice(&'static [&'static str]),
}

impl OptionType {
    /// What a value must be, as the error message says it.
    pub fn needs(self) -> String {
        match self {
            OptionType::Seconds => "a number of seconds >= 0".into(),
            OptionType::PositiveSeconds => "a number of seconds > 0".into(),
            OptionType::Gap => "a relative gap >= 0".into(),
            OptionType::Count => "a whole number >= 1".into(),
            OptionType::Whole => "a whole number".into(),
            OptionType::Cells => "a whole number of cells >= 0 (0: off)".into(),
            OptionType::Level => "a log level 0..4".into(),
            OptionType::Choice(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                match quoted.split_last() {
                    Some((last, [])) => last.clone(),
                    Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                    None => String::new(),
                }
            }
        }
    }

    /// The number a numeric type accepts, or `None`.
    fn number(self, v: &OptValue) -> Option<f64> {
        let OptValue::Num(x) = v else { return None };
        let x = *x;
        let whole = x.fract() == 0.0 && x.abs() < 9e15;
        let ok = match self {
            OptionType::Seconds | OptionType::Gap => x >= 0.0,
            OptionType::PositiveSeconds => x > 0.0,
            OptionType::Count => whole && x >= 1.0 && x <= f64::from(u32::MAX),
            OptionType::Whole => whole,
            OptionType::Cells | OptionType::Level => whole && x >= 0.0,
            OptionType::Choice(_) => false,
        };
        ok.then_some(x)
    }

    /// The name a choice accepts, or `None`.
    fn name(self, v: &OptValue) -> Option<&str> {
        match (self, v) {
            (OptionType::Choice(names), OptValue::Str(s)) if names.contains(&s.as_str()) => {
                Some(s.as_str())
            }
            _ => None,
        }
    }
}

/// One option: its name, what it accepts, its default and what it does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptionSpec {
    pub name: &'static str,
    pub ty: OptionType,
    /// the default, as the documentation states it
    pub default: &'static str,
    /// a value for examples in messages
    pub example: &'static str,
    pub doc: &'static str,
}

/// Every option rmod knows, in the order the documentation lists them. `cbc.KEY` passes a
/// parameter to CBC (checked against `CBC_PARAMS`) and is not in the table.
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "time_limit",
        ty: OptionType::Seconds,
        default: "none",
        example: "60",
        doc: "wall-clock seconds for the whole run, compilation and bound tightening included",
    },
    OptionSpec {
        name: "mip_gap",
        ty: OptionType::Gap,
        default: "0 (prove the optimum)",
        example: "1e-4",
        doc: "relative gap at which the solver may stop",
    },
    OptionSpec {
        name: "threads",
        ty: OptionType::Count,
        default: "the cores",
        example: "1",
        doc: "parallel bound problems (worker processes with CBC, threads with HiGHS) and HiGHS's own threads; the vendored CBC itself solves on one thread",
    },
    OptionSpec {
        name: "seed",
        ty: OptionType::Whole,
        default: "the solver's",
        example: "7",
        doc: "the solver's random seed",
    },
    OptionSpec {
        name: "log",
        ty: OptionType::Level,
        default: "0",
        example: "1",
        doc: "the solver's log level, printed on stderr (stdout carries only the report)",
    },
    OptionSpec {
        name: "bounds",
        ty: OptionType::Choice(BoundMethodName::NAMES),
        default: "lp",
        example: "\"lp\"",
        doc: "network pre-activation bounds: interval arithmetic, linear bound propagation (CROWN, no solver), or LP/MILP bound tightening starting from CROWN (`ia` without a solver)",
    },
    OptionSpec {
        name: "bound_time_limit",
        ty: OptionType::PositiveSeconds,
        default: "1",
        example: "1",
        doc: "seconds per MILP bound-tightening problem",
    },
    OptionSpec {
        name: "bound_context",
        ty: OptionType::Choice(BoundContext::NAMES),
        default: "network",
        example: "\"model\"",
        doc: "bound problems over each network alone, or with the model's rows",
    },
    OptionSpec {
        name: "bound_budget",
        ty: OptionType::Seconds,
        default: "none",
        example: "30",
        doc: "seconds for all bound tightening; neurons not reached keep interval bounds",
    },
    OptionSpec {
        name: "incumbent",
        ty: OptionType::Choice(Incumbent::NAMES),
        default: "auto",
        example: "\"off\"",
        doc: "the starting point handed to the solver: the LP point and completed samples, or none (an optimum the solver claims is checked against them either way)",
    },
    OptionSpec {
        name: "relu_scaling",
        ty: OptionType::Choice(ReluScaling::NAMES),
        default: "off",
        example: "\"bigm\"",
        doc: "function-preserving neuron scaling before encoding",
    },
    OptionSpec {
        name: "input_split",
        ty: OptionType::Cells,
        default: "1000000 when the networks have at most 5 input variables in models up to 20,000 columns and rows, else 0",
        example: "10000",
        doc: "solve by at most this many cells of the networks' input box (0: off)",
    },
    OptionSpec {
        name: "split_bounds",
        ty: OptionType::Choice(SplitBounds::NAMES),
        default: "crown",
        example: "\"ia\"",
        doc: "the bounds each input-split cell computes for its neurons: interval arithmetic or linear bound propagation (CROWN), intersected with the whole box's",
    },
    OptionSpec {
        name: "split_on",
        ty: OptionType::Choice(SplitOn::NAMES),
        default: "auto",
        example: "\"relus\"",
        doc: "what a cell of the input split is split on: its widest input, or the phase of the network neuron whose binary is most fractional in the cell's LP (a cell's neuron bounds then use the fixed phases); auto: inputs (phases lost on every benchmark network)",
    },
    OptionSpec {
        name: "hull",
        ty: OptionType::Choice(Hull::NAMES),
        default: "auto",
        example: "\"on\"",
        doc: "rows that describe the convex hull of the graph of each use of a network with one or two inputs (from the vertices of its linear regions, at most 4096 regions): each output's convex envelope, valid for the exact network, so the LP bound couples many small uses through the model's rows; auto: on for models with at least two such uses",
    },
    OptionSpec {
        name: "symmetry",
        ty: OptionType::Choice(Symmetry::NAMES),
        default: "auto",
        example: "\"off\"",
        doc: "units that can trade places (a unit: the network uses of one constraint index with the variables of that index; the same networks, arguments that are single variables, and a model that swapping two units' variables maps onto itself: the same bounds, objective and rows) are ordered by their first variable arguments for the solver, which then searches one of their permutations instead of all; never cuts off an optimum (a point's units can always be sorted); not with the input split",
    },
    OptionSpec {
        name: "solver",
        ty: OptionType::Choice(SolverKind::NAMES),
        default: "cbc",
        example: "\"highs\"",
        doc: "the MILP solver (HiGHS needs the `highs` build feature)",
    },
];

/// The table entry of an option.
pub fn option_spec(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|s| s.name == name)
}

/// Why an option was not set.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionError {
    /// no such option
    Unknown,
    /// `cbc.` without a parameter name
    EmptyCbcKey,
    /// `cbc.KEY = VALUE` that CBC would not read (see [`crate::check_cbc_param`])
    CbcParam(crate::CbcParamError),
    /// the value does not fit the option's type
    BadValue(&'static OptionSpec),
}

impl Options {
    /// Sets one option from its table entry, or passes `cbc.KEY` through.
    pub fn set(&mut self, key: &str, value: &OptValue) -> Result<(), OptionError> {
        if let Some(raw) = key.strip_prefix("cbc.") {
            if raw.is_empty() {
                return Err(OptionError::EmptyCbcKey);
            }
            let v = match value {
                OptValue::Num(v) => format!("{v}"),
                OptValue::Str(s) => s.clone(),
            };
            crate::check_cbc_param(raw, &v).map_err(OptionError::CbcParam)?;
            self.cbc.push((raw.to_string(), v));
            return Ok(());
        }
        let spec = option_spec(key).ok_or(OptionError::Unknown)?;
        let bad = || OptionError::BadValue(spec);
        let num = || spec.ty.number(value).ok_or_else(bad);
        let name = || spec.ty.name(value).ok_or_else(bad);
        match spec.name {
            "time_limit" => self.time_limit = Some(num()?),
            "mip_gap" => self.mip_gap = Some(num()?),
            "threads" => self.threads = Some(num()? as u32),
            "seed" => self.seed = Some(num()? as i64),
            "log" => self.log = Some(num()? as i64),
            "bounds" => self.bounds = BoundMethodName::from_name(name()?),
            "bound_time_limit" => self.bound_time_limit = Some(num()?),
            "bound_context" => self.bound_context = BoundContext::from_name(name()?),
            "bound_budget" => self.bound_budget = Some(num()?),
            "incumbent" => self.incumbent = Incumbent::from_name(name()?),
            "relu_scaling" => self.relu_scaling = ReluScaling::from_name(name()?),
            "input_split" => self.input_split = Some(num()? as u64),
            "split_bounds" => self.split_bounds = SplitBounds::from_name(name()?),
            "split_on" => self.split_on = SplitOn::from_name(name()?),
            "hull" => self.hull = Hull::from_name(name()?),
            "symmetry" => self.symmetry = Symmetry::from_name(name()?),
            "solver" => self.solver = SolverKind::from_name(name()?).ok_or_else(bad)?,
            _ => return Err(OptionError::Unknown),
        }
        Ok(())
    }
}

/// The option table as Markdown (the README's table; a test keeps them equal).
pub fn options_markdown() -> String {
    let mut s = String::from("| option | accepts | default | what it does |\n|---|---|---|---|\n");
    for o in OPTIONS {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            o.name,
            o.ty.needs(),
            o.default,
            o.doc
        ));
    }
    s.push_str("| `cbc.KEY` | the parameter's value | CBC's | a CBC parameter by its command-line name (or a prefix CBC accepts), e.g. `cbc.cuts = \"off\"`; name and value are checked against CBC's parameter table before solving |\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_parses_its_example_and_rejects_a_wrong_type() {
        for spec in OPTIONS {
            let mut o = Options::default();
            let example = spec.example.trim_matches('"');
            let v = match spec.ty {
                OptionType::Choice(_) => OptValue::Str(example.into()),
                _ => OptValue::parse_cli(example),
            };
            assert_eq!(o.set(spec.name, &v), Ok(()), "{}", spec.name);
            assert_ne!(o, Options::default(), "{} changed nothing", spec.name);
            let wrong = match spec.ty {
                OptionType::Choice(_) => OptValue::Num(1.0),
                _ => OptValue::Str("x".into()),
            };
            assert_eq!(
                Options::default().set(spec.name, &wrong),
                Err(OptionError::BadValue(spec)),
                "{}",
                spec.name
            );
        }
        assert_eq!(
            Options::default().set("nope", &OptValue::Num(1.0)),
            Err(OptionError::Unknown)
        );
    }

    #[test]
    fn ranges_and_choices() {
        let mut o = Options::default();
        for (k, v, ok) in [
            ("threads", 0.0, false),
            ("threads", 2.5, false),
            ("threads", 2.0, true),
            ("time_limit", -1.0, false),
            ("bound_time_limit", 0.0, false),
            ("seed", -3.0, true),
            ("input_split", 0.0, true),
            ("log", f64::NAN, false),
        ] {
            assert_eq!(o.set(k, &OptValue::Num(v)).is_ok(), ok, "{k} = {v}");
        }
        assert_eq!(o.set("solver", &OptValue::Str("highs".into())), Ok(()));
        assert_eq!(o.solver, SolverKind::Highs);
        assert!(o.set("solver", &OptValue::Str("gurobi".into())).is_err());
        assert_eq!(
            OptionType::Choice(BoundMethodName::NAMES).needs(),
            "\"ia\", \"crown\", \"lp\" or \"milp\""
        );
        assert_eq!(
            o.set("cbc.", &OptValue::Num(1.0)),
            Err(OptionError::EmptyCbcKey)
        );
    }
}
