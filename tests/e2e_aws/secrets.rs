//! Credentials never reach Terraform's log: with `TF_LOG=trace`, neither the secret key nor the
//! session token (the caller's own, from `AWS_SESSION_TOKEN`, or the one `assume_role` obtains)
//! appears, though the SDK signs every request with them and sends the token as a header.

use crate::config::{derived_child, providers, root_app, workdir};
use crate::support::aws_emulator::AwsEmulator;
use crate::support::terraform::Terraform;
use crate::{blocking, Names};

const SECRET_KEY: &str = "SecretAccessKeyNeverLogged0123456789";
const SESSION_TOKEN: &str = "SessionTokenNeverLoggedFwoGZXIvYXdzEJr";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_key_or_session_token_in_trace_logs() {
    let emulator = AwsEmulator::shared();
    let names = Names::new();
    let mut work = workdir(&Terraform::v1_15());
    work.env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("TF_LOG", "trace");
    let config = providers(&emulator.endpoint(), &emulator.endpoint())
        + &root_app(&names, 35)
        + &derived_child(&names);
    work.write_main_tf(&config);
    let outputs = blocking(|| {
        work.init();
        vec![work.apply(), work.plan(), work.destroy()]
    });
    for output in &outputs {
        let all = output.combined();
        assert!(output.success(), "{all}");
        assert!(all.contains("TRACE"), "no trace logs captured");
        assert!(
            all.contains("provider.terraform-provider-backup"),
            "no provider logs captured"
        );
        assert!(!all.contains(SECRET_KEY), "the secret key leaked");
        assert!(!all.contains(SESSION_TOKEN), "the session token leaked");
        // The assumed role's token is the emulator's; whatever it is, no request header carries
        // one into the log.
        for line in all
            .lines()
            .filter(|l| l.to_ascii_lowercase().contains("x-amz-security-token"))
        {
            let after = line.to_ascii_lowercase();
            let value = after.split("x-amz-security-token").nth(1).unwrap_or("");
            assert!(
                !value
                    .trim_start_matches([':', '"', ' ', '\\', '='])
                    .starts_with(|c: char| c.is_ascii_alphanumeric()),
                "a session token header was logged: {line}"
            );
        }
    }
}
