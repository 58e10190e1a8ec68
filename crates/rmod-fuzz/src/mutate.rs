//! The mutation engine: a deterministic generator, dictionaries per input kind, and byte- and JSON-structure-aware mutations.

use crate::dict::*;
use crate::Target;

// ----- the mutation engine -----

/// xorshift64*: deterministic for a seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so that nearby seeds start far apart (the state is never 0)
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    /// In `1..=max`, log-uniformly (every power of two about as likely).
    pub fn log_uniform(&mut self, max: usize) -> usize {
        let max = max.max(1);
        let bits = (usize::BITS - max.leading_zeros()) as usize;
        let b = self.below(bits + 1).min(62);
        let hi = (1usize << b).min(max);
        1 + self.below(hi)
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Deterministic mutations of inputs for one target.
#[derive(Clone, Debug)]
pub struct Mutator {
    pub rng: Rng,
    target: Target,
    /// the longest input [`Mutator::mutate`] returns
    pub max_len: usize,
    /// the largest repeat count of the nesting generators
    pub max_nest: usize,
}

impl Mutator {
    pub fn new(target: Target, seed: u64) -> Mutator {
        Mutator {
            rng: Rng::new(seed),
            target,
            max_len: 2 << 20,
            max_nest: 100_000,
        }
    }

    /// A mutant of `input`: one to a few stacked mutations (sometimes 16); `corpus` supplies
    /// material for splicing.
    pub fn mutate(&mut self, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut data = input.to_vec();
        let many = self.rng.one_in(8);
        let rounds = 1 + self.rng.below(if many { 16 } else { 4 });
        for _ in 0..rounds {
            self.mutate_once(&mut data, corpus);
        }
        if data == input {
            self.flip_bit(&mut data);
        }
        data.truncate(self.max_len);
        data
    }

    fn tokens(&self) -> &'static [&'static str] {
        match self.target {
            Target::Model => MODEL_TOKENS,
            Target::Net => JSON_TOKENS,
            Target::Csv => CSV_TOKENS,
            Target::Onnx => ONNX_TOKENS,
        }
    }
    fn numbers(&self) -> &'static [&'static str] {
        match self.target {
            Target::Model => MODEL_NUMBERS,
            Target::Net | Target::Onnx => JSON_NUMBERS,
            Target::Csv => CSV_NUMBERS,
        }
    }
    fn nests(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self.target {
            Target::Model => MODEL_NESTS,
            Target::Net | Target::Onnx => JSON_NESTS,
            Target::Csv => CSV_NESTS,
        }
    }

    fn mutate_once(&mut self, d: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let kinds = if self.target == Target::Net { 24 } else { 18 };
        match self.rng.below(kinds) {
            0 => self.flip_bit(d),
            1 => self.set_byte(d),
            2 => self.insert_bytes(d),
            3 | 17 => self.delete_slice(d),
            4 => self.duplicate_slice(d),
            5 => self.overwrite_slice(d),
            6 | 7 => self.insert_token(d),
            8 => self.replace_token(d),
            9 | 10 => self.replace_number(d),
            11 => self.splice(d, corpus),
            12 => self.insert_from_corpus(d, corpus),
            13 => self.line_op(d),
            14 => self.repeat_token(d),
            15 => self.insert_unicode(d),
            16 => {
                // large inputs are slow: a quarter of these only
                if self.rng.one_in(4) {
                    self.nest(d)
                } else {
                    self.insert_token(d)
                }
            }
            18 | 19 => self.json_field(d),
            20 => self.json_duplicate_element(d),
            21 => self.json_delete_element(d),
            22 => self.json_replace_string(d),
            _ => self.json_wrap(d),
        }
    }

    /// A random non-empty range of `0..len` (`len` > 0), usually short.
    fn range(&mut self, len: usize) -> (usize, usize) {
        let a = self.rng.below(len);
        let room = len - a;
        let cap = if self.rng.one_in(8) {
            room
        } else {
            room.min(16)
        };
        let n = 1 + self.rng.below(cap);
        (a, a + n)
    }

    /// An insertion point, often just after a space or line break.
    fn insertion_point(&mut self, d: &[u8]) -> usize {
        let p = self.rng.below(d.len() + 1);
        if self.rng.one_in(2) {
            find_byte(d, p, |c| c == b' ' || c == b'\n').map_or(p, |i| i + 1)
        } else {
            p
        }
    }

    fn flip_bit(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_bytes(d);
            return;
        }
        let i = self.rng.below(d.len());
        let bit = self.rng.below(8);
        d[i] ^= 1u8 << bit;
    }

    fn set_byte(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_bytes(d);
            return;
        }
        let i = self.rng.below(d.len());
        d[i] = self.byte();
    }

    fn byte(&mut self) -> u8 {
        if self.rng.one_in(2) {
            self.rng.pick(INTERESTING_BYTES)
        } else {
            (self.rng.next_u64() & 0xff) as u8
        }
    }

    fn insert_bytes(&mut self, d: &mut Vec<u8>) {
        let n = 1 + self.rng.below(4);
        let bytes: Vec<u8> = (0..n).map(|_| self.byte()).collect();
        let at = self.rng.below(d.len() + 1);
        insert_at(d, at, &bytes);
    }

    fn delete_slice(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_token(d);
            return;
        }
        let (a, b) = self.range(d.len());
        replace_range(d, a, b, &[]);
    }

    fn duplicate_slice(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_token(d);
            return;
        }
        let (a, b) = self.range(d.len());
        let chunk = d[a..b].to_vec();
        let at = if self.rng.one_in(2) {
            b
        } else {
            self.rng.below(d.len() + 1)
        };
        insert_at(d, at, &chunk);
    }

    fn overwrite_slice(&mut self, d: &mut Vec<u8>) {
        if d.len() < 2 {
            self.insert_token(d);
            return;
        }
        let (a, b) = self.range(d.len());
        let p = self.rng.below(d.len());
        let n = (b - a).min(d.len() - p);
        d.copy_within(a..a + n, p);
    }

    fn insert_token(&mut self, d: &mut Vec<u8>) {
        let tokens = self.tokens();
        let tok = self.rng.pick(tokens);
        let spaced = self.rng.one_in(2);
        let at = self.insertion_point(d);
        if spaced {
            insert_at(d, at, format!(" {tok} ").as_bytes());
        } else {
            insert_at(d, at, tok.as_bytes());
        }
    }

    fn replace_token(&mut self, d: &mut Vec<u8>) {
        if d.is_empty() {
            self.insert_token(d);
            return;
        }
        let p = self.rng.below(d.len());
        let (a, b) = token_at(d, p);
        let tokens = self.tokens();
        let tok = self.rng.pick(tokens);
        replace_range(d, a, b, tok.as_bytes());
    }

    /// Replaces a number (or what looks like one) by an extreme or a small random integer.
    fn replace_number(&mut self, d: &mut Vec<u8>) {
        let from = self.rng.below(d.len() + 1);
        let Some(p) = find_byte(d, from, |c| c.is_ascii_digit()) else {
            self.insert_token(d);
            return;
        };
        let num = |c: u8| c.is_ascii_digit() || c == b'.';
        let mut a = p;
        while a > 0 && num(d[a - 1]) {
            a -= 1;
        }
        if a > 0 && d[a - 1] == b'-' {
            a -= 1;
        }
        let mut b = p;
        while b < d.len() {
            let c = d[b];
            let exponent_sign =
                (c == b'-' || c == b'+') && b > p && matches!(d[b - 1], b'e' | b'E');
            if num(c) || c == b'e' || c == b'E' || exponent_sign {
                b += 1;
            } else {
                break;
            }
        }
        let rep = if self.rng.one_in(3) {
            let bits = self.rng.below(17);
            self.rng.below(1usize << bits).to_string()
        } else {
            let numbers = self.numbers();
            self.rng.pick(numbers).to_string()
        };
        replace_range(d, a, b, rep.as_bytes());
    }

    /// A prefix of `d` and a suffix of another corpus input.
    fn splice(&mut self, d: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let k = self.rng.below(corpus.len());
        let Some(other) = corpus.get(k) else {
            self.duplicate_slice(d);
            return;
        };
        let a = self.rng.below(d.len() + 1);
        let b = self.rng.below(other.len() + 1);
        d.truncate(a);
        d.extend_from_slice(&other[b..]);
    }

    /// A slice of another corpus input inserted into `d`.
    fn insert_from_corpus(&mut self, d: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let k = self.rng.below(corpus.len());
        let Some(other) = corpus.get(k).filter(|o| !o.is_empty()) else {
            self.insert_token(d);
            return;
        };
        let (a, b) = self.range(other.len());
        let at = self.insertion_point(d);
        insert_at(d, at, &other[a..b]);
    }

    /// Duplicates, deletes or swaps lines.
    fn line_op(&mut self, d: &mut Vec<u8>) {
        let starts = line_starts(d);
        let k = self.rng.below(starts.len());
        let (a, b) = line_span(&starts, d.len(), k);
        match self.rng.below(3) {
            0 => {
                let mut chunk = d[a..b].to_vec();
                if !chunk.ends_with(b"\n") {
                    chunk.push(b'\n');
                }
                insert_at(d, a, &chunk);
            }
            1 => replace_range(d, a, b, &[]),
            _ => {
                if k + 1 >= starts.len() {
                    return;
                }
                let (_, c) = line_span(&starts, d.len(), k + 1);
                let mut swapped = d[b..c].to_vec();
                if !swapped.ends_with(b"\n") {
                    swapped.push(b'\n');
                }
                swapped.extend_from_slice(&d[a..b]);
                replace_range(d, a, c, &swapped);
            }
        }
    }

    /// A dictionary token repeated a few to a few hundred times.
    fn repeat_token(&mut self, d: &mut Vec<u8>) {
        let tokens = self.tokens();
        let tok = self.rng.pick(tokens);
        let n = 2 + self.rng.log_uniform(256);
        let at = self.insertion_point(d);
        insert_at(d, at, tok.repeat(n).as_bytes());
    }

    fn insert_unicode(&mut self, d: &mut Vec<u8>) {
        let u = self.rng.pick(UNICODE);
        let at = self.rng.below(d.len() + 1);
        insert_at(d, at, u.as_bytes());
    }

    /// Deep nesting: `open` N times, `middle`, `close` N times, with N up to
    /// [`Mutator::max_nest`]; replaces a token, is inserted, or (for models) becomes the
    /// objective of a small model.
    fn nest(&mut self, d: &mut Vec<u8>) {
        let nests = self.nests();
        let (open, middle, close) = self.rng.pick(nests);
        let unit = (open.len() + close.len()).max(1);
        let cap = (self.max_len / unit).min(self.max_nest).max(1);
        let n = if self.rng.one_in(3) {
            self.rng.pick(NEST_SIZES)
        } else {
            self.rng.log_uniform(cap)
        };
        let n = n.min(cap);
        let s = format!("{}{middle}{}", open.repeat(n), close.repeat(n));
        match self.rng.below(3) {
            0 if self.target == Target::Model => {
                *d = format!(
                    "set I = {{1}};\nvar x in [0, 1];\nnet f = relu_net(\"n.json\");\nminimize o: {s};\n"
                )
                .into_bytes();
            }
            1 if !d.is_empty() => {
                let p = self.rng.below(d.len());
                let (a, b) = token_at(d, p);
                replace_range(d, a, b, s.as_bytes());
            }
            _ => {
                let at = self.insertion_point(d);
                insert_at(d, at, s.as_bytes());
            }
        }
    }

    /// Sets a known field of a network file to an odd value, or adds it after the first `{`.
    pub(crate) fn json_field(&mut self, d: &mut Vec<u8>) {
        let (key, values) = self.rng.pick(JSON_FIELDS);
        let value = self.rng.pick(values);
        let quoted = format!("\"{key}\"");
        let from = self.rng.below(d.len() + 1);
        let Some(p) = find_sub(d, from, quoted.as_bytes()) else {
            let at = find_byte(d, 0, |c| c == b'{').map_or(0, |i| i + 1);
            insert_at(d, at, format!("{quoted}: {value}, ").as_bytes());
            return;
        };
        let mut i = skip_ws(d, p + quoted.len());
        if d.get(i) == Some(&b':') {
            i = skip_ws(d, i + 1);
        }
        match json_value_end(d, i) {
            Some(e) => replace_range(d, i, e, value.as_bytes()),
            None => insert_at(d, i, value.as_bytes()),
        }
    }

    /// A random `[` of the text, if any.
    fn random_array(&mut self, d: &[u8]) -> Option<usize> {
        let from = self.rng.below(d.len() + 1);
        find_byte(d, from, |c| c == b'[')
    }

    /// Duplicates an element of an array (once, or many times).
    fn json_duplicate_element(&mut self, d: &mut Vec<u8>) {
        let Some(open) = self.random_array(d) else {
            self.replace_number(d);
            return;
        };
        let els = array_elements(d, open);
        if els.is_empty() {
            return;
        }
        let (s, e) = self.rng.pick(&els);
        let times = if self.rng.one_in(4) {
            self.rng.log_uniform(64)
        } else {
            1
        };
        let mut chunk = Vec::with_capacity((e - s + 2) * times);
        for _ in 0..times {
            chunk.extend_from_slice(&d[s..e]);
            chunk.extend_from_slice(b", ");
        }
        insert_at(d, s, &chunk);
    }

    /// Deletes an element of an array with its comma.
    fn json_delete_element(&mut self, d: &mut Vec<u8>) {
        let Some(open) = self.random_array(d) else {
            self.delete_slice(d);
            return;
        };
        let els = array_elements(d, open);
        if els.is_empty() {
            return;
        }
        let k = self.rng.below(els.len());
        let (s, e) = els[k];
        let (start, end) = if k + 1 < els.len() {
            (s, els[k + 1].0)
        } else if k > 0 {
            (els[k - 1].1, e)
        } else {
            (s, e)
        };
        replace_range(d, start, end, &[]);
    }

    /// Replaces a string (a key or a value) by another known one.
    fn json_replace_string(&mut self, d: &mut Vec<u8>) {
        const STRINGS: &[&str] = &[
            "\"relu\"",
            "\"linear\"",
            "\"clipped_relu\"",
            "\"relu-net\"",
            "\"\"",
            "\"x\"",
            "\"weights\"",
            "\"bias\"",
            "\"activation\"",
            "\"clip\"",
            "\"layers\"",
            "\"inputs\"",
            "\"outputs\"",
            "\"input_bounds\"",
            "\"input_scaling\"",
            "\"output_scaling\"",
            "\"offset\"",
            "\"scale\"",
            "\"format\"",
            "\"version\"",
            "\"training\"",
            "\"wieghts\"",
            "\"\\u00e9\"",
            "\"é€\u{200b}\"",
            "1",
            "null",
        ];
        let from = self.rng.below(d.len() + 1);
        let Some(s) = find_byte(d, from, |c| c == b'"') else {
            self.insert_token(d);
            return;
        };
        let e = json_value_end(d, s).unwrap_or(d.len());
        let rep = self.rng.pick(STRINGS);
        replace_range(d, s, e, rep.as_bytes());
    }

    /// Wraps a value in an array (`x` to `[x]`) or unwraps an array (`[x, y]` to `x, y`).
    fn json_wrap(&mut self, d: &mut Vec<u8>) {
        let from = self.rng.below(d.len() + 1);
        let starts_value = |c: u8| {
            c.is_ascii_digit() || matches!(c, b'-' | b'[' | b'{' | b'"' | b't' | b'f' | b'n')
        };
        let Some(s) = find_byte(d, from, starts_value) else {
            self.insert_token(d);
            return;
        };
        let Some(e) = json_value_end(d, s) else {
            return;
        };
        if d[s] == b'[' && self.rng.one_in(2) && e >= s + 2 {
            let inner = d[s + 1..e - 1].to_vec();
            replace_range(d, s, e, &inner);
        } else {
            insert_at(d, e, b"]");
            insert_at(d, s, b"[");
        }
    }
}

// ----- byte helpers -----

pub(crate) fn insert_at(d: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    let at = at.min(d.len());
    let tail = d.split_off(at);
    d.extend_from_slice(bytes);
    d.extend_from_slice(&tail);
}

/// Replaces `d[a..b]` by `bytes`.
pub(crate) fn replace_range(d: &mut Vec<u8>, a: usize, b: usize, bytes: &[u8]) {
    let b = b.min(d.len());
    let a = a.min(b);
    let tail = d.split_off(b);
    d.truncate(a);
    d.extend_from_slice(bytes);
    d.extend_from_slice(&tail);
}

/// The first position at or after `from` whose byte matches, else the first before it.
pub(crate) fn find_byte(d: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> Option<usize> {
    let from = from.min(d.len());
    d[from..]
        .iter()
        .position(|c| pred(*c))
        .map(|i| i + from)
        .or_else(|| d[..from].iter().position(|c| pred(*c)))
}

/// The first occurrence of `needle` at or after `from`, else the first one.
pub(crate) fn find_sub(d: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || d.len() < needle.len() {
        return None;
    }
    let from = from.min(d.len());
    let hit = |lo: usize| {
        d[lo..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + lo)
    };
    hit(from).or_else(|| hit(0))
}

/// The word (identifier or number characters, or any non-ASCII) around `p`, or the byte at `p`.
pub(crate) fn token_at(d: &[u8], p: usize) -> (usize, usize) {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c >= 0x80;
    if p >= d.len() {
        return (d.len(), d.len());
    }
    if !word(d[p]) {
        return (p, p + 1);
    }
    let mut a = p;
    while a > 0 && word(d[a - 1]) {
        a -= 1;
    }
    let mut b = p + 1;
    while b < d.len() && word(d[b]) {
        b += 1;
    }
    (a, b)
}

/// The offsets where lines start (always at least `[0]`).
pub(crate) fn line_starts(d: &[u8]) -> Vec<usize> {
    let mut v = vec![0];
    for (i, c) in d.iter().enumerate() {
        if *c == b'\n' && i + 1 < d.len() {
            v.push(i + 1);
        }
    }
    v
}

/// Line `k` with its line break.
pub(crate) fn line_span(starts: &[usize], len: usize, k: usize) -> (usize, usize) {
    let a = starts.get(k).copied().unwrap_or(len);
    let b = starts.get(k + 1).copied().unwrap_or(len);
    (a, b)
}

pub(crate) fn skip_ws(d: &[u8], mut i: usize) -> usize {
    while i < d.len() && d[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The end of the JSON value that starts at `i` (after whitespace), if it ends.
pub(crate) fn json_value_end(d: &[u8], i: usize) -> Option<usize> {
    let mut i = skip_ws(d, i);
    match *d.get(i)? {
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut in_str = false;
            let mut esc = false;
            while i < d.len() {
                let c = d[i];
                if in_str {
                    if esc {
                        esc = false;
                    } else if c == b'\\' {
                        esc = true;
                    } else if c == b'"' {
                        in_str = false;
                    }
                } else {
                    match c {
                        b'"' => in_str = true,
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            None
        }
        b'"' => {
            i += 1;
            let mut esc = false;
            while i < d.len() {
                let c = d[i];
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    return Some(i + 1);
                }
                i += 1;
            }
            None
        }
        b']' | b'}' | b',' | b':' => None,
        _ => {
            let s = i;
            while i < d.len()
                && !matches!(d[i], b',' | b']' | b'}' | b':')
                && !d[i].is_ascii_whitespace()
            {
                i += 1;
            }
            (i > s).then_some(i)
        }
    }
}

/// The spans of the elements of the array whose `[` is at `open` (at most 256).
pub(crate) fn array_elements(d: &[u8], open: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = open + 1;
    while out.len() < 256 {
        i = skip_ws(d, i);
        if i >= d.len() || d[i] == b']' {
            break;
        }
        let Some(e) = json_value_end(d, i) else {
            break;
        };
        out.push((i, e));
        i = skip_ws(d, e);
        if d.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    out
}
