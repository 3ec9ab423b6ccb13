//! How to reach AWS, as flags (`--profile [ENV=]NAME`, `--region`, `--endpoint-url`, retries,
//! timeouts, concurrency, `--connect-to`), shared by every command that observes, and turned into
//! the connection layer's plain options ([`crate::aws::ConnectOptions`]) per environment.

/// How to reach AWS. Command-line values win over the spec's `aws:` block.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConnectionArgs {
    /// AWS profile (overrides the spec's aws.profile). With several environments, ENV=NAME sets
    /// one environment's profile (repeat it, one per environment); a bare NAME applies to every
    /// environment not named so.
    #[arg(long = "profile", value_name = "[ENV=]NAME", value_parser = ProfileArg::parse)]
    pub profiles: Vec<ProfileArg>,
    /// AWS region (overrides the spec's aws.region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send every API call to this endpoint (LocalStack, moto), e.g. http://127.0.0.1:5000.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Attempts per API call, including retries with backoff (adaptive retry mode).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    /// Seconds one API call may take, retries included (and one HTTP request of an http_endpoint).
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub call_timeout: u64,
    /// Requests in flight at once per AWS service and region (and http_endpoint requests at
    /// once): the politeness cap. Lists are paginated one page at a time.
    #[arg(long, value_name = "N", default_value_t = crate::aws::CONCURRENCY, value_parser = parse_max_concurrency)]
    pub max_concurrency: usize,
    /// Seconds the whole observation may take; past it the run stops and verifies nothing (exit 3).
    #[arg(long, value_name = "SECONDS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub timeout: u64,
    /// For an http_endpoint request to HOST:PORT, connect to CONNECT_HOST:CONNECT_PORT instead
    /// (curl's --connect-to): the URL, Host header, TLS server name and certificate check stay
    /// HOST. Repeat it; the first that matches is used; an empty field matches any host or port
    /// (or keeps the request's own); IPv6 in [brackets]. Each endpoint reached so records it
    /// (`connect_to` in the snapshot and the report).
    #[arg(long = "connect-to", value_name = "HOST:PORT:CONNECT_HOST:CONNECT_PORT", value_parser = crate::probe::ConnectTo::parse)]
    pub connect_to: Vec<crate::probe::ConnectTo>,
    /// The nameserver dns_record queries ask, ADDR or ADDR:PORT (port 53 by default; IPv6 in
    /// [brackets] with a port), instead of the spec's `dns.servers` or the system's
    /// (/etc/resolv.conf). Repeat it for more than one; the first also answers the AD-flag query
    /// of `dnssec_validated`.
    #[arg(long = "dns-server", value_name = "ADDR[:PORT]", value_parser = parse_dns_server)]
    pub dns_server: Vec<std::net::SocketAddr>,
    /// The RDAP server domain lookups ask (its base URL, e.g. https://rdap.verisign.com/com/v1/),
    /// instead of the one the IANA bootstrap file names for the domain's TLD; no other server is
    /// contacted then (redirects it answers are still followed).
    #[arg(long = "rdap-server", value_name = "URL", value_parser = parse_rdap_server)]
    pub rdap_server: Option<String>,
    /// The Chromium (or Chrome) web_page loads pages in, instead of the first of chromium,
    /// chromium-browser, google-chrome-stable, google-chrome, chrome on PATH. It is never
    /// downloaded.
    #[arg(long = "chromium", value_name = "PATH")]
    pub chromium: Option<std::path::PathBuf>,
    /// The `lighthouse` CLI that gives web_page's Lighthouse scores, instead of the one on PATH.
    /// Without one, each score checked is an error.
    #[arg(long = "lighthouse", value_name = "PATH")]
    pub lighthouse: Option<std::path::PathBuf>,
    /// GitHub's API, for github_repository: a GitHub Enterprise Server's https://HOST/api/v3
    /// (http:// only to a loopback test server).
    #[arg(long = "github-api-url", value_name = "URL", default_value = crate::provider::github::DEFAULT_API_URL, value_parser = crate::provider::github::parse_api_url)]
    pub github_api_url: String,
    /// The environment variable holding the GitHub token (a fine-grained token with the
    /// read-only permissions `infra-verify permissions ENV` lists). It is read, never printed.
    #[arg(long = "github-token-env", value_name = "VAR", default_value = crate::provider::github::DEFAULT_TOKEN_ENV)]
    pub github_token_env: String,
    /// Vercel's API, for vercel_project (http:// only to a loopback test server).
    #[arg(long = "vercel-api-url", value_name = "URL", default_value = crate::provider::vercel::DEFAULT_API_URL, value_parser = crate::provider::github::parse_api_url)]
    pub vercel_api_url: String,
    /// The environment variable holding the Vercel access token. It is read, never printed.
    #[arg(long = "vercel-token-env", value_name = "VAR", default_value = crate::provider::vercel::DEFAULT_TOKEN_ENV)]
    pub vercel_token_env: String,
    /// The Vercel team the spec's projects belong to (its id, team_...); without it, the
    /// token's own account.
    #[arg(long = "vercel-team", value_name = "TEAM_ID")]
    pub vercel_team: Option<String>,
    /// Stripe's API, for stripe_webhook_endpoint (http:// only to a loopback test server).
    #[arg(long = "stripe-api-url", value_name = "URL", default_value = crate::provider::stripe::DEFAULT_API_URL, value_parser = crate::provider::github::parse_api_url)]
    pub stripe_api_url: String,
    /// The environment variable holding the Stripe restricted key (Webhook Endpoints: Read).
    /// It is read, never printed.
    #[arg(long = "stripe-key-env", value_name = "VAR", default_value = crate::provider::stripe::DEFAULT_KEY_ENV)]
    pub stripe_key_env: String,
    /// Sentry, for sentry_project: a self-hosted Sentry's URL (http:// only to a loopback test
    /// server).
    #[arg(long = "sentry-url", value_name = "URL", default_value = crate::provider::sentry::DEFAULT_URL, value_parser = crate::provider::github::parse_api_url)]
    pub sentry_url: String,
    /// The environment variable holding the Sentry auth token (the scopes `infra-verify
    /// permissions ENV` lists). It is read, never printed.
    #[arg(long = "sentry-token-env", value_name = "VAR", default_value = crate::provider::sentry::DEFAULT_TOKEN_ENV)]
    pub sentry_token_env: String,
}

/// `--dns-server`: an IP address, with an optional port (`1.1.1.1`, `127.0.0.1:5353`, `::1`,
/// `[::1]:5353`), as a spec's `dns.servers`.
fn parse_dns_server(s: &str) -> Result<std::net::SocketAddr, String> {
    crate::spec::parse_nameserver(s)
}

/// `--rdap-server`: an `http://` or `https://` URL.
fn parse_rdap_server(s: &str) -> Result<String, String> {
    let s = s.trim();
    crate::catalog::id::parse_url(s)
        .map(|_| s.to_string())
        .map_err(|_| {
            format!(
                "`{s}` is not an http:// or https:// URL (e.g. https://rdap.verisign.com/com/v1/)"
            )
        })
}

/// One `--profile`: `NAME` (every environment) or `ENV=NAME` (one environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileArg {
    /// The environment it is for; `None` for every environment not named otherwise.
    pub environment: Option<String>,
    /// The profile name.
    pub name: String,
}

impl ProfileArg {
    /// Parses `NAME` or `ENV=NAME`. (A profile name with `=` in it cannot be given here; name it
    /// in the spec's `aws.profile` instead.)
    pub fn parse(s: &str) -> Result<ProfileArg, String> {
        let (environment, name) = match s.split_once('=') {
            Some((env, name)) => (Some(env.trim()), name.trim()),
            None => (None, s.trim()),
        };
        if environment.is_some_and(str::is_empty) {
            return Err(format!(
                "`{s}`: give ENV=NAME (an environment before the `=`) or a bare NAME"
            ));
        }
        if name.is_empty() {
            return Err(format!("`{s}`: the profile name is empty"));
        }
        Ok(ProfileArg {
            environment: environment.map(str::to_string),
            name: name.to_string(),
        })
    }
}

/// Why the `--profile` arguments do not fit the environments of a run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// `--profile ENV=NAME` for an environment the run does not verify.
    #[error("--profile {environment}={name}: `{environment}` is not an environment of this run ({listed}){hint}")]
    UnknownEnvironment {
        /// The environment named.
        environment: String,
        /// Its profile.
        name: String,
        /// The run's environments, comma-separated.
        listed: String,
        /// A "did you mean", or empty.
        hint: String,
    },
    /// Two profiles for the same environment (or two bare ones).
    #[error("--profile is given twice for {0}")]
    Twice(String),
}

impl ConnectionArgs {
    /// The connection options for one environment (its `--profile ENV=NAME`, else the bare one).
    pub fn options_for(&self, environment: &str) -> crate::aws::ConnectOptions {
        crate::aws::ConnectOptions {
            profile: self.profile_for(environment).map(str::to_string),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            max_attempts: self.max_attempts,
            call_timeout: self.call_timeout,
            max_concurrency: self.max_concurrency,
        }
    }

    /// The profile given for this environment: its `ENV=NAME`, else the bare `NAME`.
    pub fn profile_for(&self, environment: &str) -> Option<&str> {
        self.profiles
            .iter()
            .find(|p| p.environment.as_deref() == Some(environment))
            .or_else(|| self.profiles.iter().find(|p| p.environment.is_none()))
            .map(|p| p.name.as_str())
    }

    /// Checks the `--profile` arguments against the run's environments: every `ENV=` names one
    /// of them, and no environment (nor "every environment") has two.
    pub fn check_profiles(&self, environments: &[&str]) -> Result<(), ProfileError> {
        let mut seen: Vec<Option<&str>> = Vec::new();
        for p in &self.profiles {
            let env = p.environment.as_deref();
            if seen.contains(&env) {
                return Err(ProfileError::Twice(match env {
                    Some(e) => format!("environment `{e}`"),
                    None => "every environment (a bare NAME)".to_string(),
                }));
            }
            seen.push(env);
            if let Some(e) = env {
                if !environments.contains(&e) {
                    let hint = crate::spec::did_you_mean(e, environments.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    return Err(ProfileError::UnknownEnvironment {
                        environment: e.to_string(),
                        name: p.name.clone(),
                        listed: environments.join(", "),
                        hint,
                    });
                }
            }
        }
        Ok(())
    }
}

/// `--max-concurrency`: 1 to 1024.
fn parse_max_concurrency(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a number from 1 to 1024")),
    }
}

#[cfg(test)]
mod tests {
    use super::{ConnectionArgs, ProfileArg, ProfileError};

    fn args(profiles: &[&str]) -> ConnectionArgs {
        ConnectionArgs {
            profiles: profiles
                .iter()
                .map(|p| ProfileArg::parse(p).expect("parses"))
                .collect(),
            ..ConnectionArgs::default()
        }
    }

    #[test]
    fn a_bare_profile_applies_to_every_environment_not_named() {
        let a = args(&["ci", "production=prod-readonly"]);
        assert_eq!(a.profile_for("production"), Some("prod-readonly"));
        assert_eq!(a.profile_for("staging"), Some("ci"));
        let a = args(&["staging=stg-admin"]);
        assert_eq!(a.profile_for("staging"), Some("stg-admin"));
        assert_eq!(a.profile_for("production"), None);
        assert_eq!(args(&[]).profile_for("staging"), None);
        assert!(a.check_profiles(&["staging", "production"]).is_ok());
    }

    #[test]
    fn profiles_that_fit_no_environment_are_refused() {
        let e = args(&["prodution=x"])
            .check_profiles(&["staging", "production"])
            .expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "--profile prodution=x: `prodution` is not an environment of this run (staging, production); did you mean `production`?"
        );
        assert_eq!(
            args(&["staging=a", "staging=b"]).check_profiles(&["staging"]),
            Err(ProfileError::Twice("environment `staging`".into()))
        );
        assert_eq!(
            args(&["a", "b"]).check_profiles(&["staging"]),
            Err(ProfileError::Twice(
                "every environment (a bare NAME)".into()
            ))
        );
        for bad in ["=x", "staging=", ""] {
            assert!(ProfileArg::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            ProfileArg::parse(" staging = stg ").expect("parses"),
            ProfileArg {
                environment: Some("staging".into()),
                name: "stg".into()
            }
        );
    }
}
