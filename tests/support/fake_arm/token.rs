//! The Microsoft Entra token endpoint: client secret and federated (OIDC) client assertion
//! flows for the one application the fake knows; every accepted request mints a fresh token.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::response::Response;
use serde_json::json;

use super::server::{Shared, TokenRequest, CLIENT_ID, CLIENT_SECRET, FEDERATED_TOKEN, TENANT};

/// `POST /{tenant}/oauth2/v2.0/token`: a token for the right client credentials, else 401.
pub(super) fn token(shared: &Shared, path: &str, body: &[u8]) -> Response {
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let tenant_ok = path.trim_start_matches('/').starts_with(TENANT);
    let common = tenant_ok
        && get("grant_type") == "client_credentials"
        && get("client_id") == CLIENT_ID
        && get("scope").ends_with("/.default");
    let (flow, accepted) = if form.contains_key("client_secret") {
        (
            "client_secret",
            common && get("client_secret") == CLIENT_SECRET,
        )
    } else {
        (
            "client_assertion",
            common
                && get("client_assertion_type")
                    == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                && get("client_assertion") == FEDERATED_TOKEN,
        )
    };
    let mut inner = shared.inner.lock().unwrap();
    inner.token_requests.push(TokenRequest {
        flow,
        scope: get("scope").to_owned(),
        accepted,
    });
    let (status, body) = if accepted {
        inner.next_id += 1;
        let token = format!("fake-access-token-{}", inner.next_id);
        inner.tokens.insert(token.clone());
        (
            200,
            json!({ "token_type": "Bearer", "expires_in": 3599, "access_token": token }),
        )
    } else {
        (
            401,
            json!({ "error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided." }),
        )
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}
