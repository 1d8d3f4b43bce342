//! Every generated type against golden CDR bytes made by rosbags, an independent ROS 2 CDR
//! implementation (fixtures from `tests/golden/generate.py`), plus malformed-input checks.
#![allow(clippy::unwrap_used)] // test code: a panic is a test failure

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail, ensure};
// The support module refers to these through `crate::`, as it does inside the library.
pub use embodied_msgs::{
    CDR_BE_HEADER, CdrError, ConstantValue, MessageVisitor, RosMessage, from_cdr, from_cdr_counted,
    to_cdr, visit_all_types,
};

#[path = "support/golden.rs"]
mod support;
use support::{golden_dir, load};

/// Runs one check for every type and reports all failures together.
struct ForEveryType {
    run: Check,
    checked: usize,
    failures: Vec<String>,
}

#[derive(Clone, Copy)]
enum Check {
    MatchesRosbags,
    Constants,
    Defaults,
    BigEndian,
    Truncation,
    Corruption,
}

impl MessageVisitor for ForEveryType {
    fn visit<M: RosMessage>(&mut self) {
        self.checked += 1;
        let outcome = match self.run {
            Check::MatchesRosbags => support::check_matches_rosbags::<M>(),
            Check::Constants => support::check_constants::<M>(),
            Check::Defaults => support::check_defaults::<M>(),
            Check::BigEndian => support::check_big_endian::<M>(),
            Check::Truncation => support::check_truncation::<M>(),
            Check::Corruption => support::check_corruption::<M>(),
        };
        if let Err(e) = outcome {
            self.failures.push(format!("{}: {e:#}", M::type_name()));
        }
    }
}

fn for_every_type(run: Check) -> anyhow::Result<usize> {
    let mut visitor = ForEveryType {
        run,
        checked: 0,
        failures: Vec::new(),
    };
    visit_all_types(&mut visitor);
    if !visitor.failures.is_empty() {
        bail!(
            "{} of {} types failed:\n{}",
            visitor.failures.len(),
            visitor.checked,
            visitor.failures.join("\n")
        );
    }
    Ok(visitor.checked)
}

#[test]
fn every_type_is_byte_identical_to_rosbags() -> anyhow::Result<()> {
    let count = for_every_type(Check::MatchesRosbags)?;
    assert!(count >= 38, "only {count} types visited");
    Ok(())
}

#[test]
fn constants_equal_what_rosidl_reads() -> anyhow::Result<()> {
    for_every_type(Check::Constants)?;
    Ok(())
}

#[test]
fn defaults_equal_what_rosidl_reads() -> anyhow::Result<()> {
    for_every_type(Check::Defaults)?;
    // The one standard type with defaults: the identity quaternion.
    assert_eq!(
        embodied_msgs::geometry_msgs::msg::Quaternion::default().w,
        1.0
    );
    Ok(())
}

#[test]
fn every_fixture_belongs_to_a_type() -> anyhow::Result<()> {
    struct Names(BTreeSet<PathBuf>);
    impl MessageVisitor for Names {
        fn visit<M: RosMessage>(&mut self) {
            self.0.extend(support::expected_files::<M>());
        }
    }
    let mut expected = Names(BTreeSet::new());
    visit_all_types(&mut expected);
    let mut found = BTreeSet::new();
    for package in std::fs::read_dir(golden_dir())? {
        let package = package?.path();
        // codegen_test_msgs belongs to the generator's own tests (src/codegen_samples.rs).
        if !package.is_dir() || package.ends_with("codegen_test_msgs") {
            continue;
        }
        for file in std::fs::read_dir(&package)? {
            let file = file?.path();
            found.insert(file.strip_prefix(golden_dir())?.to_path_buf());
        }
    }
    let stale: Vec<_> = found.difference(&expected.0).collect();
    let missing: Vec<_> = expected.0.difference(&found).collect();
    ensure!(
        stale.is_empty() && missing.is_empty(),
        "stale fixtures {stale:?}, missing fixtures {missing:?}"
    );
    Ok(())
}

#[test]
fn big_endian_samples_decode() -> anyhow::Result<()> {
    for_every_type(Check::BigEndian)?;
    Ok(())
}

#[test]
fn truncation_at_every_byte_is_an_error() -> anyhow::Result<()> {
    for_every_type(Check::Truncation)?;
    Ok(())
}

#[test]
fn corrupted_samples_never_panic() -> anyhow::Result<()> {
    for_every_type(Check::Corruption)?;
    Ok(())
}

#[test]
fn bad_headers_are_reported() {
    use embodied_msgs::std_msgs::msg::String as RosString;
    match from_cdr::<RosString>(&[0, 1]) {
        Err(CdrError::MissingHeader { type_name, len: 2 }) => {
            assert_eq!(type_name, "std_msgs/msg/String")
        }
        other => panic!("unexpected {other:?}"),
    }
    // XCDR2 little endian (00 07) is not plain CDR.
    let err = from_cdr::<RosString>(&[0, 7, 0, 0, 1, 0, 0, 0, 0]).unwrap_err();
    assert!(matches!(
        err,
        CdrError::UnsupportedRepresentation {
            representation: [0, 7],
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "std_msgs/msg/String: unsupported encapsulation [00, 07], expected plain CDR (00 00 or 00 01)"
    );
}

#[test]
fn huge_lengths_fail_without_allocating() {
    use embodied_msgs::msg::AudioChunk;
    use embodied_msgs::sensor_msgs::msg::LaserScan;
    // A string or sequence length of 4 GiB in a tiny sample.
    let mut bytes = vec![0, 1, 0, 0];
    bytes.extend([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    let err = from_cdr::<AudioChunk>(&bytes).unwrap_err();
    assert!(err.to_string().contains("embodied_msgs/msg/AudioChunk"));
    assert!(from_cdr::<LaserScan>(&bytes).is_err());
}

#[test]
fn invalid_utf8_and_bool_are_errors() {
    use embodied_msgs::std_msgs::msg::String as RosString;
    let bytes = [0, 1, 0, 0, 3, 0, 0, 0, 0xc3, 0x28, 0];
    let err = from_cdr::<RosString>(&bytes).unwrap_err();
    assert!(matches!(err, CdrError::Deserialize { .. }), "{err}");

    use embodied_msgs::sensor_msgs::msg::BatteryState;
    let fixture = load::<BatteryState>().unwrap();
    // `present` is the only bool; find it by flipping it in the value and diffing the bytes.
    let mut flipped = fixture.value.clone();
    flipped.present = !flipped.present;
    let other = to_cdr(&flipped).unwrap();
    let position = (0..other.len())
        .find(|&i| other[i] != fixture.bytes[i])
        .unwrap();
    let mut bytes = fixture.bytes.clone();
    bytes[position] = 2;
    let err = from_cdr::<BatteryState>(&bytes).unwrap_err();
    assert!(err.to_string().contains("sensor_msgs/msg/BatteryState"));
}

#[test]
fn trailing_padding_is_accepted() {
    use embodied_msgs::std_msgs::msg::String as RosString;
    // DDS writers pad samples to a multiple of 4 bytes.
    let bytes = [0, 1, 0, 0, 3, 0, 0, 0, b'h', b'i', 0, 0];
    assert_eq!(from_cdr::<RosString>(&bytes).unwrap().data, "hi");
}

/// Runs `generate.py --check` with the workspace venv (`python3 -m venv .venv &&
/// .venv/bin/pip install rosbags ros-jazzy-rosidl-adapter`): fixtures up to date, every file
/// accepted by rosidl_adapter, ros2_std equal to Jazzy.
#[test]
#[ignore = "needs the .venv with rosbags; CI runs it with --ignored"]
fn fixtures_are_current_and_std_types_match_jazzy() -> anyhow::Result<()> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("msgs has a parent directory")?;
    let python = workspace.join(".venv/bin/python");
    ensure!(
        python.exists(),
        "{} missing: python3 -m venv .venv && .venv/bin/pip install rosbags ros-jazzy-rosidl-adapter",
        python.display()
    );
    let output = std::process::Command::new(&python)
        .arg(golden_dir().join("generate.py"))
        .arg("--check")
        .output()?;
    ensure!(
        output.status.success(),
        "generate.py --check failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
