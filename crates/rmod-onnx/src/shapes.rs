//! Shape arithmetic of the ONNX operators rmod interprets: numpy broadcasting, `Flatten`,
//! `Reshape`, `Squeeze`, `Unsqueeze`, `Transpose`. Pure functions on dimension lists; errors
//! are sentences for the node's diagnostic.

use crate::tensor::element_count;

/// The largest rank rmod handles (network values are vectors; exporters stay below 8).
pub const MAX_RANK: usize = 64;

/// numpy broadcasting of two shapes.
pub fn broadcast(a: &[usize], b: &[usize]) -> Result<Vec<usize>, String> {
    let r = a.len().max(b.len());
    let mut out = vec![0; r];
    for k in 0..r {
        let da = if k + a.len() >= r {
            a[k + a.len() - r]
        } else {
            1
        };
        let db = if k + b.len() >= r {
            b[k + b.len() - r]
        } else {
            1
        };
        out[k] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return Err(format!("the shapes {a:?} and {b:?} do not broadcast")),
        };
    }
    Ok(out)
}

/// The elements of a tensor of shape `dims` broadcast to `out` (which `dims` broadcasts to).
pub fn broadcast_values(dims: &[usize], data: &[f64], out: &[usize]) -> Vec<f64> {
    let n = out.iter().product::<usize>();
    let r = out.len();
    let off = r - dims.len();
    let mut res = Vec::with_capacity(n);
    let mut idx = vec![0usize; r];
    for _ in 0..n {
        let mut flat = 0;
        for (k, d) in dims.iter().enumerate() {
            let i = if *d == 1 { 0 } else { idx[k + off] };
            flat = flat * d + i;
        }
        res.push(data[flat]);
        // next multi-index
        for k in (0..r).rev() {
            idx[k] += 1;
            if idx[k] < out[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    res
}

fn axis(a: i64, rank: usize, what: &str) -> Result<usize, String> {
    let r = rank as i64;
    let v = if a < 0 { a + r } else { a };
    if (0..r).contains(&v) {
        Ok(v as usize)
    } else {
        Err(format!("{what} {a} is out of range for rank {rank}"))
    }
}

pub fn flatten(shape: &[usize], ax: i64) -> Result<Vec<usize>, String> {
    let r = shape.len() as i64;
    let a = if ax < 0 { ax + r } else { ax };
    if !(0..=r).contains(&a) {
        return Err(format!("axis {ax} is out of range for rank {r}"));
    }
    let (head, tail) = shape.split_at(a as usize);
    Ok(vec![head.iter().product(), tail.iter().product()])
}

pub fn reshape(shape: &[usize], target: &[f64], allowzero: bool) -> Result<Vec<usize>, String> {
    if target.len() > MAX_RANK {
        return Err(format!(
            "the target shape has rank {} (at most {MAX_RANK})",
            target.len()
        ));
    }
    let n: usize = shape.iter().product();
    let mut out = Vec::with_capacity(target.len());
    let mut infer = None;
    for (k, t) in target.iter().enumerate() {
        let t = *t as i64;
        if t == -1 {
            if infer.replace(k).is_some() {
                return Err("the target shape has more than one -1".into());
            }
            out.push(1);
        } else if t == 0 && !allowzero {
            out.push(
                *shape
                    .get(k)
                    .ok_or("a 0 in the target shape has no input dimension")?,
            );
        } else if t < 0 {
            return Err(format!("the target shape has the dimension {t}"));
        } else {
            out.push(t as usize);
        }
    }
    let known = element_count(&out).ok_or("the target shape is too large")?;
    if let Some(k) = infer {
        if known == 0 || !n.is_multiple_of(known) {
            return Err(format!("cannot infer -1 for {n} elements"));
        }
        out[k] = n / known;
    }
    if out.iter().product::<usize>() != n {
        return Err(format!(
            "the target shape {out:?} does not hold the {n} elements of {shape:?}"
        ));
    }
    Ok(out)
}

pub fn squeeze(shape: &[usize], axes: Option<&[i64]>) -> Result<Vec<usize>, String> {
    match axes {
        None => Ok(shape.iter().copied().filter(|d| *d != 1).collect()),
        Some(axes) => {
            let mut drop = Vec::new();
            for a in axes {
                let k = axis(*a, shape.len(), "axis")?;
                if shape[k] != 1 {
                    return Err(format!("cannot squeeze axis {a} of size {}", shape[k]));
                }
                drop.push(k);
            }
            Ok(shape
                .iter()
                .enumerate()
                .filter(|(k, _)| !drop.contains(k))
                .map(|(_, d)| *d)
                .collect())
        }
    }
}

pub fn unsqueeze(shape: &[usize], axes: &[i64]) -> Result<Vec<usize>, String> {
    let r = shape.len() + axes.len();
    if r > MAX_RANK {
        return Err(format!(
            "the result would have rank {r} (at most {MAX_RANK})"
        ));
    }
    let mut at = Vec::new();
    for a in axes {
        let k = axis(*a, r, "axis")?;
        if at.contains(&k) {
            return Err(format!("axis {a} is given twice"));
        }
        at.push(k);
    }
    let mut rest = shape.iter();
    Ok((0..r)
        .map(|k| {
            if at.contains(&k) {
                1
            } else {
                rest.next().copied().unwrap_or(1)
            }
        })
        .collect())
}

/// The permutation of `Transpose` (default: reversed axes), checked.
pub fn perm(rank: usize, given: Option<&[i64]>) -> Result<Vec<usize>, String> {
    let p: Vec<usize> = match given {
        None => (0..rank).rev().collect(),
        Some(g) => g
            .iter()
            .map(|a| axis(*a, rank, "perm entry"))
            .collect::<Result<_, _>>()?,
    };
    let mut seen = p.clone();
    seen.sort_unstable();
    if p.len() != rank || seen != (0..rank).collect::<Vec<_>>() {
        return Err(format!("perm {p:?} is not a permutation of {rank} axes"));
    }
    Ok(p)
}

/// A transposed tensor's elements.
pub fn transpose(dims: &[usize], data: &[f64], p: &[usize]) -> (Vec<usize>, Vec<f64>) {
    let out: Vec<usize> = p.iter().map(|k| dims[*k]).collect();
    let mut strides = vec![1usize; dims.len()];
    for k in (0..dims.len().saturating_sub(1)).rev() {
        strides[k] = strides[k + 1] * dims[k + 1];
    }
    let n = data.len();
    let mut res = Vec::with_capacity(n);
    let mut idx = vec![0usize; out.len()];
    for _ in 0..n {
        let flat: usize = idx.iter().zip(p).map(|(i, k)| i * strides[*k]).sum();
        res.push(data[flat]);
        for k in (0..out.len()).rev() {
            idx[k] += 1;
            if idx[k] < out[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    (out, res)
}

/// Whether a transpose keeps the row-major order of the elements (it only moves size-1 axes).
pub fn keeps_order(dims: &[usize], p: &[usize]) -> bool {
    let moved: Vec<usize> = p.iter().copied().filter(|k| dims[*k] != 1).collect();
    moved.windows(2).all(|w| w[0] < w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_the_onnx_rules() {
        assert_eq!(broadcast(&[1, 4], &[4]).unwrap(), vec![1, 4]);
        assert!(broadcast(&[3], &[4]).is_err());
        assert_eq!(
            broadcast_values(&[2], &[1.0, 2.0], &[2, 2]),
            vec![1.0, 2.0, 1.0, 2.0]
        );
        assert_eq!(
            broadcast_values(&[2, 1], &[1.0, 2.0], &[2, 2]),
            vec![1.0, 1.0, 2.0, 2.0]
        );
        assert_eq!(flatten(&[1, 1, 1, 4], 1).unwrap(), vec![1, 4]);
        assert_eq!(flatten(&[3], 0).unwrap(), vec![1, 3]);
        assert_eq!(reshape(&[1, 6], &[-1.0, 3.0], false).unwrap(), vec![2, 3]);
        assert_eq!(reshape(&[1, 6], &[0.0, -1.0], false).unwrap(), vec![1, 6]);
        assert!(reshape(&[1, 6], &[4.0], false).is_err());
        assert_eq!(squeeze(&[1, 4, 1], None).unwrap(), vec![4]);
        assert_eq!(squeeze(&[1, 4, 1], Some(&[-1])).unwrap(), vec![1, 4]);
        assert!(squeeze(&[1, 4], Some(&[1])).is_err());
        assert_eq!(unsqueeze(&[4], &[0, -1]).unwrap(), vec![1, 4, 1]);
        let (d, v) = transpose(&[2, 3], &[1., 2., 3., 4., 5., 6.], &perm(2, None).unwrap());
        assert_eq!((d, v), (vec![3, 2], vec![1., 4., 2., 5., 3., 6.]));
        assert!(keeps_order(&[1, 4], &[1, 0]));
        assert!(!keeps_order(&[2, 4], &[1, 0]));
    }
}
