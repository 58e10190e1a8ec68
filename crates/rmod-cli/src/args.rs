//! The command line: clap's description of `rmod` and its commands.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::cmd::{net, train};
use crate::docs::DocFormat;

#[derive(Parser)]
#[command(
    name = "rmod",
    version,
    about = "Optimization models with trained ReLU networks, solved with CBC"
)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Cmd,
    /// How diagnostics are printed (on stderr)
    #[arg(long, value_enum, default_value = "human", global = true)]
    pub message_format: MessageFormat,
    /// Treat warnings as errors
    #[arg(long, global = true)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args)]
pub struct ModelArgs {
    /// The model file (.rmod)
    pub model: PathBuf,
    /// Override an option of the model: --option time_limit=30
    #[arg(long = "option", value_name = "KEY=VALUE")]
    pub options: Vec<String>,
    /// Override a parameter: -D feed_avail=80, or one value of an indexed one: -D 'cap[R1]=60'
    #[arg(short = 'D', value_name = "PARAM=VALUE")]
    pub defines: Vec<String>,
    /// Fix a variable (both bounds) after the model's statements: --fix x=1, --fix 'x[a, 2]=0'
    #[arg(long = "fix", value_name = "VAR=VALUE")]
    pub fixes: Vec<String>,
    /// The objective to optimize (default: the first the model declares), or several in
    /// lexicographic order: --objective cost,emissions
    #[arg(long = "objective", value_name = "NAME,...", value_delimiter = ',')]
    pub objectives: Vec<String>,
    /// Neither read nor write tightened network bounds in the cache (`.rmod-cache/` beside the
    /// model, or `$RMOD_CACHE_DIR`)
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Compile only: print every diagnostic and the model statistics
    Check {
        #[command(flatten)]
        m: ModelArgs,
        /// human, or json (an `rmod-check` v1 document on stdout)
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Compile and solve with CBC
    Solve {
        #[command(flatten)]
        m: ModelArgs,
        /// Output format of the solution
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write the solution to a file instead of stdout
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Show variables at zero in the table
        #[arg(long)]
        all: bool,
        /// Include phase timings in JSON output (they differ between runs)
        #[arg(long)]
        timings: bool,
        /// A warm start: the JSON solution of an earlier run (`--format json -o FILE`), its
        /// variables matched by name and index
        #[arg(long, value_name = "FILE.json")]
        start: Option<PathBuf>,
        /// Add row duals, activities and slacks of the constraints and the variables' reduced
        /// costs (for a MILP: of the LP with the integer columns fixed at the solution)
        #[arg(long)]
        duals: bool,
        /// With --format csv: one row for the solution, one column per variable value
        /// (`make[R1,day]`)
        #[arg(long, conflicts_with = "duals")]
        wide: bool,
    },
    /// Solve the model once per scenario (a CSV row of parameter values), in parallel processes
    Sweep(SweepArgs),
    /// Write the compiled MILP as LP and/or MPS
    Export {
        #[command(flatten)]
        m: ModelArgs,
        #[arg(long)]
        lp: Option<PathBuf>,
        #[arg(long)]
        mps: Option<PathBuf>,
        /// Write the map from legal names back to model names (CSV)
        #[arg(long)]
        names: Option<PathBuf>,
    },
    /// Print the generated rows of one constraint
    Expand {
        #[command(flatten)]
        m: ModelArgs,
        /// The constraint (or objective) name
        name: String,
    },
    /// Rewrite model files in the canonical layout (comments kept); `-` formats stdin to stdout
    Fmt {
        /// The model files (.rmod), or `-` for stdin
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write nothing: list the files that would change and exit 1 if any would
        #[arg(long)]
        check: bool,
    },
    /// Explain a diagnostic code; without a code, list all codes
    Explain {
        code: Option<String>,
        /// human, or json (an `rmod-explain` v1 document on stdout)
        #[arg(long, value_enum, default_value = "human")]
        format: DocFormat,
    },
    /// Train a ReLU network on CSV data and write it as a relu-net file
    Train(train::TrainArgs),
    /// Sample a standard test function into CSV (columns x1..xd, y)
    Sample(train::SampleArgs),
    /// Inspect a network file: info, bounds, eval
    Net {
        #[command(subcommand)]
        cmd: net::NetCmd,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum SweepFormat {
    Csv,
    Json,
}

#[derive(clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub m: ModelArgs,
    /// The scenarios: a CSV file with one row per scenario, one column per parameter value
    /// (`feed_avail`, `cap[R1]`, `cost[a,b]`) and an optional `scenario` column (its name)
    #[arg(long, value_name = "CSV")]
    pub scenarios: PathBuf,
    /// Write the results table to a file instead of stdout
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Format of the results table
    #[arg(long, value_enum, default_value = "csv")]
    pub format: SweepFormat,
    /// Scenarios solved at the same time (default: the number of cores)
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The variables in the table (default: every variable the model declares)
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub vars: Vec<String>,
    /// Add each scenario's wall-clock seconds to the table (they differ between runs)
    #[arg(long)]
    pub timings: bool,
    /// Folder of the finished scenarios' results, reused by the next run (default: OUTPUT.parts,
    /// or SCENARIOS.parts without -o)
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Solve every scenario again, even those the state folder holds
    #[arg(long)]
    pub restart: bool,
    /// Solve nothing: write one job script per scenario and a Slurm array script to DIR
    #[arg(long, value_name = "DIR", conflicts_with = "collect")]
    pub emit_jobs: Option<PathBuf>,
    /// Solve nothing: build the table from the results of the jobs of `--emit-jobs DIR`
    #[arg(long, value_name = "DIR")]
    pub collect: Option<PathBuf>,
}
