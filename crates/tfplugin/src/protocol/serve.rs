//! Running the provider as a go-plugin gRPC server, the way Terraform
//! expects to launch it.

use std::fmt;
use std::io::{self, Write as _};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tonic::transport::Server;

use super::go_plugin::{Broker, Controller, Stdio};
use super::handshake::{self, HandshakeError, HandshakeLine, ListenAddr};
use super::listener::{ListenEnv, Listener};
use super::proto::tfplugin6::provider_server::{Provider, ProviderServer};
use super::tls;

use super::listener::ListenError;
use super::tls::TlsError;

/// Largest gRPC message we accept or send. Terraform sends whole states and
/// schemas in one message; terraform-plugin-go uses the same 256 MiB limit.
const MAX_MESSAGE_SIZE: usize = 256 << 20;

/// After shutdown is requested, how long in-flight calls get before we stop
/// anyway. Terraform waits about two seconds before killing the process.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// The gRPC health service name go-plugin clients check.
const HEALTH_SERVICE: &str = "plugin";

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The provider's registry address, e.g.
    /// `registry.terraform.io/appofapps/backup`; used in debug mode output.
    pub provider_address: String,
    /// Debug mode (`--debug`): no magic cookie needed, print the
    /// `TF_REATTACH_PROVIDERS` value for the user and serve until Ctrl-C, so
    /// the provider can run under a debugger while Terraform attaches to it.
    pub debug: bool,
}

impl ServeOptions {
    /// Normal (non-debug) options for the provider at `provider_address`.
    pub fn new(provider_address: impl Into<String>) -> Self {
        Self {
            provider_address: provider_address.into(),
            debug: false,
        }
    }
}

/// Why the server could not start or stopped with an error.
///
/// `Debug` prints the same text as `Display`, so returning this from `main`
/// shows the user a readable message (and exits with status 1).
#[derive(thiserror::Error)]
pub enum ServeError {
    /// Not launched by Terraform, or by one that speaks another protocol.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// Setting up AutoMTLS failed.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// Could not listen.
    #[error(transparent)]
    Listen(#[from] ListenError),
    /// Writing the handshake line to stdout failed.
    #[error("writing the plugin handshake to stdout: {0}")]
    Stdout(io::Error),
    /// Installing the signal handlers failed.
    #[error("installing signal handlers: {0}")]
    Signals(io::Error),
    /// The gRPC server failed.
    #[error("plugin gRPC server: {0}")]
    Transport(#[from] tonic::transport::Error),
}

impl fmt::Debug for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Serves `provider` to Terraform over go-plugin's protocol until Terraform
/// asks us to stop (or, in debug mode, until Ctrl-C).
///
/// Checks the magic cookie, negotiates protocol 6, listens on a private unix
/// socket, sets up AutoMTLS when Terraform asks for it, prints the handshake
/// line on stdout (nothing else may be printed to stdout before it), and
/// serves the provider plus go-plugin's health, controller, stdio and broker
/// services. Returns once the server has stopped and the socket directory is
/// removed; the caller should then return from `main` promptly.
///
/// When the binary is run by hand, this returns
/// [`HandshakeError::NotLaunchedByTerraform`], whose message tells the user
/// to run Terraform instead; print it to stderr and exit with status 1.
pub async fn serve<P: Provider>(provider: P, options: ServeOptions) -> Result<(), ServeError> {
    let env = PluginEnv::from_process();
    let protocol_version = if options.debug {
        handshake::PLUGIN_PROTOCOL_VERSION
    } else {
        handshake::check_magic_cookie(env.magic_cookie.as_deref())?;
        handshake::negotiate_protocol_version(env.protocol_versions.as_deref())?
    };

    // Terraform always asks for AutoMTLS; debug mode attaches without it.
    let mut server_cert_der = None;
    let mut tls_acceptor = None;
    if let (false, Some(pem)) = (options.debug, env.client_cert.as_deref()) {
        tracing::debug!("configuring AutoMTLS");
        let client_certs = tls::parse_client_certs(pem)?;
        let identity = tls::generate_server_identity()?;
        let config = tls::server_config(&identity, client_certs)?;
        server_cert_der = Some(identity.cert_der.to_vec());
        tls_acceptor = Some(tokio_rustls::TlsAcceptor::from(config));
    }

    let mut listener = Listener::bind(&env.listen)?;
    let socket_dir = listener.take_dir();
    let addr = listener.addr().clone();
    tracing::debug!(
        network = addr.network(),
        address = addr.address(),
        "plugin address"
    );

    let shutdown = CancellationToken::new();
    // Before announcing ourselves: from then on Terraform's Ctrl-C reaches us.
    watch_signals(options.debug, shutdown.clone())?;
    if !options.debug {
        watch_parent(shutdown.clone());
    }

    if options.debug {
        let json = handshake::reattach_json(&options.provider_address, &addr, std::process::id());
        print_stdout(&handshake::debug_instructions(&json))?;
    } else {
        let line = HandshakeLine {
            protocol_version,
            addr: addr.clone(),
            server_cert_der,
            multiplex_supported: env.multiplex_grpc.then_some(false),
        };
        print_stdout(&format!("{line}\n"))?;
    }

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status(HEALTH_SERVICE, tonic_health::ServingStatus::Serving)
        .await;
    let provider = ProviderServer::new(provider)
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);

    let incoming = listener.incoming(tls_acceptor, shutdown.clone());
    let server = Server::builder()
        .add_service(health_service)
        .add_service(Controller::server(shutdown.clone()))
        .add_service(Stdio::server(shutdown.clone()))
        .add_service(Broker::server(shutdown.clone()))
        .add_service(provider)
        .serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());

    let result = tokio::select! {
        result = server => result,
        () = async {
            shutdown.cancelled().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::debug!("connections still open after the shutdown grace period; stopping anyway");
            Ok(())
        }
    };
    tracing::debug!("plugin server stopped");
    cleanup(socket_dir, &addr);
    Ok(result?)
}

/// Initialises [logging](crate::logging), runs [`serve`] on a fresh Tokio
/// runtime and returns the process exit code: 0 after a normal shutdown, 1
/// after printing the error to stderr.
///
/// Meant for `main`: `std::process::exit(tfplugin::protocol::run(service, options))`.
pub fn run<P: Provider>(provider: P, options: ServeOptions) -> i32 {
    crate::logging::init();
    // One thread: Terraform keeps about ten RPCs in flight on one HTTP/2 connection, and
    // handing each between worker threads cost more CPU (futex wake-ups, context switches)
    // than serving them (the profile is in docs/testing.md, "Benchmarks").
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("starting the Tokio runtime: {err}");
            return 1;
        }
    };
    let result = runtime.block_on(serve(provider, options));
    // Do not wait for stray blocking tasks: Terraform expects a prompt exit.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("{err}");
            1
        }
    }
}

/// The go-plugin environment variables, read once.
struct PluginEnv {
    magic_cookie: Option<String>,
    protocol_versions: Option<String>,
    client_cert: Option<String>,
    multiplex_grpc: bool,
    listen: ListenEnv,
}

impl PluginEnv {
    fn from_process() -> Self {
        let var = |k| std::env::var(k).ok().filter(|v: &String| !v.is_empty());
        Self {
            magic_cookie: var(handshake::MAGIC_COOKIE_KEY),
            protocol_versions: var("PLUGIN_PROTOCOL_VERSIONS"),
            client_cert: var("PLUGIN_CLIENT_CERT"),
            multiplex_grpc: var("PLUGIN_MULTIPLEX_GRPC").is_some(),
            listen: ListenEnv::from_process(),
        }
    }
}

fn print_stdout(text: &str) -> Result<(), ServeError> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(ServeError::Stdout)
}

/// Signal handling, as go-plugin does it: under Terraform, Ctrl-C goes to
/// the whole process group and Terraform itself decides how to stop us
/// (StopProvider, then Shutdown), so SIGINT is ignored. SIGTERM stops the
/// server gracefully. In debug mode Ctrl-C is how the user stops us.
fn watch_signals(debug: bool, shutdown: CancellationToken) -> Result<(), ServeError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt()).map_err(ServeError::Signals)?;
        let mut terminate = signal(SignalKind::terminate()).map_err(ServeError::Signals)?;
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(()) = interrupt.recv() => {
                        if debug {
                            break;
                        }
                        tracing::trace!("ignoring interrupt; Terraform stops the plugin itself");
                    }
                    Some(()) = terminate.recv() => break,
                    else => return,
                }
            }
            shutdown.cancel();
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if debug {
                shutdown.cancel();
                return;
            }
            tracing::trace!("ignoring interrupt; Terraform stops the plugin itself");
        }
    });
    Ok(())
}

/// Removes the socket directory, logging (not failing) if that is impossible.
fn cleanup(socket_dir: Option<tempfile::TempDir>, addr: &ListenAddr) {
    if let Some(dir) = socket_dir {
        if let Err(err) = dir.close() {
            tracing::warn!(error = %err, address = addr.address(), "removing the plugin socket directory");
        }
    }
}

/// How often the provider checks that Terraform is still running.
const PARENT_CHECK_INTERVAL: Duration = Duration::from_millis(500);

/// Stops the server when the process that launched us goes away.
///
/// Terraform normally calls Shutdown, but a Terraform that crashes or is killed
/// never does; without this the provider would live on, orphaned, holding its
/// socket and any pipes it inherited.
fn watch_parent(shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(PARENT_CHECK_INTERVAL) => {}
                }
                if std::os::unix::process::parent_id() != parent {
                    tracing::warn!("Terraform (the parent process) is gone; shutting down");
                    shutdown.cancel();
                    return;
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = shutdown;
}
