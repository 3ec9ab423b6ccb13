//! The AWS connection: one reusable set of arguments that builds the SDK configuration, and the
//! interceptor that records every API call the SDK makes.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::spec::AwsSettings;

pub mod capture;
pub mod errors;

/// The default of `--max-concurrency`: requests in flight at once, per service and region.
/// Probes read the run's value from [`Connection::max_concurrency`].
pub const CONCURRENCY: usize = 8;

/// How to reach AWS, as plain values (the command line's `ConnectionArgs` turns its flags into
/// these, one environment at a time). The spec's `aws:` block fills what is not given here.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Named profile; else the spec's `aws.profile`; else the SDK's default chain.
    pub profile: Option<String>,
    /// Region; else the spec's `aws.region`; else the SDK's default chain.
    pub region: Option<String>,
    /// Send every API call to this endpoint (LocalStack, moto).
    pub endpoint_url: Option<String>,
    /// Attempts per API call, including retries with backoff (adaptive retry mode).
    pub max_attempts: u32,
    /// Seconds one API call may take, retries included.
    pub call_timeout: u64,
    /// Requests in flight at once per service and region.
    pub max_concurrency: usize,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            max_attempts: 5,
            call_timeout: 60,
            max_concurrency: CONCURRENCY,
        }
    }
}

/// Records every API call made through the clients it is attached to, per `service:Operation`.
#[derive(Debug, Clone, Default)]
pub struct CallRecorder {
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
    /// Attempts after the first of any call (throttling, 5xx, timeouts, resets), per call key.
    retries: Arc<Mutex<BTreeMap<String, u64>>>,
    /// Raw responses, kept only while evidence is collected (off by default: see [`Self::capturing`]).
    capture: Option<crate::aws::capture::Capture>,
}

impl CallRecorder {
    /// A recorder that also keeps every call's raw request and response, for an evidence bundle.
    pub fn capturing() -> Self {
        CallRecorder {
            capture: Some(crate::aws::capture::Capture::default()),
            ..CallRecorder::default()
        }
    }

    /// The raw calls captured so far (empty unless [`Self::capturing`]).
    pub fn raw_calls(&self) -> Vec<crate::aws::capture::RawCall> {
        self.capture.as_ref().map(|c| c.calls()).unwrap_or_default()
    }

    /// Calls so far, keyed `SdkService:SdkOperation` (e.g. `S3:GetBucketVersioning`, `SecretsManager:ListSecrets`).
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Calls so far, keyed by IAM action (e.g. `s3:GetBucketVersioning`); unknown calls keep their SDK name.
    pub fn calls_by_action(&self) -> BTreeMap<String, u64> {
        by_action(self.calls())
    }

    /// Retried attempts so far, keyed by IAM action.
    pub fn retries_by_action(&self) -> BTreeMap<String, u64> {
        by_action(self.retries())
    }

    /// Retried attempts so far (attempts after the first), keyed like [`Self::calls`].
    pub fn retries(&self) -> BTreeMap<String, u64> {
        self.retries.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Counts one call made outside the SDK (e.g. `http:GET` of an `http_endpoint`).
    pub fn record(&self, key: &str) {
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(key.to_string()).or_insert(0) += 1;
        }
    }
}

/// When a call started (kept in the call's config bag for its debug log).
#[derive(Debug, Clone, Copy)]
struct CallStarted(std::time::Instant);

impl aws_smithy_types::config_bag::Storable for CallStarted {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

/// HTTP 429 is throttling, whatever the body says: a gateway or proxy on the way may answer 429
/// without an AWS error code, which the SDK's own classifiers do not retry. Every client the
/// probes build carries it, so such an answer is retried with backoff like any throttling.
#[derive(Debug, Default, Clone, Copy)]
pub struct TooManyRequestsIsThrottling;

impl aws_smithy_runtime_api::client::retries::classifiers::ClassifyRetry
    for TooManyRequestsIsThrottling
{
    fn classify_retry(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::InterceptorContext,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryAction {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryAction;
        match ctx.response() {
            Some(r) if r.status().as_u16() == 429 => RetryAction::throttling_error(),
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "infra-verify: HTTP 429 is throttling"
    }

    fn priority(
        &self,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryClassifierPriority {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryClassifierPriority;
        RetryClassifierPriority::run_after(RetryClassifierPriority::http_status_code_classifier())
    }
}

/// SDK call counts re-keyed by IAM action; unknown calls keep their SDK name.
fn by_action(calls: BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (k, n) in calls {
        let (svc, op) = k.split_once(':').unwrap_or((&k, ""));
        let name =
            crate::catalog::operations::action_for(svc, op).map_or(k.clone(), str::to_string);
        *out.entry(name).or_insert(0) += n;
    }
    out
}

impl Intercept for CallRecorder {
    fn name(&self) -> &'static str {
        "infra-verify-call-recorder"
    }

    // Not `read_before_execution`: for client-level interceptors that runs before the operation
    // metadata is in the config bag. Serialization happens once per call, not per retry.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            // Service names are recorded without spaces ("Secrets Manager" -> "SecretsManager").
            let service: String = meta
                .service()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let key = format!("{service}:{}", meta.name());
            tracing::trace!(call = %key, "api call");
            if let Ok(mut calls) = self.calls.lock() {
                *calls.entry(key).or_insert(0) += 1;
            }
        }
        cfg.interceptor_state()
            .store_put(CallStarted(std::time::Instant::now()));
        Ok(())
    }

    // Debug logs of each call: its name, attempts, HTTP status and time; never its contents.
    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if tracing::enabled!(tracing::Level::DEBUG) {
            let elapsed_ms = cfg
                .load::<CallStarted>()
                .map_or(0, |s| s.0.elapsed().as_millis() as u64);
            let attempts = cfg
                .load::<aws_smithy_runtime_api::client::retries::RequestAttempts>()
                .map_or(1, |a| a.attempts());
            let status = context.response().map(|r| r.status().as_u16());
            let failed = matches!(context.output_or_error(), Some(Err(_)));
            let call = cfg.load::<Metadata>().map(|m| {
                let service: String = m.service().chars().filter(|c| !c.is_whitespace()).collect();
                format!("{service}:{}", m.name())
            });
            tracing::debug!(
                call = call.as_deref().unwrap_or("?"),
                attempts,
                status,
                failed,
                elapsed_ms,
                "api call done"
            );
        }
        Ok(())
    }

    // Evidence capture (only when on): the request of each attempt, then its response, whose
    // body the orchestrator has read into memory by the end of the attempt (non-streaming).
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The orchestrator counts attempts in the config bag: a second one is a retry.
        let attempt = cfg
            .load::<aws_smithy_runtime_api::client::retries::RequestAttempts>()
            .map_or(1, |a| a.attempts());
        if attempt > 1 {
            if let (Some(meta), Ok(mut retries)) = (cfg.load::<Metadata>(), self.retries.lock()) {
                let service: String = meta
                    .service()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let key = format!("{service}:{}", meta.name());
                tracing::debug!(call = %key, attempt, "retrying");
                *retries.entry(key).or_insert(0) += 1;
            }
        }
        if let Some(capture) = &self.capture {
            capture.before_transmit(context, cfg);
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(capture) = &self.capture {
            capture.after_attempt(context, cfg);
        }
        Ok(())
    }
}

/// An S3 Control endpoint resolver that answers one URL as it is. S3 Control puts the account
/// id in the host name (`ACCOUNT.s3-control.REGION.amazonaws.com`); with `--endpoint-url` (an
/// emulator on a loopback port, which no such host name reaches) every call goes to the URL
/// given, like every other service's.
#[derive(Debug, Clone)]
pub struct FixedEndpoint(pub String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// A ready connection: the SDK configuration plus the recorder every client must carry.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Shared SDK configuration.
    pub sdk: SdkConfig,
    /// Records every call.
    pub recorder: CallRecorder,
    /// The custom endpoint, if any (S3 then uses path-style addressing).
    pub endpoint: Option<String>,
    /// Requests in flight at once, per service and region (`--max-concurrency`); probes also
    /// bound their per-resource fan-out by it.
    pub max_concurrency: usize,
    /// The HTTP client every service client sends through, with one cap per service and region.
    pub limits: RequestLimits,
    /// The caller's account id, once sts:GetCallerIdentity has told it (shared by the
    /// connection's copies in other regions). Account-level reads need it (S3 Control).
    pub account: Arc<std::sync::OnceLock<String>>,
}

impl Connection {
    /// The same connection (credentials, endpoint, call recorder, request caps) in another region.
    pub fn in_region(&self, region: &str) -> Connection {
        Connection {
            sdk: self
                .sdk
                .to_builder()
                .region(Region::new(region.to_string()))
                .build(),
            recorder: self.recorder.clone(),
            endpoint: self.endpoint.clone(),
            max_concurrency: self.max_concurrency,
            limits: self.limits.clone(),
            account: self.account.clone(),
        }
    }

    /// The HTTP client for one service's client (`service` names it, e.g. the SDK crate): the
    /// base client behind a cap of [`Self::max_concurrency`] requests in flight for this service
    /// in this connection's region, shared by every client of the service in the run.
    pub fn http_client_for(&self, service: &str) -> SharedHttpClient {
        let region = self.sdk.region().map(|r| r.to_string()).unwrap_or_default();
        self.limits.client(
            service,
            &region,
            self.max_concurrency,
            self.sdk.http_client(),
        )
    }
}

/// One semaphore per (service, region).
type Semaphores = BTreeMap<(String, String), Arc<tokio::sync::Semaphore>>;

/// The politeness cap: every request the probes send goes through a semaphore of its service
/// and region, so at most N are in flight at once there, whatever the probes fan out to (per
/// resource, per attribute, per kind). Waiting for a permit is inside the call, so it counts
/// against `--call-timeout`; a retry waits for a permit again.
#[derive(Debug, Clone, Default)]
pub struct RequestLimits {
    semaphores: Arc<Mutex<Semaphores>>,
    base: Arc<std::sync::OnceLock<SharedHttpClient>>,
}

impl RequestLimits {
    fn client(
        &self,
        service: &str,
        region: &str,
        cap: usize,
        configured: Option<SharedHttpClient>,
    ) -> SharedHttpClient {
        let permits = match self.semaphores.lock() {
            Ok(mut map) => map
                .entry((service.to_string(), region.to_string()))
                .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(cap.max(1))))
                .clone(),
            // A poisoned lock (a panic elsewhere) still caps this client, on its own.
            Err(_) => Arc::new(tokio::sync::Semaphore::new(cap.max(1))),
        };
        // A client given in the SDK configuration (tests' replay clients) is used as it is;
        // otherwise the SDK's default HTTPS client, built once per run.
        let inner =
            configured.unwrap_or_else(|| self.base.get_or_init(default_https_client).clone());
        SharedHttpClient::new(LimitedClient { inner, permits })
    }
}

/// The AWS SDK's own default HTTPS client (hyper 1, rustls with aws-lc, the system's trust
/// store, HTTP(S)_PROXY from the environment), as `aws-smithy-runtime` builds it when a service
/// client is given none.
fn default_https_client() -> SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::{tls, Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build()
    })
}

/// An HTTP client whose connectors take a permit before each request.
#[derive(Debug)]
struct LimitedClient {
    inner: SharedHttpClient,
    permits: Arc<tokio::sync::Semaphore>,
}

impl HttpClient for LimitedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(LimitedConnector {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        })
    }

    fn validate_base_client_config(
        &self,
        components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_base_client_config(components, cfg)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct LimitedConnector {
    inner: SharedHttpConnector,
    permits: Arc<tokio::sync::Semaphore>,
}

impl HttpConnector for LimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed; should it be, the request goes without a permit.
            let _permit = permits.acquire_owned().await.ok();
            inner.call(request).await
        })
    }
}

/// Why a connection could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// No region anywhere.
    #[error("no AWS region: set `aws.region` in the spec, pass --region, or set AWS_REGION")]
    NoRegion,
}

/// Builds the SDK configuration from the options and the spec's `aws:` block.
pub async fn connect(
    args: &ConnectOptions,
    settings: &AwsSettings,
) -> Result<Connection, ConnectError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(args.max_attempts))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_timeout(Duration::from_secs(args.call_timeout))
                .build(),
        );
    if let Some(region) = args.region.clone().or_else(|| settings.region.clone()) {
        loader = loader.region(Region::new(region));
    }
    if let Some(profile) = args.profile.as_deref().or(settings.profile.as_deref()) {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &args.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let mut sdk = loader.load().await;
    if sdk.region().is_none() {
        return Err(ConnectError::NoRegion);
    }
    if let Some(role) = &settings.role_arn {
        let provider = aws_config::sts::AssumeRoleProvider::builder(role)
            .session_name("infra-verify")
            .configure(&sdk)
            .build()
            .await;
        sdk = sdk
            .into_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build();
    }
    Ok(Connection {
        sdk,
        recorder: CallRecorder::default(),
        endpoint: args.endpoint_url.clone(),
        max_concurrency: args.max_concurrency.max(1),
        limits: RequestLimits::default(),
        account: Arc::default(),
    })
}
