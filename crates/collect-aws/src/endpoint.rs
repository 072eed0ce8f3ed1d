//! Endpoint overrides, taken literally. Some AWS operations put a host
//! prefix in front of the endpoint (S3 Control prefixes the account id:
//! `123456789012.s3-control...`); against an emulator on 127.0.0.1 that
//! name does not exist. When the user overrides the endpoint, this
//! interceptor sends every request to exactly the host they gave.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Strips any host prefix so requests reach `host` (the override's authority).
#[derive(Debug, Clone)]
pub struct ExactEndpoint {
    authority: String,
}

impl ExactEndpoint {
    /// `endpoint_url` as given by the user, e.g. `http://127.0.0.1:5000`.
    pub fn new(endpoint_url: &str) -> Option<Self> {
        let rest = endpoint_url.split_once("://")?.1;
        let authority = rest.split('/').next()?.to_owned();
        (!authority.is_empty()).then_some(ExactEndpoint { authority })
    }

    /// The URI with its authority replaced when it merely ends with ours.
    fn rewrite(&self, uri: &str) -> Option<String> {
        let (scheme, rest) = uri.split_once("://")?;
        let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
        let prefixed =
            authority != self.authority && authority.ends_with(&format!(".{}", self.authority));
        prefixed.then(|| format!("{scheme}://{}/{path}", self.authority))
    }
}

impl Intercept for ExactEndpoint {
    fn name(&self) -> &'static str {
        "ExactEndpoint"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        if let Some(uri) = self.rewrite(request.uri()) {
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_host_prefixes_only() {
        let exact = ExactEndpoint::new("http://127.0.0.1:5000").expect("valid");
        assert_eq!(
            exact
                .rewrite(
                    "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
                )
                .as_deref(),
            Some("http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
        );
        assert_eq!(exact.rewrite("http://127.0.0.1:5000/x"), None);
        assert_eq!(exact.rewrite("http://example.com/x"), None);
    }
}
