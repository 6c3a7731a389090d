//! The go-plugin handshake: magic cookie, protocol version negotiation, the
//! line printed on stdout, and the reattach string of debug mode.
//!
//! Terraform starts the provider with a few environment variables set and
//! waits for exactly one line on stdout telling it where to connect. Everything
//! here is pure (environment values are passed in) so it can be unit-tested.

use std::fmt;

use base64::Engine as _;

/// Environment variable Terraform sets to prove the binary was launched by it.
pub(crate) const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform puts in [`MAGIC_COOKIE_KEY`] (fixed for all providers).
pub(crate) const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin's own protocol version, the first field of the handshake line.
const CORE_PROTOCOL_VERSION: u32 = 1;
/// The Terraform plugin protocol major version this crate speaks.
pub(crate) const PLUGIN_PROTOCOL_VERSION: u32 = 6;

/// Why the handshake cannot go ahead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// The magic cookie is missing or wrong: a human ran the binary.
    #[error(
        "This binary is a Terraform provider plugin. It is started by Terraform \
         (for example `terraform init` and `terraform plan`), not run directly. \
         See the provider documentation for how to install and configure it."
    )]
    NotLaunchedByTerraform,
    /// Terraform offered only protocol versions we do not speak.
    #[error(
        "this provider speaks Terraform plugin protocol {PLUGIN_PROTOCOL_VERSION}, \
         but Terraform offered only version(s) {offered}; use Terraform v1.0 or later"
    )]
    UnsupportedProtocol {
        /// The `PLUGIN_PROTOCOL_VERSIONS` value Terraform sent.
        offered: String,
    },
}

/// Checks the magic cookie Terraform sets in the environment.
pub(crate) fn check_magic_cookie(value: Option<&str>) -> Result<(), HandshakeError> {
    match value {
        Some(MAGIC_COOKIE_VALUE) => Ok(()),
        _ => Err(HandshakeError::NotLaunchedByTerraform),
    }
}

/// Picks the plugin protocol version from `PLUGIN_PROTOCOL_VERSIONS`.
///
/// The value is a comma-separated list. Entries that are not numbers are
/// skipped, as go-plugin does. When the variable is absent or empty we assume
/// our own version, again like go-plugin (every Terraform that speaks
/// protocol 6 sets it).
pub(crate) fn negotiate_protocol_version(offered: Option<&str>) -> Result<u32, HandshakeError> {
    let Some(offered) = offered.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(PLUGIN_PROTOCOL_VERSION);
    };
    let supported = offered
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == PLUGIN_PROTOCOL_VERSION);
    if supported {
        Ok(PLUGIN_PROTOCOL_VERSION)
    } else {
        Err(HandshakeError::UnsupportedProtocol {
            offered: offered.to_owned(),
        })
    }
}

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListenAddr {
    /// A unix domain socket at this path.
    Unix(String),
    /// A TCP `host:port` address (only on platforms without unix sockets).
    Tcp(String),
}

impl ListenAddr {
    /// The Go `net.Addr.Network()` name.
    pub(crate) fn network(&self) -> &'static str {
        match self {
            Self::Unix(_) => "unix",
            Self::Tcp(_) => "tcp",
        }
    }

    /// The Go `net.Addr.String()` form.
    pub(crate) fn address(&self) -> &str {
        match self {
            Self::Unix(a) | Self::Tcp(a) => a,
        }
    }
}

/// The single line printed on stdout that tells Terraform how to connect:
/// `CORE|PROTOCOL|NETWORK|ADDRESS|grpc|SERVER_CERT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HandshakeLine {
    /// Negotiated plugin protocol version.
    pub(crate) protocol_version: u32,
    /// Where we listen.
    pub(crate) addr: ListenAddr,
    /// DER of our AutoMTLS certificate, when Terraform asked for mTLS.
    pub(crate) server_cert_der: Option<Vec<u8>>,
    /// `Some` when Terraform set `PLUGIN_MULTIPLEX_GRPC`: a seventh field
    /// saying whether we support broker multiplexing (we do not).
    pub(crate) multiplex_supported: Option<bool>,
}

impl fmt::Display for HandshakeLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The certificate travels as unpadded standard base64 of the DER (the
        // line cannot hold PEM newlines); go-plugin leaves the field empty,
        // but present, without AutoMTLS.
        let cert = self
            .server_cert_der
            .as_deref()
            .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
            .unwrap_or_default();
        write!(
            f,
            "{CORE_PROTOCOL_VERSION}|{}|{}|{}|grpc|{cert}",
            self.protocol_version,
            self.addr.network(),
            self.addr.address(),
        )?;
        if let Some(mux) = self.multiplex_supported {
            write!(f, "|{mux}")?;
        }
        Ok(())
    }
}

/// The `TF_REATTACH_PROVIDERS` JSON for debug mode, in the shape
/// terraform-plugin-go prints (Go field names, one entry per provider).
pub(crate) fn reattach_json(provider_address: &str, addr: &ListenAddr, pid: u32) -> String {
    let config = serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": PLUGIN_PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": addr.network(), "String": addr.address() },
        }
    });
    config.to_string()
}

/// Human instructions printed in debug mode, ready to paste into a shell.
pub(crate) fn debug_instructions(reattach_json: &str) -> String {
    let var = "TF_REATTACH_PROVIDERS";
    if cfg!(windows) {
        format!(
            "Provider started. To attach Terraform CLI, set the {var} environment variable:\n\n\
             \tCommand Prompt:\tset \"{var}={reattach_json}\"\n\
             \tPowerShell:\t$env:{var}='{}'\n",
            reattach_json.replace('\'', "''")
        )
    } else {
        format!(
            "Provider started. To attach Terraform CLI, set the {var} environment variable:\n\n\
             \t{var}='{}'\n",
            reattach_json.replace('\'', r#"'"'"'"#)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_must_match_exactly() {
        assert_eq!(check_magic_cookie(Some(MAGIC_COOKIE_VALUE)), Ok(()));
        for bad in [None, Some(""), Some("d602bf8f"), Some(" d602")] {
            assert_eq!(
                check_magic_cookie(bad),
                Err(HandshakeError::NotLaunchedByTerraform)
            );
        }
    }

    #[test]
    fn cookie_message_is_a_plain_sentence() {
        let msg = HandshakeError::NotLaunchedByTerraform.to_string();
        assert!(msg.starts_with("This binary is a Terraform provider plugin."));
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn negotiates_version_six() {
        // `None`: the offer is refused.
        let cases: &[(Option<&str>, Option<u32>)] = &[
            (Some("6"), Some(6)),
            (Some("5,6"), Some(6)),
            (Some("6,5"), Some(6)),
            (Some(" 5 , 6 "), Some(6)),
            (Some("x,6"), Some(6)),
            (None, Some(6)),
            (Some(""), Some(6)),
            (Some("5"), None),
            (Some("4,5"), None),
            (Some("7"), None),
            (Some("garbage"), None),
        ];
        for (offered, want) in cases {
            let got = negotiate_protocol_version(*offered).ok();
            assert_eq!(&got, want, "offered {offered:?}");
        }
    }

    #[test]
    fn unsupported_version_error_names_the_offer() {
        let err = negotiate_protocol_version(Some("4,5")).unwrap_err();
        assert!(err.to_string().contains("offered only version(s) 4,5"));
    }

    #[test]
    fn formats_line_without_tls() {
        let line = HandshakeLine {
            protocol_version: 6,
            addr: ListenAddr::Unix("/tmp/plugin123/plugin.sock".into()),
            server_cert_der: None,
            multiplex_supported: None,
        };
        assert_eq!(
            line.to_string(),
            "1|6|unix|/tmp/plugin123/plugin.sock|grpc|"
        );
    }

    #[test]
    fn formats_line_with_cert_and_mux_flag() {
        let line = HandshakeLine {
            protocol_version: 6,
            addr: ListenAddr::Tcp("127.0.0.1:10000".into()),
            // 4 bytes -> "AQID/w==" padded; unpadded must drop the "=="
            server_cert_der: Some(vec![1, 2, 3, 255]),
            multiplex_supported: Some(false),
        };
        assert_eq!(
            line.to_string(),
            "1|6|tcp|127.0.0.1:10000|grpc|AQID/w|false"
        );
    }

    #[test]
    fn reattach_json_matches_terraform_plugin_go() {
        let json = reattach_json(
            "registry.terraform.io/appofapps/backup",
            &ListenAddr::Unix("/tmp/x/plugin.sock".into()),
            42,
        );
        assert_eq!(
            json,
            r#"{"registry.terraform.io/appofapps/backup":{"Protocol":"grpc","ProtocolVersion":6,"Pid":42,"Test":true,"Addr":{"Network":"unix","String":"/tmp/x/plugin.sock"}}}"#
        );
    }

    #[cfg(unix)]
    #[test]
    fn debug_instructions_quote_for_posix_shells() {
        let text = debug_instructions(r#"{"a":"it's"}"#);
        assert!(text.contains(r#"TF_REATTACH_PROVIDERS='{"a":"it'"'"'s"}'"#));
    }
}
