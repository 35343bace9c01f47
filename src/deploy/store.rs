//! A deploy target as an object store (the `object_store` crate), with the
//! credentials each cloud's own tools use, retries with backoff, and a
//! count of the requests sent.
//!
//! Credentials never come from digest.yaml:
//! - `s3://`: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and
//!   `AWS_SESSION_TOKEN`), else the profile `AWS_PROFILE` (or `default`)
//!   of `~/.aws/credentials` (`AWS_SHARED_CREDENTIALS_FILE`), else web
//!   identity, container or instance credentials; the region from the
//!   target, `AWS_REGION`/`AWS_DEFAULT_REGION`, or `~/.aws/config`;
//! - `gs://`: `GOOGLE_APPLICATION_CREDENTIALS` or `GOOGLE_SERVICE_ACCOUNT`,
//!   else gcloud's application default credentials, else the metadata
//!   server;
//! - `az://`: `AZURE_STORAGE_ACCOUNT_NAME` with `AZURE_STORAGE_ACCOUNT_KEY`,
//!   a SAS token, a service principal (`AZURE_CLIENT_ID`…), or a managed
//!   identity;
//! - `file://`: the folder's permissions.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpService, ReqwestConnector,
};
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};

use crate::config::DeployTarget;
use crate::error::Diagnostic;

/// An opened target: the store, rooted at the target's prefix.
#[derive(Debug, Clone)]
pub struct Store {
    pub inner: Arc<dyn ObjectStore>,
    /// Folders keep no headers: content types come from file names there.
    pub keeps_headers: bool,
    /// A folder lists its files' names escaped as object_store escapes
    /// keys (an Arabic name percent-encoded); other stores list keys as
    /// they were written.
    lists_escaped: bool,
    counters: Arc<Counters>,
}

/// Requests sent to a store.
#[derive(Debug, Default)]
pub struct Counters {
    requests: AtomicU64,
    bytes: AtomicU64,
}

/// How much a deploy talked to its store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// HTTP requests, retries included (for a folder: files written and
    /// deleted, and listings).
    pub requests: u64,
    /// Bytes of request bodies.
    pub bytes_sent: u64,
}

impl Store {
    /// The key of a listed object, spelt as [`super::plan::store_key`]
    /// spells the site's keys.
    pub fn key_of(&self, location: &StorePath) -> String {
        if self.lists_escaped {
            percent_encoding::percent_decode_str(location.as_ref())
                .decode_utf8_lossy()
                .into_owned()
        } else {
            location.as_ref().to_string()
        }
    }

    pub fn traffic(&self) -> Traffic {
        Traffic {
            requests: self.counters.requests.load(Ordering::Relaxed),
            bytes_sent: self.counters.bytes.load(Ordering::Relaxed),
        }
    }

    /// Counts an operation on a store that is not reached over HTTP.
    pub fn count_local(&self, bytes: u64) {
        if !self.keeps_headers {
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            self.counters.bytes.fetch_add(bytes, Ordering::Relaxed);
        }
    }
}

/// How long to keep trying a request that failed for a reason that may
/// pass (a connection lost, a 5xx, a 429): about two minutes of backoff.
fn retry() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(15),
            base: 2.0,
        },
        max_retries: 8,
        retry_timeout: Duration::from_secs(120),
    }
}

fn client_options() -> ClientOptions {
    ClientOptions::new()
        .with_timeout(Duration::from_secs(60))
        .with_connect_timeout(Duration::from_secs(10))
}

/// Opens `target`'s store.
pub fn open(target: &DeployTarget) -> Result<Store, Diagnostic> {
    install_crypto();
    let counters = Arc::new(Counters::default());
    let connector = Counting(counters.clone());
    let url = &target.url;
    let bucket = url.host_str().unwrap_or_default().to_string();
    let prefix = decoded_path(url);
    let fail = |err: object_store::Error| describe(target, &err);
    let (inner, keeps_headers): (Arc<dyn ObjectStore>, bool) = match url.scheme() {
        "s3" => {
            let mut builder = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(&bucket)
                .with_retry(retry())
                .with_client_options(client_options())
                .with_http_connector(connector);
            if let Some(endpoint) = &target.endpoint {
                builder = builder
                    .with_endpoint(endpoint)
                    .with_allow_http(endpoint.starts_with("http://"));
            }
            builder = aws_files::apply(builder, target.region.is_some());
            if let Some(region) = &target.region {
                builder = builder.with_region(region);
            }
            (Arc::new(builder.build().map_err(fail)?), true)
        }
        "gs" => {
            let builder = object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&bucket)
                .with_retry(retry())
                .with_client_options(client_options())
                .with_http_connector(connector);
            (Arc::new(builder.build().map_err(fail)?), true)
        }
        "az" => {
            let mut builder = object_store::azure::MicrosoftAzureBuilder::from_env()
                .with_container_name(&bucket)
                .with_retry(retry())
                .with_client_options(client_options())
                .with_http_connector(connector);
            if let Some(endpoint) = &target.endpoint {
                builder = builder
                    .with_endpoint(endpoint.clone())
                    .with_allow_http(endpoint.starts_with("http://"));
            }
            (Arc::new(builder.build().map_err(fail)?), true)
        }
        _ => {
            let folder: PathBuf = url.to_file_path().unwrap_or_default();
            let local = object_store::local::LocalFileSystem::new_with_prefix(&folder)
                .map_err(|_| {
                    Diagnostic::error(
                        None,
                        format!(
                            "deploy target `{}` ({url}): the folder {} does not exist",
                            target.name,
                            folder.display()
                        ),
                    )
                    .with_help("create it, or correct `url:` in digest.yaml")
                })?
                .with_automatic_cleanup(true);
            return Ok(Store {
                inner: Arc::new(local),
                keeps_headers: false,
                lists_escaped: true,
                counters,
            });
        }
    };
    let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
        inner
    } else {
        Arc::new(PrefixStore::new(inner, StorePath::from(prefix.as_str())))
    };
    Ok(Store {
        inner,
        keeps_headers,
        lists_escaped: false,
        counters,
    })
}

/// The target URL's path, decoded, without its slashes at either end.
fn decoded_path(url: &url::Url) -> String {
    let path = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy();
    path.trim_matches('/').to_string()
}

/// reqwest is built without a bundled crypto provider (so that aws-lc,
/// a large C build, stays out); rustls then needs one installed.
fn install_crypto() {
    // Fails only if one is installed already, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Counts requests and the bytes they send, then hands them to reqwest.
#[derive(Debug)]
struct Counting(Arc<Counters>);

impl HttpConnector for Counting {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let inner = ReqwestConnector::default().connect(options)?;
        Ok(HttpClient::new(CountingService {
            inner,
            counters: self.0.clone(),
        }))
    }
}

#[derive(Debug)]
struct CountingService {
    inner: HttpClient,
    counters: Arc<Counters>,
}

#[async_trait::async_trait]
impl HttpService for CountingService {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        self.counters
            .bytes
            .fetch_add(req.body().content_length() as u64, Ordering::Relaxed);
        self.inner.execute(req).await
    }
}

/// A store's error as a sentence naming the target, with what to do.
pub fn describe(target: &DeployTarget, err: &object_store::Error) -> Diagnostic {
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !chain.contains(&text) {
            chain.push_str(": ");
            chain.push_str(&text);
        }
        source = cause.source();
    }
    let code = between(&chain, "<Code>", "</Code>");
    let status = status_of(&chain);
    let name = format!("deploy target `{}` ({})", target.name, target.url);
    let bucket = target.url.host_str().unwrap_or_default();
    let refused = matches!(
        err,
        object_store::Error::Unauthenticated { .. } | object_store::Error::PermissionDenied { .. }
    ) || matches!(status, Some(401 | 403))
        || code.is_some_and(|c| {
            [
                "InvalidAccessKeyId",
                "SignatureDoesNotMatch",
                "AccessDenied",
                "AuthenticationFailed",
                "AuthorizationFailure",
                "InvalidToken",
                "ExpiredToken",
            ]
            .contains(&c)
        });
    let missing = code.is_some_and(|c| c == "NoSuchBucket" || c == "ContainerNotFound")
        || (status == Some(404) && code.is_none());
    let why = match (code, status) {
        (Some(code), Some(status)) => format!("{code}, HTTP {status}"),
        (Some(code), None) => code.to_string(),
        (None, Some(status)) => format!("HTTP {status}"),
        (None, None) => chain.clone(),
    };
    if refused {
        Diagnostic::error(
            None,
            format!("{name}: the store refused the credentials ({why})"),
        )
        .with_help(credentials_help(target.url.scheme()))
    } else if missing {
        let what = if target.url.scheme() == "az" {
            "container"
        } else {
            "bucket"
        };
        Diagnostic::error(
            None,
            format!("{name}: the {what} `{bucket}` does not exist ({why})"),
        )
        .with_help(format!(
            "create it, or correct `url:` under `deploy: {}:` in digest.yaml",
            target.name
        ))
    } else {
        Diagnostic::error(None, format!("{name}: {chain}"))
            .with_help("check the target's `url`, `endpoint` and `region` and the network; running `digest deploy` again finishes an interrupted deploy")
    }
}

fn credentials_help(scheme: &str) -> String {
    match scheme {
        "s3" => "digest reads S3 credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the AWS_PROFILE of ~/.aws/credentials); check that they are right and may write to the bucket".into(),
        "gs" => "digest reads Google Cloud credentials from GOOGLE_APPLICATION_CREDENTIALS (a service account file) or gcloud's application default credentials; check that they may write to the bucket".into(),
        "az" => "digest reads Azure credentials from AZURE_STORAGE_ACCOUNT_NAME with AZURE_STORAGE_ACCOUNT_KEY (or a service principal's AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID); check that they may write to the container".into(),
        _ => "check that digest may write to the folder".into(),
    }
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

/// The HTTP status in an error's text (`… status 403 Forbidden …`).
fn status_of(text: &str) -> Option<u16> {
    let at = text.find("status ")? + "status ".len();
    text.get(at..at + 3)?.parse().ok()
}

/// `~/.aws/credentials` and `~/.aws/config`, read as the AWS tools read
/// them, when the environment does not give keys or a region.
mod aws_files {
    use std::path::PathBuf;

    use object_store::aws::AmazonS3Builder;

    pub fn apply(mut builder: AmazonS3Builder, has_region: bool) -> AmazonS3Builder {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let profile = var("AWS_PROFILE").unwrap_or_else(|| "default".into());
        let home = var("HOME").map(PathBuf::from);
        if var("AWS_ACCESS_KEY_ID").is_none() {
            let file = var("AWS_SHARED_CREDENTIALS_FILE")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".aws/credentials")));
            if let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) {
                let get = |key| section_value(&text, &profile, key);
                if let (Some(id), Some(secret)) =
                    (get("aws_access_key_id"), get("aws_secret_access_key"))
                {
                    builder = builder
                        .with_access_key_id(id)
                        .with_secret_access_key(secret);
                    if let Some(token) = get("aws_session_token") {
                        builder = builder.with_token(token);
                    }
                }
            }
        }
        if !has_region && var("AWS_REGION").is_none() && var("AWS_DEFAULT_REGION").is_none() {
            let file = var("AWS_CONFIG_FILE")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".aws/config")));
            if let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) {
                let section = if profile == "default" {
                    profile.clone()
                } else {
                    format!("profile {profile}")
                };
                if let Some(region) = section_value(&text, &section, "region") {
                    builder = builder.with_region(region);
                }
            }
        }
        builder
    }

    /// `key = value` in `[section]` of an INI file.
    pub fn section_value(text: &str, section: &str, key: &str) -> Option<String> {
        let mut inside = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                inside = name.trim() == section;
                continue;
            }
            if inside
                && let Some((k, v)) = line.split_once('=')
                && k.trim() == key
            {
                return Some(v.trim().to_string());
            }
        }
        None
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn reads_a_profile_of_an_aws_file() {
            let text = "[default]\naws_access_key_id = A\n# note\n[profile news]\nregion = eu-central-1\naws_access_key_id=B\n";
            assert_eq!(
                section_value(text, "default", "aws_access_key_id").as_deref(),
                Some("A")
            );
            assert_eq!(
                section_value(text, "profile news", "aws_access_key_id").as_deref(),
                Some("B")
            );
            assert_eq!(
                section_value(text, "profile news", "region").as_deref(),
                Some("eu-central-1")
            );
            assert_eq!(section_value(text, "default", "region"), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_error_codes_and_statuses_are_found_in_the_text() {
        let text = "Error performing list request: Client error with status 403 Forbidden: <?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code></Error>";
        assert_eq!(
            between(text, "<Code>", "</Code>"),
            Some("SignatureDoesNotMatch")
        );
        assert_eq!(status_of(text), Some(403));
        assert_eq!(status_of("no status here"), None);
    }
}
