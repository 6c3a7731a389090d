//! Installing the provider the way users do: real Terraform (1.15.5 and 1.0.3) runs `terraform init`
//! against a provider registry (a local HTTPS server speaking the registry protocol) or a
//! `filesystem_mirror`, both holding the files `scripts/dist` packaged; checks the GPG signature of
//! SHA256SUMS, writes `.terraform.lock.hcl`, and applies the multi-level example. A registry serving a
//! wrong signature must make `init` fail.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use support::registry::{Dist, Faults, Registry};
use support::state::state_addresses;
use support::terraform::{Terraform, PROVIDER_BINARY};
use support::workdir::Workdir;

/// The example every install applies: pure policy, so it needs no cloud.
const EXAMPLE: &str = include_str!("../examples/multi-level/main.tf");

/// The provider packaged once per test run by `scripts/dist` (the binary cargo built for the tests).
fn dist() -> &'static Dist {
    static DIST: OnceLock<(tempfile::TempDir, Dist)> = OnceLock::new();
    &DIST
        .get_or_init(|| {
            let root = tempfile::tempdir().expect("temporary directory");
            let out = root.path().join("dist");
            let output = Command::new(repo().join("scripts/dist"))
                .arg("--binary")
                .arg(PROVIDER_BINARY)
                .arg("--out")
                .arg(&out)
                .env("BACKUP_DIST_GNUPGHOME", root.path().join("gnupg"))
                .env_remove("GPG_FINGERPRINT")
                .output()
                .expect("running scripts/dist");
            assert!(
                output.status.success(),
                "scripts/dist failed:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            let dist = Dist::open(&out);
            (root, dist)
        })
        .1
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example, requiring the provider from `source` at the packaged version.
fn example_from(source: &str) -> String {
    let from = "source = \"appofapps/backup\"";
    assert!(
        EXAMPLE.contains(from),
        "examples/multi-level/main.tf no longer says {from}"
    );
    EXAMPLE.replace(
        from,
        &format!(
            "source = \"{source}\"\n      version = \"{}\"",
            dist().version
        ),
    )
}

/// A working directory whose Terraform trusts `registry`'s CA.
fn workdir_for(tf: &Terraform, registry: &Registry) -> Workdir {
    let mut workdir = Workdir::new(tf);
    workdir
        .env("SSL_CERT_FILE", &registry.ca_file().to_string_lossy())
        .env("NO_PROXY", "localhost,127.0.0.1")
        .env("no_proxy", "localhost,127.0.0.1");
    workdir
}

fn lock_file(workdir: &Workdir) -> String {
    let path = workdir.path().join(".terraform.lock.hcl");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()))
}

/// The `h1:` hash Terraform records: the directory hash of the unpacked zip. We check only its form.
fn assert_lock_pins(lock: &str, source: &str, dist: &Dist, expect_zh: bool) {
    assert!(
        lock.contains(&format!("provider \"{source}\"")),
        "the lock file does not pin {source}:\n{lock}"
    );
    assert!(
        lock.contains(&format!("version     = \"{}\"", dist.version)),
        "the lock file does not record version {}:\n{lock}",
        dist.version
    );
    assert!(
        lock.contains("\"h1:"),
        "no h1: hash in the lock file:\n{lock}"
    );
    if expect_zh {
        let zh = format!("\"zh:{}\"", dist.zip_sha256());
        assert!(
            lock.contains(&zh),
            "the lock file lacks {zh} (the SHA256SUMS entry):\n{lock}"
        );
    }
}

fn apply_and_check(workdir: &Workdir) {
    workdir.apply();
    let state = workdir.state_json();
    let addresses = state_addresses(&state);
    for address in [
        "backup_app.root",
        "backup_app.prod",
        "backup_child.payments_prod",
    ] {
        assert!(
            addresses.iter().any(|a| a == address),
            "{address} missing from the state: {addresses:?}"
        );
    }
    workdir.assert_plan_clean();
}

fn installs_from_registry(tf: &Terraform) {
    let dist = dist();
    let registry = Registry::start(dist.clone(), Faults::default());
    let workdir = workdir_for(tf, &registry);
    workdir.write_main_tf(&example_from(&registry.source()));

    let init = workdir.run(&["init", "-input=false", "-no-color"]);
    assert!(
        init.success(),
        "init failed; registry saw {:#?}\n{init}",
        registry.requests()
    );
    let out = init.combined();
    assert!(
        out.contains(&format!(
            "Installed {} v{}",
            registry.source(),
            dist.version
        )),
        "init did not report the install:\n{init}"
    );
    // Terraform says how the package was authenticated: "(self-signed, key ID …)" for a key the
    // registry vouched for without a HashiCorp trust signature.
    assert!(
        out.contains("signed, key ID"),
        "init did not report a verified signature:\n{init}"
    );
    let requests = registry.requests();
    for file in [
        dist.zip_name(),
        dist.sums_name(),
        format!("{}.sig", dist.sums_name()),
    ] {
        assert!(
            requests
                .iter()
                .any(|r| r.contains(&format!("/files/{file} -> 200"))),
            "Terraform never fetched {file}: {requests:#?}"
        );
    }
    assert_lock_pins(&lock_file(&workdir), &registry.source(), dist, true);
    apply_and_check(&workdir);
}

fn rejects_a_wrong_signature(tf: &Terraform) {
    let dist = dist();
    let registry = Registry::start(
        dist.clone(),
        Faults {
            signature: Some(signature_of_tampered_sums(dist)),
        },
    );
    let workdir = workdir_for(tf, &registry);
    workdir.write_main_tf(&example_from(&registry.source()));

    let init = workdir
        .run(&["init", "-input=false", "-no-color"])
        .assert_failure();
    assert!(
        // Terraform wraps its messages: compare with the line breaks taken out.
        init.combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("error checking signature"),
        "init failed, but not because of the signature:\n{init}"
    );
    assert!(
        !workdir.path().join(".terraform.lock.hcl").exists(),
        "init wrote a lock file for a package it could not verify"
    );
}

/// A real signature by the same key, over SHA256SUMS with one checksum changed: exactly what an
/// attacker who swapped the zip would need, and must not get past Terraform. Made once: tests run
/// in parallel and share the keyring.
fn signature_of_tampered_sums(dist: &Dist) -> Vec<u8> {
    static SIGNATURE: OnceLock<Vec<u8>> = OnceLock::new();
    SIGNATURE.get_or_init(|| sign_tampered_sums(dist)).clone()
}

fn sign_tampered_sums(dist: &Dist) -> Vec<u8> {
    let gnupg = dist.dir.parent().expect("dist has a parent").join("gnupg");
    let tmp = tempfile::tempdir().expect("temporary directory");
    let sums = std::fs::read_to_string(dist.dir.join(dist.sums_name())).expect("SHA256SUMS");
    let first = sums.chars().next().expect("SHA256SUMS is empty");
    let flipped = if first == '0' { '1' } else { '0' };
    let tampered = tmp.path().join("SHA256SUMS");
    std::fs::write(&tampered, format!("{flipped}{}", &sums[1..])).expect("write tampered sums");
    let signature = tmp.path().join("SHA256SUMS.sig");
    let status = Command::new("gpg")
        .args([
            "--batch",
            "--yes",
            "--no-tty",
            "--local-user",
            &dist.key_id(),
        ])
        .arg("--output")
        .arg(&signature)
        .arg("--detach-sign")
        .arg(&tampered)
        .env("GNUPGHOME", &gnupg)
        .status()
        .expect("running gpg");
    assert!(status.success(), "gpg could not sign the tampered sums");
    // The agent gpg started for this keyring is ours to stop.
    let _ = Command::new("gpgconf")
        .args(["--kill", "gpg-agent"])
        .env("GNUPGHOME", &gnupg)
        .stderr(std::process::Stdio::null())
        .status();
    std::fs::read(&signature).expect("the tampered signature")
}

fn installs_from_filesystem_mirror(tf: &Terraform) {
    let dist = dist();
    // The packed layout: HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip.
    let mirror = tempfile::tempdir().expect("temporary directory");
    let host = "localhost";
    let source = format!("{host}/appofapps/backup");
    let dir = mirror.path().join(&source);
    std::fs::create_dir_all(&dir).expect("mirror directory");
    std::fs::copy(dist.dir.join(dist.zip_name()), dir.join(dist.zip_name()))
        .expect("copy the zip into the mirror");

    let mut workdir = Workdir::new(tf);
    workdir.filesystem_mirror(mirror.path(), &[&source]);
    workdir.write_main_tf(&example_from(&source));
    let init = workdir.run_ok(&["init", "-input=false", "-no-color"]);
    assert!(
        init.combined()
            .contains(&format!("Installed {source} v{}", dist.version)),
        "init did not report the install:\n{init}"
    );
    assert_lock_pins(&lock_file(&workdir), &source, dist, false);
    assert_unpacked(&workdir, &source, dist);
    apply_and_check(&workdir);
}

/// The zip was unpacked where Terraform looks, with the binary under its release name.
fn assert_unpacked(workdir: &Workdir, source: &str, dist: &Dist) {
    let dir = workdir
        .path()
        .join(".terraform/providers")
        .join(source)
        .join(&dist.version)
        .join(format!("{}_{}", dist.os, dist.arch));
    let binary = dir.join(format!("terraform-provider-backup_v{}", dist.version));
    assert!(binary.is_file(), "{} is missing", binary.display());
}

#[test]
fn registry_install_terraform_1_15() {
    installs_from_registry(&Terraform::v1_15());
}

#[test]
fn registry_install_terraform_1_0() {
    installs_from_registry(&Terraform::v1_0());
}

#[test]
fn registry_wrong_signature_fails_init_terraform_1_15() {
    rejects_a_wrong_signature(&Terraform::v1_15());
}

#[test]
fn registry_wrong_signature_fails_init_terraform_1_0() {
    rejects_a_wrong_signature(&Terraform::v1_0());
}

#[test]
fn filesystem_mirror_install_terraform_1_15() {
    installs_from_filesystem_mirror(&Terraform::v1_15());
}

#[test]
fn filesystem_mirror_install_terraform_1_0() {
    installs_from_filesystem_mirror(&Terraform::v1_0());
}
