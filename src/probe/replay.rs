//! A canned-response HTTP client for replay tests of the probes (also used by the CloudFront
//! tests). Hand-rolled on the public `aws-smithy-runtime-api` traits rather than
//! `aws-smithy-http-client`'s `StaticReplayClient`: its `test-util` feature would change that
//! crate's feature set in test builds and so rebuild every SDK crate a second time.

use std::sync::{Arc, Mutex};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;

use crate::aws::{CallRecorder, Connection};

/// Answers the n-th request with the n-th response (or each request by a function of it, for
/// requests sent concurrently); records every request as `METHOD URI\nBODY`.
#[derive(Clone, Default)]
pub struct Replay {
    responses: Arc<Mutex<Vec<(u16, String)>>>,
    requests: Arc<Mutex<Vec<String>>>,
    answer: Option<Answerer>,
}

type Answerer = Arc<dyn Fn(&str) -> (u16, String) + Send + Sync>;

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl Replay {
    /// XML responses, in order, all with the given status.
    pub fn new(responses: &[(u16, &str)]) -> Replay {
        let mut r: Vec<(u16, String)> =
            responses.iter().map(|(s, b)| (*s, b.to_string())).collect();
        r.reverse();
        Replay {
            responses: Arc::new(Mutex::new(r)),
            requests: Arc::default(),
            answer: None,
        }
    }

    /// Answers every request (`METHOD URI\nBODY`, with the `x-amz-target` header's value
    /// appended as a last line when there is one) with `answer(request)`.
    pub fn by_request(answer: impl Fn(&str) -> (u16, String) + Send + Sync + 'static) -> Replay {
        Replay {
            answer: Some(Arc::new(answer)),
            ..Replay::default()
        }
    }

    /// The requests made so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }

    /// A connection whose every client talks to this replay instead of the network.
    pub fn connection(&self) -> Connection {
        let sdk = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("ap-northeast-2"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "testing", "testing", None, None, "replay",
            )))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .http_client(self.clone())
            .build();
        Connection {
            sdk,
            recorder: CallRecorder::default(),
            endpoint: None,
            max_concurrency: crate::probe::CONCURRENCY,
            limits: Default::default(),
            account: std::sync::Arc::new(std::sync::OnceLock::from("123456789012".to_string())),
        }
    }
}

impl HttpConnector for Replay {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default());
        let text = format!("{} {}\n{body}", request.method(), request.uri());
        self.requests.lock().expect("lock").push(text.clone());
        let next = match &self.answer {
            Some(answer) => {
                let target = request.headers().get("x-amz-target").unwrap_or_default();
                Some(answer(&format!("{text}\n{target}")))
            }
            None => self.responses.lock().expect("lock").pop(),
        };
        HttpConnectorFuture::ready(match next {
            Some((status, body)) => {
                let mut response = HttpResponse::new(
                    StatusCode::try_from(status).expect("status code"),
                    SdkBody::from(body),
                );
                response.headers_mut().insert("content-type", "text/xml");
                Ok(response)
            }
            None => Err(ConnectorError::other(
                "replay: no response left for this request".into(),
                None,
            )),
        })
    }
}

impl HttpClient for Replay {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.clone().into_shared()
    }
}

/// sts:GetCallerIdentity shaped like the API reference's example (an assumed role): a spec
/// without resources makes exactly that call, and the snapshot's metadata names the account and
/// the caller it reported; a spec pinned to another account stops there.
#[tokio::test]
async fn get_caller_identity_names_the_account_and_caller_in_the_metadata() {
    let identity = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/my-role-name/my-role-session-name</Arn>
    <UserId>AROACLKWSDQRAOEXAMPLE:my-role-session-name</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>"#;
    let spec = crate::spec::from_str(
        std::path::Path::new("inline.yaml"),
        "version: 1\nenvironment: test\nresources: []\n",
    )
    .expect("spec");
    let replay = Replay::new(&[(200, identity)]);
    let conn = replay.connection();
    let snapshot = crate::probe::observe(&spec, &conn).await.expect("snapshot");
    let requests = replay.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert!(requests[0].starts_with("POST "), "{}", requests[0]);
    assert!(
        requests[0].contains("Action=GetCallerIdentity"),
        "{}",
        requests[0]
    );
    assert_eq!(
        conn.recorder.calls(),
        std::collections::BTreeMap::from([("STS:GetCallerIdentity".to_string(), 1)])
    );
    assert_eq!(
        snapshot.metadata.account_id.as_deref(),
        Some("111122223333")
    );
    assert_eq!(
        snapshot.metadata.caller_arn.as_deref(),
        Some("arn:aws:sts::111122223333:assumed-role/my-role-name/my-role-session-name")
    );
    assert_eq!(
        snapshot.metadata.api_calls.get("sts:GetCallerIdentity"),
        Some(&1)
    );
    assert!(snapshot.resources.is_empty());

    // The spec's account is another: the caller is refused, naming both accounts.
    let pinned = crate::spec::from_str(
        std::path::Path::new("inline.yaml"),
        "version: 1\nenvironment: test\naws: { account_id: \"444455556666\" }\nresources: []\n",
    )
    .expect("spec");
    let replay = Replay::new(&[(200, identity)]);
    match crate::probe::observe(&pinned, &replay.connection()).await {
        Err(crate::probe::ProbeError::WrongAccount {
            expected,
            actual,
            arn,
        }) => {
            assert_eq!(expected, "444455556666");
            assert_eq!(actual, "111122223333");
            assert!(arn.ends_with("my-role-session-name"), "{arn}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(replay.requests().len(), 1);
}
