//! ONNX tensors to numbers: every element type a network uses (float32, float64, float16,
//! bfloat16, the integers of shapes and axes), from `raw_data` or the typed fields, checked
//! against the declared shape before anything is allocated.

use crate::proto::{data_type as dt, TensorProto};

/// A constant tensor: its shape and its elements in row-major order, widened to f64 (exact for
/// every float type and for integers up to 2^53).
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub dims: Vec<usize>,
    pub data: Vec<f64>,
}

/// The largest tensor rmod reads (elements); a network that needs more is not one a MILP can hold.
pub const MAX_ELEMENTS: usize = 1 << 26;

impl Tensor {
    pub fn scalar(v: f64) -> Tensor {
        Tensor {
            dims: Vec::new(),
            data: vec![v],
        }
    }
    pub fn vector(v: Vec<f64>) -> Tensor {
        Tensor {
            dims: vec![v.len()],
            data: v,
        }
    }
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.data.len()
    }
}

/// The element count of a shape, `None` when it overflows or exceeds [`MAX_ELEMENTS`].
pub fn element_count(dims: &[usize]) -> Option<usize> {
    dims.iter()
        .try_fold(1usize, |n, d| n.checked_mul(*d))
        .filter(|n| *n <= MAX_ELEMENTS)
}

/// The name of an ONNX element type, for messages.
pub fn type_name(t: i32) -> &'static str {
    match t {
        dt::FLOAT => "float32",
        dt::DOUBLE => "float64",
        dt::FLOAT16 => "float16",
        dt::BFLOAT16 => "bfloat16",
        dt::INT64 => "int64",
        dt::INT32 => "int32",
        dt::INT16 => "int16",
        dt::INT8 => "int8",
        dt::UINT8 => "uint8",
        dt::UINT16 => "uint16",
        dt::UINT32 => "uint32",
        dt::UINT64 => "uint64",
        dt::BOOL => "bool",
        8 => "string",
        14 | 15 => "complex",
        _ => "an unknown type",
    }
}

/// Whether values of this element type can flow through a network (the float types).
pub fn is_float(t: i32) -> bool {
    matches!(t, dt::FLOAT | dt::DOUBLE | dt::FLOAT16 | dt::BFLOAT16)
}

/// IEEE 754 half precision to f64 (exact).
pub fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        0x1f if frac == 0.0 => sign * f64::INFINITY,
        0x1f => f64::NAN,
        _ => sign * (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// Reads a tensor; `Err` says what is wrong in words (the caller adds where).
pub fn decode(t: &TensorProto) -> Result<Tensor, String> {
    if t.data_location == 1 || !t.external_data.is_empty() {
        return Err(
            "its data is in an external file (ONNX external data), which rmod does not read".into(),
        );
    }
    let mut dims = Vec::with_capacity(t.dims.len());
    for d in &t.dims {
        match usize::try_from(*d) {
            Ok(d) => dims.push(d),
            Err(_) => return Err(format!("it has the negative dimension {d}")),
        }
    }
    let n = element_count(&dims)
        .ok_or_else(|| format!("its shape {dims:?} has more than {MAX_ELEMENTS} elements"))?;
    let raw = &t.raw_data;
    let width = match t.data_type {
        dt::DOUBLE | dt::INT64 | dt::UINT64 => 8,
        dt::FLOAT | dt::INT32 | dt::UINT32 => 4,
        dt::FLOAT16 | dt::BFLOAT16 | dt::INT16 | dt::UINT16 => 2,
        dt::INT8 | dt::UINT8 | dt::BOOL => 1,
        other => {
            return Err(format!(
                "its element type {} ({other}) is not a number type rmod reads",
                type_name(other)
            ))
        }
    };
    let data: Vec<f64> = if !raw.is_empty() {
        if raw.len() != n * width {
            return Err(format!(
                "raw_data has {} bytes, but {n} elements of {} need {}",
                raw.len(),
                type_name(t.data_type),
                n * width
            ));
        }
        raw.chunks_exact(width)
            .map(|c| raw_value(t.data_type, c))
            .collect()
    } else {
        let typed: Vec<f64> = match t.data_type {
            dt::FLOAT => t.float_data.iter().map(|v| f64::from(*v)).collect(),
            dt::DOUBLE => t.double_data.clone(),
            dt::INT64 => t.int64_data.iter().map(|v| *v as f64).collect(),
            dt::UINT32 | dt::UINT64 => t.uint64_data.iter().map(|v| *v as f64).collect(),
            dt::FLOAT16 => t.int32_data.iter().map(|v| f16_to_f64(*v as u16)).collect(),
            dt::BFLOAT16 => t
                .int32_data
                .iter()
                .map(|v| f64::from(f32::from_bits(((*v as u32) & 0xffff) << 16)))
                .collect(),
            _ => t.int32_data.iter().map(|v| f64::from(*v)).collect(),
        };
        if typed.len() != n {
            return Err(format!(
                "it holds {} elements, but its shape {dims:?} needs {n}",
                typed.len()
            ));
        }
        typed
    };
    Ok(Tensor { dims, data })
}

fn raw_value(t: i32, c: &[u8]) -> f64 {
    let b8 = |c: &[u8]| {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        a
    };
    let b4 = |c: &[u8]| {
        let mut a = [0u8; 4];
        a.copy_from_slice(c);
        a
    };
    match t {
        dt::DOUBLE => f64::from_le_bytes(b8(c)),
        dt::INT64 => i64::from_le_bytes(b8(c)) as f64,
        dt::UINT64 => u64::from_le_bytes(b8(c)) as f64,
        dt::FLOAT => f64::from(f32::from_le_bytes(b4(c))),
        dt::INT32 => f64::from(i32::from_le_bytes(b4(c))),
        dt::UINT32 => f64::from(u32::from_le_bytes(b4(c))),
        dt::FLOAT16 => f16_to_f64(u16::from_le_bytes([c[0], c[1]])),
        dt::BFLOAT16 => f64::from(f32::from_bits(
            u32::from(u16::from_le_bytes([c[0], c[1]])) << 16,
        )),
        dt::INT16 => f64::from(i16::from_le_bytes([c[0], c[1]])),
        dt::UINT16 => f64::from(u16::from_le_bytes([c[0], c[1]])),
        dt::INT8 => f64::from(c[0] as i8),
        _ => f64::from(c[0]),
    }
}

/// A float64 tensor in `raw_data` (what `rmod net export` writes: exact).
pub fn encode_f64(name: &str, dims: &[usize], data: &[f64]) -> TensorProto {
    TensorProto {
        dims: dims.iter().map(|d| *d as i64).collect(),
        data_type: dt::DOUBLE,
        name: name.to_string(),
        raw_data: data.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_decodes_exactly() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x3555), 0.333251953125);
        assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
        assert_eq!(f16_to_f64(0x7bff), 65504.0);
        assert!(f16_to_f64(0x7c00).is_infinite());
    }

    #[test]
    fn raw_and_typed_fields_agree_and_bad_lengths_are_errors() {
        let raw = TensorProto {
            dims: vec![2],
            data_type: dt::FLOAT,
            raw_data: [1.5f32, -2.0]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
            ..Default::default()
        };
        let typed = TensorProto {
            dims: vec![2],
            data_type: dt::FLOAT,
            float_data: vec![1.5, -2.0],
            ..Default::default()
        };
        assert_eq!(decode(&raw), decode(&typed));
        let short = TensorProto {
            dims: vec![3],
            ..typed.clone()
        };
        assert!(decode(&short).unwrap_err().contains("needs 3"));
        let huge = TensorProto {
            dims: vec![1 << 40, 1 << 40],
            ..typed
        };
        assert!(decode(&huge).is_err());
        let f64s = encode_f64("w", &[1, 2], &[0.1, -3.0]);
        assert_eq!(decode(&f64s).unwrap().data, vec![0.1, -3.0]);
    }
}
