//! The files a scenario leaves and the scripts that run one elsewhere.
//!
//! A finished scenario `NNNN` leaves `NNNN.json` (its `rmod-solution` document, written
//! atomically by `rmod solve -o`; absent after a compile error), `NNNN.log` (its diagnostics)
//! and, last, `NNNN.done`: `KEY=VALUE` lines (`exit_code`, `key`, and `seconds` or `start` and
//! `end` in seconds since the epoch). A scenario counts as done when its `.done` file exists and
//! names the scenario's current key.

/// The `.done` file of a finished scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Done {
    pub exit_code: i32,
    pub key: String,
    pub seconds: Option<f64>,
}

impl Done {
    pub fn to_text(&self) -> String {
        let mut s = format!("exit_code={}\nkey={}\n", self.exit_code, self.key);
        if let Some(t) = self.seconds {
            s.push_str(&format!("seconds={t}\n"));
        }
        s
    }

    /// Reads a `.done` file; `None` when it has no exit code.
    pub fn parse(text: &str) -> Option<Done> {
        let mut d = Done::default();
        let mut code = None;
        let (mut start, mut end) = (None, None);
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = v.trim();
            match k.trim() {
                "exit_code" => code = v.parse().ok(),
                "key" => d.key = v.to_string(),
                "seconds" => d.seconds = v.parse().ok(),
                "start" => start = v.parse::<f64>().ok(),
                "end" => end = v.parse::<f64>().ok(),
                _ => {}
            }
        }
        if let (None, Some(a), Some(b)) = (d.seconds, start, end) {
            d.seconds = Some((b - a).max(0.0));
        }
        d.exit_code = code?;
        Some(d)
    }
}

/// A shell word in single quotes.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// One self-contained job: runs `rmod solve` for one scenario (absolute paths: `rmod`, the
/// working folder, the output folder `out`) and leaves the scenario's files in `out`.
pub struct Job<'a> {
    pub rmod: &'a str,
    pub cwd: &'a str,
    /// `solve MODEL --format json ... -D ...` (without `-o`)
    pub args: &'a [String],
    pub out: &'a str,
    pub stem: &'a str,
    pub scenario: &'a str,
    pub key: &'a str,
}

pub fn job_script(j: &Job) -> String {
    let out = |ext: &str| quote(&format!("{}/{}.{ext}", j.out, j.stem));
    let args: Vec<String> = j.args.iter().map(|a| quote(a)).collect();
    format!(
        "#!/bin/bash\n\
         # scenario {stem} of the sweep: {name}\n\
         cd {cwd} || exit 70\n\
         mkdir -p {outdir}\n\
         rm -f {done} {json}\n\
         start=$(date +%s.%N)\n\
         {rmod} {args} -o {json} 2> {log}\n\
         rc=$?\n\
         end=$(date +%s.%N)\n\
         printf 'exit_code=%s\\nkey=%s\\nstart=%s\\nend=%s\\n' \"$rc\" {key} \"$start\" \"$end\" > {tmp} && mv {tmp} {done}\n\
         exit $rc\n",
        stem = j.stem,
        name = j.scenario.replace('\n', " "),
        cwd = quote(j.cwd),
        outdir = quote(j.out),
        rmod = quote(j.rmod),
        args = args.join(" "),
        json = out("json"),
        log = out("log"),
        done = out("done"),
        tmp = out("done.tmp"),
        key = quote(j.key),
    )
}

/// The Slurm array script: task `i` (1..=n) runs `DIR/job-i.sh` (zero-padded as `stem`).
pub fn slurm_script(dir: &str, n: usize) -> String {
    let width = n.to_string().len().max(4);
    format!(
        "#!/bin/bash\n\
         #SBATCH --job-name=rmod-sweep\n\
         #SBATCH --array=1-{n}\n\
         #SBATCH --output={dir}/out/slurm-%a.txt\n\
         # one task per scenario; submit with `sbatch {dir}/sweep.slurm`, then collect with\n\
         # `rmod sweep MODEL --scenarios CSV --collect {dir}` (add #SBATCH lines for your cluster)\n\
         id=$(printf '%0{width}d' \"$SLURM_ARRAY_TASK_ID\")\n\
         exec bash {qdir}/job-$id.sh\n",
        qdir = quote(dir),
    )
}
