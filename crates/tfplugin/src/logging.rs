//! Provider logging in the format Terraform understands.
//!
//! Terraform reads the provider's stderr and folds JSON lines in go-hclog's
//! shape into its own log (`TF_LOG`, `TF_LOG_PATH`). [`init`] installs a
//! `tracing` subscriber that writes exactly that, so provider code logs with
//! the ordinary macros:
//!
//! ```
//! tfplugin::logging::init();
//! tracing::debug!(vault = "main", retries = 3, "creating Backup Vault");
//! ```
//!
//! which, with `TF_LOG=debug`, prints (on one line)
//! `{"@level":"debug","@message":"creating Backup Vault","@module":"provider",
//! "@timestamp":"2026-11-23T10:00:00.000000Z","vault":"main","retries":3}`.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`; logging is off when
//! neither is set. Nothing is ever written to stdout, which belongs to the
//! plugin handshake.
//!
//! Secrets never reach the log, at any level: code that learns a secret
//! (credentials, tokens, SAS signatures) registers it with [`redact`], and
//! every string in every line is scrubbed of registered secrets before it is
//! written. The provider caps its cloud SDKs' wire-level tracing (request
//! headers, signing input) with [`quiet_targets`] besides, so a secret nobody
//! registered is not printed either.

use std::fmt;
use std::io::Write as _;
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::filter::{FilterFn, LevelFilter};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

/// The `@module` of every line; Terraform shows it as the logger name.
const MODULE: &str = "provider";

/// Crates whose debug/trace output is wire-level noise (HTTP/2 frames, TLS
/// records); they are capped at INFO whatever the configured level.
const NOISY_TARGETS: &[&str] = &[
    "h2",
    "hyper",
    "hyper_util",
    "tower",
    "tonic",
    "rustls",
    "tokio_rustls",
    "mio",
];

/// Installs the stderr JSON logger at the level Terraform asked for.
///
/// Safe to call more than once and never panics: if logging is off or a
/// global subscriber already exists, it does nothing.
pub fn init() {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    if level == LevelFilter::OFF {
        return;
    }
    let subscriber =
        tracing_subscriber::registry().with(HclogLayer::stderr().with_filter(filter(level)));
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The effective level: `TF_LOG_PROVIDER` wins over `TF_LOG`; unset or
/// empty means off.
fn level_from_env(provider: Option<&str>, global: Option<&str>) -> LevelFilter {
    let chosen = [provider, global]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|v| !v.is_empty());
    chosen.map_or(LevelFilter::OFF, parse_level)
}

/// Parses a Terraform log level. `JSON` means trace (Terraform's JSON log
/// mode), and, as in Terraform, an unknown value falls back to trace.
fn parse_level(value: &str) -> LevelFilter {
    match value.to_ascii_uppercase().as_str() {
        "OFF" => LevelFilter::OFF,
        "ERROR" => LevelFilter::ERROR,
        "WARN" => LevelFilter::WARN,
        "INFO" => LevelFilter::INFO,
        "DEBUG" => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// `level` for our own code, at most INFO for [`NOISY_TARGETS`].
fn filter(level: LevelFilter) -> FilterFn<impl Fn(&Metadata<'_>) -> bool> {
    tracing_subscriber::filter::filter_fn(move |meta| {
        let cap = if is_noisy(meta.target()) {
            level.min(LevelFilter::INFO)
        } else {
            level
        };
        cap >= *meta.level()
    })
    .with_max_level_hint(level)
}

/// Crates the provider adds to [`NOISY_TARGETS`] (see [`quiet_targets`]).
static QUIET_TARGETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Caps these crates (log targets, by crate name) at INFO like the wire-level
/// crates. A provider names the SDKs whose trace output dumps whole requests
/// (headers such as `x-amz-security-token` or `Authorization`) or whose
/// request signing logs its canonical request at debug. May be called before
/// or after [`init`].
pub fn quiet_targets(crates: &[&str]) {
    let mut quiet = QUIET_TARGETS.write().unwrap_or_else(|e| e.into_inner());
    quiet.extend(crates.iter().map(|c| (*c).to_owned()));
}

fn is_noisy(target: &str) -> bool {
    let krate = target.split("::").next().unwrap_or(target);
    NOISY_TARGETS.contains(&krate)
        || QUIET_TARGETS
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|quiet| quiet == krate)
}

/// What a scrubbed secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not registered: scrubbing a two-letter
/// "secret" would mangle every line without protecting anything.
const MIN_SECRET_LEN: usize = 6;

/// The secrets every log line is scrubbed of, longest first (so a secret
/// that contains another is replaced whole).
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers a secret: from now on it never appears in a log line; each
/// occurrence (also inside longer strings, such as a header dump or a URL) is
/// replaced by [`REDACTED`]. Registering the same secret twice is harmless.
pub fn redact(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_owned());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// `text` with every registered secret replaced; `None` when it holds none.
pub fn scrub(text: &str) -> Option<String> {
    let secrets = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    let mut out: Option<String> = None;
    for secret in secrets.iter() {
        let current = out.as_deref().unwrap_or(text);
        if current.contains(secret.as_str()) {
            out = Some(current.replace(secret.as_str(), REDACTED));
        }
    }
    out
}

/// Scrubs every string inside a JSON value in place.
fn scrub_json(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(clean) = scrub(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub_json),
        Value::Object(map) => map.values_mut().for_each(scrub_json),
        _ => {}
    }
}

type Sink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// A `tracing` layer printing one go-hclog JSON object per event.
struct HclogLayer {
    sink: Sink,
}

impl HclogLayer {
    fn stderr() -> Self {
        Self {
            sink: Arc::new(|line| {
                // One write per line keeps concurrent lines from interleaving.
                let _ = std::io::stderr().lock().write_all(line);
            }),
        }
    }
}

/// Fields recorded on a span, kept in its extensions for later events.
struct SpanFields(Map<String, Value>);

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = JsonFields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(existing)) = extensions.get_mut::<SpanFields>() {
            let mut fields = JsonFields::default();
            values.record(&mut fields);
            existing.extend(fields.fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        line.insert(
            "@level".into(),
            level_name(*event.metadata().level()).into(),
        );
        line.insert("@message".into(), Value::Null);
        line.insert("@module".into(), MODULE.into());
        line.insert(
            "@timestamp".into(),
            timestamp(time::OffsetDateTime::now_utc()).into(),
        );
        // Outer spans first, so inner spans and the event itself win.
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>() {
                    line.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        let mut fields = JsonFields::default();
        event.record(&mut fields);
        let message = fields.message.take().unwrap_or_default();
        line.extend(fields.fields);
        line.insert("@message".into(), message.into());
        let mut line = Value::Object(line);
        scrub_json(&mut line);

        let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
        bytes.push(b'\n');
        (self.sink)(&bytes);
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// hclog's timestamp layout, in UTC: `2026-11-23T10:00:00.000000Z`.
fn timestamp(t: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Collects `tracing` fields as JSON values; `message` is kept apart.
#[derive(Default)]
struct JsonFields {
    message: Option<String>,
    fields: Map<String, Value>,
}

impl JsonFields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for JsonFields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(
            field,
            serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number),
        );
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.into());
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, value.to_string().into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, format!("{value:?}").into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn level_precedence_and_parsing() {
        let cases = [
            (None, None, LevelFilter::OFF),
            (None, Some(""), LevelFilter::OFF),
            (None, Some("debug"), LevelFilter::DEBUG),
            (Some("WARN"), Some("TRACE"), LevelFilter::WARN),
            (Some(""), Some("info"), LevelFilter::INFO),
            (Some("off"), Some("TRACE"), LevelFilter::OFF),
            (None, Some("JSON"), LevelFilter::TRACE),
            (None, Some("Error"), LevelFilter::ERROR),
            (None, Some("bogus"), LevelFilter::TRACE),
        ];
        for (provider, global, want) in cases {
            assert_eq!(
                level_from_env(provider, global),
                want,
                "{provider:?} {global:?}"
            );
        }
    }

    #[test]
    fn formats_timestamps_like_hclog() {
        let t = time::Date::from_calendar_date(2026, time::Month::November, 23)
            .and_then(|d| d.with_hms_micro(10, 0, 0, 123))
            .unwrap()
            .assume_utc();
        assert_eq!(timestamp(t), "2026-11-23T10:00:00.000123Z");
    }

    fn capture(level: LevelFilter, body: impl FnOnce()) -> Vec<Map<String, Value>> {
        let lines = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = lines.clone();
        let layer = HclogLayer {
            sink: Arc::new(move |b| sink.lock().unwrap().extend_from_slice(b)),
        };
        let subscriber = tracing_subscriber::registry().with(layer.with_filter(filter(level)));
        tracing::subscriber::with_default(subscriber, body);
        let text = String::from_utf8(lines.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn writes_hclog_json_with_fields_and_span_context() {
        let lines = capture(LevelFilter::DEBUG, || {
            let span = tracing::info_span!("rpc", rpc = "PlanResourceChange", attempt = 1);
            let _guard = span.enter();
            tracing::debug!(
                vault = "main",
                attempt = 2,
                ok = true,
                "creating Backup Vault"
            );
            tracing::trace!("hidden at debug");
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["@level"], "debug");
        assert_eq!(line["@message"], "creating Backup Vault");
        assert_eq!(line["@module"], "provider");
        assert_eq!(line["vault"], "main");
        assert_eq!(line["rpc"], "PlanResourceChange");
        assert_eq!(line["attempt"], 2, "event fields override span fields");
        assert_eq!(line["ok"], true);
        let ts = line["@timestamp"].as_str().unwrap();
        assert!(ts.ends_with('Z') && ts.len() == "2026-11-23T10:00:00.000000Z".len());
        let keys: Vec<_> = line.keys().take(4).collect();
        assert_eq!(keys, ["@level", "@message", "@module", "@timestamp"]);
    }

    #[test]
    fn registered_secrets_are_scrubbed_from_messages_fields_and_spans() {
        redact("AQoDYXdzEJr-session-token-test");
        redact("short");
        let lines = capture(LevelFilter::TRACE, || {
            let span = tracing::info_span!(
                "call",
                url = "https://x/?sig=AQoDYXdzEJr-session-token-test"
            );
            let _guard = span.enter();
            tracing::trace!(
                header = "x-amz-security-token: AQoDYXdzEJr-session-token-test",
                "sending AQoDYXdzEJr-session-token-test now, short stays"
            );
        });
        let text = serde_json::to_string(&lines).unwrap();
        assert!(!text.contains("AQoDYXdzEJr-session-token-test"), "{text}");
        let line = &lines[0];
        assert_eq!(line["@message"], "sending <redacted> now, short stays");
        assert_eq!(line["header"], "x-amz-security-token: <redacted>");
        assert_eq!(line["url"], "https://x/?sig=<redacted>");
    }

    #[test]
    fn a_secret_containing_another_is_replaced_whole() {
        redact("inner-secret-value");
        redact("outer-inner-secret-value-longer");
        assert_eq!(
            scrub("a outer-inner-secret-value-longer b inner-secret-value").as_deref(),
            Some("a <redacted> b <redacted>")
        );
        assert_eq!(scrub("nothing secret here"), None);
    }

    #[test]
    fn quiet_targets_are_capped_at_info() {
        quiet_targets(&["some_sdk", "its_signer"]);
        let lines = capture(LevelFilter::TRACE, || {
            tracing::trace!(target: "some_sdk::client::orchestrator", "transmitting request");
            tracing::debug!(target: "its_signer::sign", "canonical request");
            tracing::info!(target: "some_sdk::meta", "loaded");
            tracing::debug!(target: "some_sdk_other", "another crate");
        });
        let messages: Vec<_> = lines
            .iter()
            .map(|l| l["@message"].as_str().unwrap())
            .collect();
        assert_eq!(messages, ["loaded", "another crate"]);
    }

    #[test]
    fn caps_wire_level_crates_at_info() {
        let lines = capture(LevelFilter::TRACE, || {
            tracing::debug!(target: "h2::codec", "frame");
            tracing::info!(target: "hyper::proto", "connection");
            tracing::trace!(target: "terraform_provider_backup::cloud", "request");
        });
        let messages: Vec<_> = lines
            .iter()
            .map(|l| l["@message"].as_str().unwrap())
            .collect();
        assert_eq!(messages, ["connection", "request"]);
    }
}
