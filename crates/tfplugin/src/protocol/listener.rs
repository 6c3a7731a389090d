//! The listening socket and the stream of accepted (optionally TLS)
//! connections handed to tonic.
//!
//! Like go-plugin we listen on a unix socket (in a fresh private directory,
//! removed on exit) and fall back to TCP on 127.0.0.1 where unix sockets do
//! not exist.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use super::handshake::ListenAddr;

/// How long a client gets to finish the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The environment variables that shape where we listen (see go-plugin).
#[derive(Debug, Clone, Default)]
pub(crate) struct ListenEnv {
    /// `PLUGIN_UNIX_SOCKET_DIR`: parent directory for the socket directory.
    pub(crate) socket_dir: Option<String>,
    /// `PLUGIN_UNIX_SOCKET_GROUP`: group name or id that may use the socket.
    pub(crate) socket_group: Option<String>,
    /// `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT`: TCP port range (TCP only).
    pub(crate) min_port: Option<String>,
    /// See `min_port`.
    pub(crate) max_port: Option<String>,
}

impl ListenEnv {
    /// Reads the variables from the process environment; empty means unset.
    pub(crate) fn from_process() -> Self {
        let var = |k| std::env::var(k).ok().filter(|v| !v.is_empty());
        Self {
            socket_dir: var("PLUGIN_UNIX_SOCKET_DIR"),
            socket_group: var("PLUGIN_UNIX_SOCKET_GROUP"),
            min_port: var("PLUGIN_MIN_PORT"),
            max_port: var("PLUGIN_MAX_PORT"),
        }
    }
}

/// Why `PLUGIN_UNIX_SOCKET_GROUP` could not be applied to the socket.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// The group is a name, and /etc/group could not be read.
    #[error("/etc/group: {0}")]
    GroupDatabase(#[source] io::Error),
    /// The group is a name /etc/group does not list.
    #[error("no such group in /etc/group")]
    UnknownGroup,
    /// Changing the group or mode of the socket or its directory failed.
    #[error("{}: {source}", path.display())]
    Permissions {
        /// The socket or its directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Why we could not start listening.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// Creating the private socket directory failed.
    #[error("creating the plugin socket directory in {dir}: {source}")]
    SocketDir {
        /// The parent directory.
        dir: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// Binding the socket failed.
    #[error("listening on {addr}: {source}")]
    Bind {
        /// Socket path or TCP address.
        addr: String,
        /// The OS error.
        source: io::Error,
    },
    /// `PLUGIN_UNIX_SOCKET_GROUP` could not be applied.
    #[error("giving group {group:?} access to the plugin socket: {source}")]
    Group {
        /// The requested group.
        group: String,
        /// What went wrong.
        source: GroupError,
    },
    /// A port variable is not a valid port number.
    #[error("{var} must be a port number, got {value:?}")]
    Port {
        /// The variable name.
        var: &'static str,
        /// Its value.
        value: String,
    },
    /// `PLUGIN_MIN_PORT` is above `PLUGIN_MAX_PORT`.
    #[error("PLUGIN_MIN_PORT ({min}) is greater than PLUGIN_MAX_PORT ({max})")]
    PortRange {
        /// Lower bound.
        min: u16,
        /// Upper bound.
        max: u16,
    },
    /// No port in the allowed range was free.
    #[error("no free TCP port on 127.0.0.1 between {min} and {max}")]
    NoFreePort {
        /// Lower bound.
        min: u16,
        /// Upper bound.
        max: u16,
    },
}

/// A bound listener. Dropping it closes the socket and removes its directory.
pub(crate) struct Listener {
    socket: Socket,
    addr: ListenAddr,
    /// The private socket directory; removed when dropped.
    dir: Option<tempfile::TempDir>,
}

enum Socket {
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
    Tcp(tokio::net::TcpListener),
}

impl Listener {
    /// Binds a unix socket where possible, else (no unix sockets on this
    /// OS, or the socket cannot be created) TCP on loopback.
    pub(crate) fn bind(env: &ListenEnv) -> Result<Self, ListenError> {
        #[cfg(unix)]
        {
            let unix_err = match Self::bind_unix(env) {
                Ok(listener) => return Ok(listener),
                Err(err) => err,
            };
            tracing::warn!(error = %unix_err, "no unix socket; falling back to TCP on 127.0.0.1");
            Self::bind_tcp(env).map_err(|tcp_err| {
                tracing::warn!(error = %tcp_err, "TCP fallback failed too");
                unix_err
            })
        }
        #[cfg(not(unix))]
        Self::bind_tcp(env)
    }

    /// Takes the socket directory guard, so the caller decides when the
    /// directory is removed (the listener itself moves into a task).
    pub(crate) fn take_dir(&mut self) -> Option<tempfile::TempDir> {
        self.dir.take()
    }

    /// The address for the handshake line.
    pub(crate) fn addr(&self) -> &ListenAddr {
        &self.addr
    }

    #[cfg(unix)]
    fn bind_unix(env: &ListenEnv) -> Result<Self, ListenError> {
        let parent = env
            .socket_dir
            .as_ref()
            .map_or_else(std::env::temp_dir, PathBuf::from);
        use std::os::unix::fs::PermissionsExt as _;
        // Private to us unless PLUGIN_UNIX_SOCKET_GROUP widens it below.
        let dir = tempfile::Builder::new()
            .prefix("tfplugin")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir_in(&parent)
            .map_err(|source| ListenError::SocketDir {
                dir: parent.clone(),
                source,
            })?;
        let path = dir.path().join("plugin.sock");
        let socket = tokio::net::UnixListener::bind(&path).map_err(|source| ListenError::Bind {
            addr: path.display().to_string(),
            source,
        })?;
        if let Some(group) = &env.socket_group {
            unix_group::share(dir.path(), &path, group).map_err(|source| ListenError::Group {
                group: group.clone(),
                source,
            })?;
        }
        Ok(Self {
            socket: Socket::Unix(socket),
            addr: ListenAddr::Unix(path.display().to_string()),
            dir: Some(dir),
        })
    }

    /// Binds the first free port of `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` on
    /// 127.0.0.1 (unset bounds mean 0, i.e. any port the OS picks).
    pub(crate) fn bind_tcp(env: &ListenEnv) -> Result<Self, ListenError> {
        let min = parse_port("PLUGIN_MIN_PORT", env.min_port.as_deref())?;
        let max = parse_port("PLUGIN_MAX_PORT", env.max_port.as_deref())?;
        if min > max {
            return Err(ListenError::PortRange { min, max });
        }
        for port in min..=max {
            let Ok(std_listener) = std::net::TcpListener::bind(("127.0.0.1", port)) else {
                continue;
            };
            let local = std_listener.local_addr();
            let tokio_listener = std_listener
                .set_nonblocking(true)
                .and_then(|()| tokio::net::TcpListener::from_std(std_listener));
            let (socket, local) = match (tokio_listener, local) {
                (Ok(s), Ok(l)) => (s, l),
                (Err(source), _) | (_, Err(source)) => {
                    return Err(ListenError::Bind {
                        addr: format!("127.0.0.1:{port}"),
                        source,
                    })
                }
            };
            return Ok(Self {
                socket: Socket::Tcp(socket),
                addr: ListenAddr::Tcp(local.to_string()),
                dir: None,
            });
        }
        Err(ListenError::NoFreePort { min, max })
    }

    async fn accept(&self) -> io::Result<Conn> {
        match &self.socket {
            #[cfg(unix)]
            Socket::Unix(l) => Ok(Conn::new(l.accept().await?.0)),
            Socket::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                let _ = stream.set_nodelay(true);
                Ok(Conn::new(stream))
            }
        }
    }

    /// Accepts connections until `shutdown`, completing TLS handshakes (when
    /// `tls` is set) off the accept path, and yields the ready connections.
    ///
    /// The returned stream ends once the accept loop has stopped; the
    /// listener (and its socket directory) is dropped at that point.
    pub(crate) fn incoming(
        self,
        tls: Option<tokio_rustls::TlsAcceptor>,
        shutdown: CancellationToken,
    ) -> ReceiverStream<io::Result<Conn>> {
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(async move {
            loop {
                let conn = tokio::select! {
                    () = shutdown.cancelled() => break,
                    conn = self.accept() => conn,
                };
                let conn = match conn {
                    Ok(conn) => conn,
                    Err(err) => {
                        // Usually fd exhaustion; back off instead of spinning.
                        tracing::warn!(error = %err, "accepting a plugin connection failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Some(acceptor) = tls.clone() else {
                    if tx.send(Ok(conn)).await.is_err() {
                        break;
                    }
                    continue;
                };
                let tx = tx.clone();
                tokio::spawn(async move {
                    let accepted =
                        tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(conn)).await;
                    match accepted {
                        Ok(Ok(tls)) => {
                            let _ = tx.send(Ok(Conn::new(tls))).await;
                        }
                        Ok(Err(err)) => {
                            tracing::warn!(error = %err, "TLS handshake with Terraform failed");
                        }
                        Err(_) => tracing::warn!("TLS handshake with Terraform timed out"),
                    }
                });
            }
        });
        ReceiverStream::new(rx)
    }
}

fn parse_port(var: &'static str, value: Option<&str>) -> Result<u16, ListenError> {
    value.map_or(Ok(0), |v| {
        v.trim().parse().map_err(|_| ListenError::Port {
            var,
            value: v.to_owned(),
        })
    })
}

/// Any byte stream we serve gRPC on: plain socket or TLS over it.
pub(crate) trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// One accepted connection, type-erased so unix, TCP and TLS streams share
/// one type for tonic.
pub(crate) struct Conn(Box<dyn Io>);

impl Conn {
    fn new(io: impl Io) -> Self {
        Self(Box::new(io))
    }
}

impl tonic::transport::server::Connected for Conn {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

/// `PLUGIN_UNIX_SOCKET_GROUP`: let a group (name or numeric id) use the
/// socket, as go-plugin does (group owner + mode 0660 on the socket; the
/// directory also needs group search permission to be reachable).
#[cfg(unix)]
mod unix_group {
    use std::os::unix::fs::PermissionsExt as _;
    use std::path::Path;

    use super::GroupError;

    /// Gives `group` access to the socket and to the directory that holds it.
    pub(super) fn share(dir: &Path, socket: &Path, group: &str) -> Result<(), GroupError> {
        let gid = resolve(group)?;
        let set = |path: &Path, mode: u32| {
            std::os::unix::fs::chown(path, None, Some(gid))
                .and_then(|()| {
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                })
                .map_err(|source| GroupError::Permissions {
                    path: path.to_path_buf(),
                    source,
                })
        };
        set(dir, 0o750)?;
        set(socket, 0o660)
    }

    /// A numeric id, or a name looked up in /etc/group.
    fn resolve(group: &str) -> Result<u32, GroupError> {
        if let Ok(gid) = group.parse() {
            return Ok(gid);
        }
        let db = std::fs::read_to_string("/etc/group").map_err(GroupError::GroupDatabase)?;
        lookup(&db, group).ok_or(GroupError::UnknownGroup)
    }

    /// Finds `name` in /etc/group content (`name:password:gid:members`).
    pub(super) fn lookup(db: &str, name: &str) -> Option<u32> {
        db.lines().find_map(|line| {
            let mut fields = line.split(':');
            (fields.next()? == name)
                .then(|| fields.nth(1)?.parse().ok())
                .flatten()
        })
    }
}

/// The directory holding the unix socket, if any (for tests).
#[cfg(test)]
fn socket_dir(listener: &Listener) -> Option<&std::path::Path> {
    listener.dir.as_ref().map(tempfile::TempDir::path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ports() {
        assert_eq!(parse_port("PLUGIN_MIN_PORT", None).unwrap(), 0);
        assert_eq!(parse_port("PLUGIN_MIN_PORT", Some("10000")).unwrap(), 10000);
        for bad in ["-1", "70000", "ten", ""] {
            assert!(matches!(
                parse_port("PLUGIN_MAX_PORT", Some(bad)),
                Err(ListenError::Port {
                    var: "PLUGIN_MAX_PORT",
                    ..
                })
            ));
        }
    }

    #[tokio::test]
    async fn tcp_binds_loopback_in_range_or_reports_inverted_range() {
        let env = ListenEnv {
            min_port: Some("0".into()),
            max_port: Some("0".into()),
            ..ListenEnv::default()
        };
        let listener = Listener::bind_tcp(&env).unwrap();
        assert!(matches!(listener.addr(), ListenAddr::Tcp(a) if a.starts_with("127.0.0.1:")));

        let env = ListenEnv {
            min_port: Some("20".into()),
            max_port: Some("10".into()),
            ..ListenEnv::default()
        };
        assert!(matches!(
            Listener::bind_tcp(&env),
            Err(ListenError::PortRange { min: 20, max: 10 })
        ));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn unix_socket_lives_in_a_private_dir_removed_on_drop() {
        let parent = tempfile::tempdir().unwrap();
        let env = ListenEnv {
            socket_dir: Some(parent.path().display().to_string()),
            ..ListenEnv::default()
        };
        let listener = Listener::bind(&env).unwrap();
        let dir = socket_dir(&listener).unwrap().to_path_buf();
        assert!(dir.starts_with(parent.path()));
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let ListenAddr::Unix(path) = listener.addr().clone() else {
            panic!("expected a unix socket");
        };
        assert!(std::path::Path::new(&path).exists());
        drop(listener);
        assert!(!dir.exists());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn falls_back_to_tcp_when_no_unix_socket_can_be_made() {
        let env = ListenEnv {
            socket_dir: Some("/nonexistent/tfplugin-test".into()),
            ..ListenEnv::default()
        };
        let listener = Listener::bind(&env).unwrap();
        assert_eq!(listener.addr().network(), "tcp");
        assert!(socket_dir(&listener).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn looks_up_groups() {
        let db = "root:x:0:\nwheel:x:10:alice,bob\nbroken:x\n";
        assert_eq!(unix_group::lookup(db, "wheel"), Some(10));
        assert_eq!(unix_group::lookup(db, "root"), Some(0));
        assert_eq!(unix_group::lookup(db, "broken"), None);
        assert_eq!(unix_group::lookup(db, "nobody"), None);
    }
}
