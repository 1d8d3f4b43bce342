//! Checks of one message type against its rosbags/rosidl fixtures in `tests/golden/`.
//! Shared by `tests/golden.rs` (the real types) and `src/codegen_samples.rs` (the generator's
//! sample package), which include this file with `#[path]`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail, ensure};
use byteorder::BigEndian;

use crate::{CDR_BE_HEADER, ConstantValue, RosMessage, from_cdr, from_cdr_counted, to_cdr};

/// `msgs/tests/golden`.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The fixture files `M` must have, relative to [`golden_dir`].
pub fn expected_files<M: RosMessage>() -> Vec<PathBuf> {
    let base = Path::new(M::PACKAGE).join(M::NAME);
    let mut files = vec![base.with_extension("json"), base.with_extension("cdr.hex")];
    if !M::CONSTANTS.is_empty() {
        files.push(base.with_extension("constants.json"));
    }
    // Only generate.py knows which types have explicit defaults; its --check catches stale ones.
    let defaults = base.with_extension("defaults.json");
    if golden_dir().join(&defaults).exists() {
        files.push(defaults);
    }
    files
}

/// A sample value with its JSON form and rosbags' CDR bytes.
pub struct Fixture<M> {
    /// The value loaded into the Rust type.
    pub value: M,
    /// The JSON it was loaded from.
    pub json: serde_json::Value,
    /// rosbags' bytes, encapsulation header included.
    pub bytes: Vec<u8>,
}

fn parse_hex(text: &str) -> anyhow::Result<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    ensure!(digits.len().is_multiple_of(2), "odd number of hex digits");
    digits
        .chunks(2)
        .map(|pair| Ok(u8::from_str_radix(std::str::from_utf8(pair)?, 16)?))
        .collect()
}

/// Loads `M`'s fixture.
pub fn load<M: RosMessage>() -> anyhow::Result<Fixture<M>> {
    let base = golden_dir().join(M::PACKAGE).join(M::NAME);
    let json_path = base.with_extension("json");
    let hex_path = base.with_extension("cdr.hex");
    let json_text = std::fs::read_to_string(&json_path)
        .with_context(|| format!("no fixture for {}: {}", M::type_name(), json_path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&json_text)?;
    let value: M = serde_json::from_value(json.clone()).with_context(|| {
        format!(
            "{} does not load into {}",
            json_path.display(),
            M::type_name()
        )
    })?;
    let bytes = parse_hex(&std::fs::read_to_string(&hex_path)?)
        .with_context(|| format!("reading {}", hex_path.display()))?;
    Ok(Fixture { value, json, bytes })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// JSON → Rust → JSON is lossless, `to_cdr` equals rosbags' bytes, and decoding them uses every
/// byte and gives the same value.
pub fn check_matches_rosbags<M: RosMessage>() -> anyhow::Result<()> {
    let fixture = load::<M>()?;
    ensure!(
        serde_json::to_value(&fixture.value)? == fixture.json,
        "JSON changed on a round trip through the Rust type"
    );
    let ours = to_cdr(&fixture.value)?;
    ensure!(
        ours == fixture.bytes,
        "CDR differs from rosbags\n  rust:    {}\n  rosbags: {}",
        hex(&ours),
        hex(&fixture.bytes)
    );
    let (decoded, consumed) = from_cdr_counted::<M>(&fixture.bytes)?;
    ensure!(decoded == fixture.value, "decoded value differs");
    ensure!(
        consumed + 4 == fixture.bytes.len(),
        "decoding used {consumed} of {} payload bytes",
        fixture.bytes.len() - 4
    );
    Ok(())
}

/// `M::CONSTANTS` equals the constants rosidl_adapter reads from the interface file.
pub fn check_constants<M: RosMessage>() -> anyhow::Result<()> {
    let path = golden_dir()
        .join(M::PACKAGE)
        .join(M::NAME)
        .with_extension("constants.json");
    if M::CONSTANTS.is_empty() {
        ensure!(
            !path.exists(),
            "{} exists but the type has no constants",
            path.display()
        );
        return Ok(());
    }
    let expected: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).with_context(|| {
            format!(
                "no constants fixture for {}: {}",
                M::type_name(),
                path.display()
            )
        })?)?;
    ensure!(
        expected.len() == M::CONSTANTS.len(),
        "{} constants, rosidl reads {}",
        M::CONSTANTS.len(),
        expected.len()
    );
    for (ours, theirs) in M::CONSTANTS.iter().zip(&expected) {
        let name = theirs["name"].as_str().context("constant without name")?;
        let ty = theirs["type"].as_str().context("constant without type")?;
        let value = &theirs["value"];
        ensure!(
            ours.name == name,
            "constant {} where rosidl has {name}",
            ours.name
        );
        let equal = match ours.value {
            ConstantValue::Bool(b) => value.as_bool() == Some(b),
            ConstantValue::Int(i) => value.as_i64() == Some(i),
            ConstantValue::UInt(u) => value.as_u64() == Some(u),
            // rosidl keeps the decimal text's f64; a float32 constant is that value as f32.
            ConstantValue::Float(f) if ty == "float32" => {
                value.as_f64().map(|v| v as f32) == Some(f as f32)
            }
            ConstantValue::Float(f) => value.as_f64() == Some(f),
            ConstantValue::String(s) => value.as_str() == Some(s),
        };
        ensure!(equal, "{name} = {:?}, rosidl reads {value}", ours.value);
    }
    Ok(())
}

/// JSON equality where `float32` values are compared after rounding both sides to `f32`.
fn same_value(ours: &serde_json::Value, theirs: &serde_json::Value, float32: bool) -> bool {
    use serde_json::Value;
    match (ours, theirs) {
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y, float32))
        }
        (Value::Number(a), Value::Number(b)) if float32 => {
            a.as_f64().map(|v| v as f32) == b.as_f64().map(|v| v as f32)
        }
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            // Integers compare exactly; `1` and `1.0` are the same default.
            _ if a.is_f64() == b.is_f64() => a == b,
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        _ => ours == theirs,
    }
}

/// `M::default()` has the field defaults rosidl_adapter reads from the interface file.
pub fn check_defaults<M: RosMessage>() -> anyhow::Result<()> {
    let path = golden_dir()
        .join(M::PACKAGE)
        .join(M::NAME)
        .with_extension("defaults.json");
    if !path.exists() {
        return Ok(());
    }
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let ours = serde_json::to_value(M::default())?;
    for (field, spec) in &expected {
        let ty = spec["type"].as_str().context("default without type")?;
        let value = &ours[field.as_str()];
        ensure!(
            same_value(value, &spec["value"], ty.starts_with("float32")),
            "default of {field} is {value}, rosidl reads {}",
            spec["value"]
        );
    }
    Ok(())
}

/// A sample encoded big endian (header `00 00`) decodes to the same value.
pub fn check_big_endian<M: RosMessage>() -> anyhow::Result<()> {
    let fixture = load::<M>()?;
    let mut bytes = CDR_BE_HEADER.to_vec();
    bytes.extend(cdr_encoding::to_vec::<M, BigEndian>(&fixture.value)?);
    ensure!(
        from_cdr::<M>(&bytes)? == fixture.value,
        "big-endian decode differs"
    );
    Ok(())
}

/// Every strict prefix of the sample is an error that names the type.
pub fn check_truncation<M: RosMessage>() -> anyhow::Result<()> {
    let fixture = load::<M>()?;
    for len in 0..fixture.bytes.len() {
        match from_cdr::<M>(&fixture.bytes[..len]) {
            Ok(_) => bail!("a sample truncated to {len} bytes decoded"),
            Err(e) => {
                let text = e.to_string();
                ensure!(
                    text.contains(&M::type_name()),
                    "error does not name the type: {text}"
                );
            }
        }
    }
    Ok(())
}

/// Overwriting any payload byte with values that break lengths, booleans and UTF-8 gives Ok or
/// Err, never a panic.
pub fn check_corruption<M: RosMessage>() -> anyhow::Result<()> {
    let fixture = load::<M>()?;
    for position in 4..fixture.bytes.len() {
        for replacement in [0xff, 0x80, 0x02, 0x00] {
            let mut bytes = fixture.bytes.clone();
            bytes[position] = replacement;
            let outcome = std::panic::catch_unwind(|| from_cdr::<M>(&bytes).is_ok());
            ensure!(
                outcome.is_ok(),
                "panicked with byte {position} set to {replacement:#04x}"
            );
        }
    }
    Ok(())
}

/// Every check above, for one type.
#[allow(dead_code)] // used by src/codegen_samples.rs; tests/golden.rs runs the checks one by one
pub fn check_all<M: RosMessage>() -> anyhow::Result<()> {
    check_matches_rosbags::<M>()?;
    check_constants::<M>()?;
    check_defaults::<M>()?;
    check_big_endian::<M>()?;
    check_truncation::<M>()?;
    check_corruption::<M>()
}
