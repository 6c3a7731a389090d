//! `.goreleaser.yml` (what a release publishes for every platform) and `scripts/dist` (the same for
//! this machine, runnable without GoReleaser) must agree: file names, archive contents, checksums,
//! signature and manifest. GoReleaser cannot run here, so this test parses its configuration,
//! renders the name templates, and compares them with what `scripts/dist` wrote.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use support::terraform::PROVIDER_BINARY;

const PROJECT: &str = "terraform-provider-backup";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Python with PyYAML: the venv `scripts/setup-test-env` made (the AWS emulator depends on PyYAML).
fn python() -> PathBuf {
    let venv = std::env::var_os("BACKUP_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".tools/venv"));
    let python = venv.join("bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run the tests with scripts/test (it makes the venv and sets BACKUP_TEST_VENV)",
        python.display()
    );
    python
}

fn run_python(script: &str, args: &[&Path]) -> Value {
    let output = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("running python");
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("python printed JSON")
}

/// `.goreleaser.yml` as JSON.
fn goreleaser_config() -> Value {
    run_python(
        "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        &[&repo().join(".goreleaser.yml")],
    )
}

/// Each entry of a zip: name and Unix mode.
fn zip_entries(zip: &Path) -> Vec<(String, u32)> {
    let listing = run_python(
        "import json, sys, zipfile\n\
         z = zipfile.ZipFile(sys.argv[1])\n\
         print(json.dumps([[i.filename, i.external_attr >> 16] for i in z.infolist()]))",
        &[zip],
    );
    serde_json::from_value(listing).expect("zip listing")
}

/// Renders GoReleaser's `{{ .Field }}` templates for the fields the configuration uses.
fn render(template: &str, fields: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in fields {
        for spelling in [format!("{{{{ .{name} }}}}"), format!("{{{{.{name}}}}}")] {
            out = out.replace(&spelling, value);
        }
    }
    assert!(
        !out.contains("{{"),
        "template {template:?} uses a field this test does not render: {out}"
    );
    out
}

fn sha256(path: &Path) -> String {
    let output = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .expect("a checksum")
        .to_owned()
}

struct Packaged {
    _root: tempfile::TempDir,
    out: PathBuf,
    gnupg: PathBuf,
}

fn run_dist(version: &str) -> Packaged {
    let root = tempfile::tempdir().expect("temporary directory");
    let out = root.path().join("dist");
    let gnupg = root.path().join("gnupg");
    let output = Command::new(repo().join("scripts/dist"))
        .args(["--binary", PROVIDER_BINARY, "--version", version, "--out"])
        .arg(&out)
        .env("BACKUP_DIST_GNUPGHOME", &gnupg)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .expect("running scripts/dist");
    assert!(
        output.status.success(),
        "scripts/dist failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Packaged {
        _root: root,
        out,
        gnupg,
    }
}

fn host_platform() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    (os, arch)
}

#[test]
fn goreleaser_and_scripts_dist_make_the_same_files() {
    let version = "1.2.3";
    let (os, arch) = host_platform();
    let config = goreleaser_config();
    let packaged = run_dist(version);
    let fields = [
        ("ProjectName", PROJECT),
        ("Version", version),
        ("Os", os),
        ("Arch", arch),
    ];

    assert_eq!(config["version"], 2, "GoReleaser configuration version");
    assert_eq!(config["project_name"], PROJECT);
    assert_eq!(
        config["dist"], "target/dist",
        "GoReleaser's output directory"
    );
    let script = std::fs::read_to_string(repo().join("scripts/dist")).expect("scripts/dist");
    assert!(
        script.contains("out=\"$ROOT/target/dist\""),
        "scripts/dist's default --out must be GoReleaser's dist directory, target/dist"
    );

    // The build: the provider binary under the registry's name.
    let builds = config["builds"].as_array().expect("builds");
    assert_eq!(builds.len(), 1, "one build: the provider");
    let build = &builds[0];
    assert_eq!(build["builder"], "rust");
    let binary = render(build["binary"].as_str().expect("build binary"), &fields);
    assert_eq!(binary, format!("{PROJECT}_v{version}"));
    let flags: Vec<&str> = build["flags"]
        .as_array()
        .expect("build flags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for flag in [
        "--release",
        "--locked",
        &format!("--package={PROJECT}"),
        &format!("--bin={PROJECT}"),
    ] {
        assert!(flags.contains(&flag), "build flags {flags:?} lack {flag}");
    }
    let targets: Vec<&str> = build["targets"]
        .as_array()
        .expect("build targets")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        targets.contains(&"x86_64-unknown-linux-gnu"),
        "no linux/amd64 target in {targets:?}"
    );

    // The archive: a zip named like scripts/dist's, holding the same files.
    let archives = config["archives"].as_array().expect("archives");
    assert_eq!(archives.len(), 1, "one archive per platform");
    let archive = &archives[0];
    assert_eq!(archive["formats"], json!(["zip"]));
    let zip_name = format!(
        "{}.zip",
        render(
            archive["name_template"].as_str().expect("archive name"),
            &fields
        )
    );
    assert_eq!(zip_name, format!("{PROJECT}_{version}_{os}_{arch}.zip"));
    let zip = packaged.out.join(&zip_name);
    assert!(zip.is_file(), "scripts/dist did not write {zip_name}");
    let mut expected_entries: BTreeSet<String> = archive["files"]
        .as_array()
        .expect("archive files")
        .iter()
        .map(|f| f.as_str().expect("a plain file name").to_owned())
        .collect();
    expected_entries.insert(binary.clone());
    let entries = zip_entries(&zip);
    let names: BTreeSet<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names, expected_entries, "zip contents");
    let (_, mode) = entries.iter().find(|(n, _)| *n == binary).expect("binary");
    assert_eq!(
        mode & 0o111,
        0o111,
        "the binary must be executable in the zip"
    );

    // Checksums: the zip and the manifest, named by the template.
    let checksum = &config["checksum"];
    assert_eq!(checksum["algorithm"], "sha256");
    let sums_name = render(
        checksum["name_template"].as_str().expect("checksum name"),
        &fields,
    );
    assert_eq!(sums_name, format!("{PROJECT}_{version}_SHA256SUMS"));
    let extra = &checksum["extra_files"][0];
    assert_eq!(extra["glob"], "terraform-registry-manifest.json");
    let manifest_name = render(
        extra["name_template"].as_str().expect("manifest name"),
        &fields,
    );
    assert_eq!(manifest_name, format!("{PROJECT}_{version}_manifest.json"));
    assert_eq!(
        config["release"]["extra_files"][0], *extra,
        "the release uploads the manifest under the same name"
    );
    let sums = std::fs::read_to_string(packaged.out.join(&sums_name))
        .unwrap_or_else(|e| panic!("scripts/dist did not write {sums_name}: {e}"));
    let listed: Vec<(String, String)> = sums
        .lines()
        .map(|l| {
            let (hash, name) = l.split_once("  ").expect("`hash  name` lines");
            (name.to_owned(), hash.to_owned())
        })
        .collect();
    let mut expected_sums = vec![
        (zip_name.clone(), sha256(&zip)),
        (
            manifest_name.clone(),
            sha256(&packaged.out.join(&manifest_name)),
        ),
    ];
    expected_sums.sort();
    assert_eq!(listed, expected_sums, "SHA256SUMS");

    // The manifest: protocol 6.0, copied verbatim.
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(packaged.out.join(&manifest_name)).expect("manifest"),
    )
    .expect("manifest JSON");
    assert_eq!(
        manifest,
        json!({ "version": 1, "metadata": { "protocol_versions": ["6.0"] } })
    );
    let source: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("terraform-registry-manifest.json"))
            .expect("terraform-registry-manifest.json"),
    )
    .expect("terraform-registry-manifest.json is JSON");
    assert_eq!(manifest, source);

    // The signature: GoReleaser signs the checksum file into `${artifact}.sig`, with gpg.
    let signs = config["signs"].as_array().expect("signs");
    assert_eq!(signs.len(), 1);
    assert_eq!(signs[0]["artifacts"], "checksum");
    assert!(
        signs[0].get("signature").is_none(),
        "the default signature name is ${{artifact}}.sig; scripts/dist and the registry tests assume it"
    );
    let args: Vec<&str> = signs[0]["args"]
        .as_array()
        .expect("sign args")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        args.contains(&"--detach-sign") && args.contains(&"{{ .Env.GPG_FINGERPRINT }}"),
        "GoReleaser must make a detached signature with GPG_FINGERPRINT's key: {args:?}"
    );
    let sig_name = format!("{sums_name}.sig");
    assert_verifies(
        &packaged.out.join(&sig_name),
        &packaged.out.join(&sums_name),
        &packaged,
    );

    // Nothing else is a release file.
    let files: BTreeSet<String> = std::fs::read_dir(&packaged.out)
        .expect("dist directory")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let expected: BTreeSet<String> = [
        zip_name,
        sums_name,
        sig_name,
        manifest_name,
        "signing-key.asc".to_owned(),
    ]
    .into();
    assert_eq!(files, expected, "files scripts/dist wrote");
}

/// Verifies `signature` over `file` against the exported public key only (a fresh keyring).
fn assert_verifies(signature: &Path, file: &Path, packaged: &Packaged) {
    let keyring = tempfile::tempdir().expect("temporary directory");
    let gpg = |args: &[&str]| {
        Command::new("gpg")
            .args(["--batch", "--no-tty"])
            .args(args)
            .env("GNUPGHOME", keyring.path())
            .output()
            .expect("running gpg")
    };
    let import = gpg(&[
        "--import",
        &packaged.out.join("signing-key.asc").to_string_lossy(),
    ]);
    assert!(import.status.success(), "gpg --import failed");
    let verify = gpg(&[
        "--verify",
        &signature.to_string_lossy(),
        &file.to_string_lossy(),
    ]);
    assert!(
        verify.status.success(),
        "the signature does not verify:\n{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    for home in [keyring.path(), packaged.gnupg.as_path()] {
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", home)
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[test]
fn scripts_dist_rejects_a_malformed_version() {
    let output = Command::new(repo().join("scripts/dist"))
        .args(["--binary", PROVIDER_BINARY, "--version", "v1.2", "--out"])
        .arg(std::env::temp_dir().join("never-written"))
        .output()
        .expect("running scripts/dist");
    assert!(
        !output.status.success(),
        "scripts/dist accepted version v1.2"
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is not X.Y.Z"),
        "unexpected error: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
