//! go-plugin AutoMTLS: both sides make a throwaway self-signed certificate and
//! trust exactly the other side's one.
//!
//! Terraform passes its certificate in `PLUGIN_CLIENT_CERT` (PEM); we answer
//! with ours (DER, in the handshake line). Terraform's certificate is a
//! self-signed CA certificate with a P-521 key, which the usual webpki path
//! validation refuses as a client certificate (CA used as end entity), so we
//! pin its exact bytes instead and only check the handshake signatures.
//!
//! Crypto backends: *ring* does everything that needs randomness (our key,
//! TLS key exchange and ciphers) because it seeds straight from the OS, while
//! aws-lc's first random draw runs a CPU-jitter entropy test of ~40 ms that
//! would delay the handshake line. aws-lc-rs is used only to verify the peer's
//! signatures, since *ring* cannot verify ECDSA P-521.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{aws_lc_rs, ring as ring_provider, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, ServerConfig};
use rustls::{Error as RustlsError, SignatureScheme};

/// How far back our certificate's validity starts, to tolerate clock skew
/// between the moment we sign and the moment Terraform checks (go-plugin: 30 s).
const NOT_BEFORE_SKEW: time::Duration = time::Duration::seconds(30);
/// How long our certificate is valid. It lives only as long as this process,
/// so it only has to outlast the longest Terraform run.
const VALIDITY: time::Duration = time::Duration::days(30);

/// A failure while setting up AutoMTLS.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// `PLUGIN_CLIENT_CERT` is set but holds no usable PEM certificate.
    #[error("PLUGIN_CLIENT_CERT does not contain a PEM certificate")]
    ClientCertPem,
    /// Generating our own certificate failed.
    #[error("generating the AutoMTLS server certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// The system random number generator failed.
    #[error("generating the AutoMTLS server key: no randomness from the OS")]
    Random,
    /// rustls refused the configuration.
    #[error("building the TLS server configuration: {0}")]
    Config(#[from] RustlsError),
}

/// Our throwaway certificate and its private key.
pub(crate) struct ServerIdentity {
    /// DER of the certificate; goes into the handshake line.
    pub(crate) cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

/// Generates our certificate the way go-plugin does (SAN `localhost`, CA,
/// server + client auth), but with a P-256 key: about a millisecond, where
/// P-521 would delay the handshake line noticeably.
pub(crate) fn generate_server_identity() -> Result<ServerIdentity, TlsError> {
    use rcgen::{BasicConstraints, DnType, ExtendedKeyUsagePurpose as Eku, IsCa};
    use rcgen::{KeyUsagePurpose as Ku, SerialNumber};

    let key = P256Key::generate()?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()])?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        Ku::DigitalSignature,
        Ku::KeyEncipherment,
        Ku::KeyAgreement,
        Ku::KeyCertSign,
    ];
    params.extended_key_usages = vec![Eku::ClientAuth, Eku::ServerAuth];
    params.serial_number = Some(SerialNumber::from_slice(&random_serial(&key.rng)?));
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - NOT_BEFORE_SKEW;
    params.not_after = now + VALIDITY;

    let cert = params.self_signed(&key)?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key_der: PrivatePkcs8KeyDer::from(key.pkcs8),
    })
}

/// A positive 128-bit serial number, as go-plugin uses.
fn random_serial(rng: &ring::rand::SystemRandom) -> Result<[u8; 16], TlsError> {
    use ring::rand::SecureRandom as _;
    let mut serial = [0u8; 16];
    rng.fill(&mut serial).map_err(|_| TlsError::Random)?;
    serial[0] &= 0x7f;
    Ok(serial)
}

/// Our ECDSA P-256 key, held by *ring*; signs the certificate for rcgen.
struct P256Key {
    pair: ring::signature::EcdsaKeyPair,
    pkcs8: Vec<u8>,
    rng: ring::rand::SystemRandom,
}

impl P256Key {
    fn generate() -> Result<Self, TlsError> {
        use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING as ALG};
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ALG, &rng).map_err(|_| TlsError::Random)?;
        let pair = EcdsaKeyPair::from_pkcs8(&ALG, pkcs8.as_ref(), &rng)
            .map_err(|e| rcgen::Error::RingKeyRejected(e.to_string()))?;
        Ok(Self {
            pair,
            pkcs8: pkcs8.as_ref().to_vec(),
            rng,
        })
    }
}

impl rcgen::PublicKeyData for P256Key {
    fn der_bytes(&self) -> &[u8] {
        use ring::signature::KeyPair as _;
        self.pair.public_key().as_ref()
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

impl rcgen::SigningKey for P256Key {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        self.pair
            .sign(&self.rng, msg)
            .map(|sig| sig.as_ref().to_vec())
            .map_err(|_| rcgen::Error::RingUnspecified)
    }
}

/// *ring* for everything except verifying the peer's signatures (see the
/// module docs for why).
fn crypto_provider() -> CryptoProvider {
    CryptoProvider {
        signature_verification_algorithms: aws_lc_rs::default_provider()
            .signature_verification_algorithms,
        ..ring_provider::default_provider()
    }
}

/// Extracts the certificate(s) from the `PLUGIN_CLIENT_CERT` PEM.
pub(crate) fn parse_client_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|_| TlsError::ClientCertPem)?;
    if certs.is_empty() {
        return Err(TlsError::ClientCertPem);
    }
    Ok(certs)
}

/// The rustls server configuration for AutoMTLS: TLS 1.2+, ALPN `h2` (gRPC
/// clients insist on it), and a mandatory client certificate equal to one of
/// `client_certs`.
pub(crate) fn server_config(
    identity: &ServerIdentity,
    client_certs: Vec<CertificateDer<'static>>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = Arc::new(crypto_provider());
    let verifier = Arc::new(PinnedClientCert::new(client_certs, &provider));
    let key = PrivateKeyDer::Pkcs8(identity.key_der.clone_key());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![identity.cert_der.clone()], key)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts exactly the certificates Terraform handed us, byte for byte.
///
/// Validity dates are not checked: the certificate came from our parent
/// process a moment ago, and pinning its bytes is a stronger check than any
/// path validation.
#[derive(Debug)]
pub(crate) struct PinnedClientCert {
    pinned: Vec<CertificateDer<'static>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    pub(crate) fn new(pinned: Vec<CertificateDer<'static>>, provider: &CryptoProvider) -> Self {
        Self {
            pinned,
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: Go's client then offers its one certificate regardless
        // of issuer.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, RustlsError> {
        if self
            .pinned
            .iter()
            .any(|c| c.as_ref() == end_entity.as_ref())
        {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(RustlsError::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, RustlsError> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, RustlsError> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::ServerName;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// A Terraform-like client certificate: self-signed CA, P-521 key.
    fn go_plugin_like_client_cert() -> (CertificateDer<'static>, PrivateKeyDer<'static>, String) {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        let pem = cert.pem();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (cert.der().clone(), key, pem)
    }

    /// Client side of the pin: trust exactly the server's certificate.
    #[derive(Debug)]
    struct PinnedServer(CertificateDer<'static>, WebPkiSupportedAlgorithms);

    impl ServerCertVerifier for PinnedServer {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, RustlsError> {
            assert_eq!(end_entity.as_ref(), self.0.as_ref());
            Ok(ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            m: &[u8],
            c: &CertificateDer<'_>,
            d: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, RustlsError> {
            rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
        }
        fn verify_tls13_signature(
            &self,
            m: &[u8],
            c: &CertificateDer<'_>,
            d: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, RustlsError> {
            rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.1.supported_schemes()
        }
    }

    /// Runs one TLS handshake in memory; returns whether it succeeded.
    async fn handshake(
        server: Arc<ServerConfig>,
        server_cert: CertificateDer<'static>,
        client_cert: CertificateDer<'static>,
        client_key: PrivateKeyDer<'static>,
        version: &'static rustls::SupportedProtocolVersion,
    ) -> bool {
        let provider = Arc::new(aws_lc_rs::default_provider());
        let algs = provider.signature_verification_algorithms;
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[version])
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedServer(server_cert, algs)))
            .with_client_auth_cert(vec![client_cert], client_key)
            .unwrap();
        let (a, b) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(server);
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
        let server_side = tokio::spawn(async move {
            let mut s = acceptor.accept(a).await.ok()?;
            let mut buf = [0u8; 4];
            s.read_exact(&mut buf).await.ok()?;
            s.write_all(b"pong").await.ok()?;
            s.flush().await.ok()?;
            Some(buf)
        });
        let name = ServerName::try_from("localhost").unwrap();
        if let Ok(mut c) = connector.connect(name, b).await {
            // Keep the connection until the server has answered: in TLS 1.3
            // the client finishes its handshake before the server has
            // checked the client certificate.
            let mut buf = [0u8; 4];
            let _ = c.write_all(b"ping").await;
            let _ = c.flush().await;
            let _ = c.read_exact(&mut buf).await;
        }
        matches!(server_side.await, Ok(Some(buf)) if &buf == b"ping")
    }

    #[test]
    fn parses_pem_and_rejects_garbage() {
        let (der, _, pem) = go_plugin_like_client_cert();
        assert_eq!(parse_client_certs(&pem).unwrap(), vec![der]);
        assert!(matches!(
            parse_client_certs("not a cert"),
            Err(TlsError::ClientCertPem)
        ));
        assert!(parse_client_certs("").is_err());
    }

    #[tokio::test]
    async fn accepts_the_pinned_p521_client_cert_over_tls13_and_tls12() {
        let identity = generate_server_identity().unwrap();
        let (der, key, pem) = go_plugin_like_client_cert();
        let config = server_config(&identity, parse_client_certs(&pem).unwrap()).unwrap();
        for version in [&rustls::version::TLS13, &rustls::version::TLS12] {
            let ok = handshake(
                config.clone(),
                identity.cert_der.clone(),
                der.clone(),
                key.clone_key(),
                version,
            )
            .await;
            assert!(ok, "handshake failed for {version:?}");
        }
    }

    #[tokio::test]
    async fn rejects_any_other_client_cert() {
        let identity = generate_server_identity().unwrap();
        let (_, _, pinned_pem) = go_plugin_like_client_cert();
        let (other_der, other_key, _) = go_plugin_like_client_cert();
        let config = server_config(&identity, parse_client_certs(&pinned_pem).unwrap()).unwrap();
        let ok = handshake(
            config,
            identity.cert_der.clone(),
            other_der,
            other_key,
            &rustls::version::TLS13,
        )
        .await;
        assert!(!ok);
    }
}
