//! The Apigee and Blob fakes answer as Google's `apigee/v1` and Azure's Blob service references
//! say: shapes, authentication, errors, and refusal of what they do not model.

use reqwest::StatusCode;

use super::apigee::apigee_fixture;
use super::support::fake_apigee::ACCESS_TOKEN;
use super::support::fake_blob::FakeBlob;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_apigee_api_answers_in_googles_shape() {
    let fake = apigee_fixture().await;
    let http = reqwest::Client::new();
    let get = |path: &str, token: Option<&str>| {
        let mut request = http.get(format!("{}/v1/{path}", fake.url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let answer = get("organizations/acme/apis", None).await.unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    assert_eq!(body["error"]["code"], 401);

    let token = Some(ACCESS_TOKEN);
    let proxies: serde_json::Value = get("organizations/acme/apis", token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        proxies,
        serde_json::json!({"proxies": [{"name": "orders"}, {"name": "payments"}]})
    );
    let orders: serde_json::Value = get("organizations/acme/apis/orders", token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(orders["latestRevisionId"], "2");
    assert_eq!(orders["revision"], serde_json::json!(["1", "2"]));
    let bundle = get(
        "organizations/acme/apis/orders/revisions/2?format=bundle",
        token,
    )
    .await
    .unwrap();
    assert_eq!(bundle.headers()["content-type"], "application/octet-stream");
    let bytes = bundle.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04", "not a zip archive");
    // A zip reader opens it and finds the proxy's descriptor.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &bytes).unwrap();
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(' '.join(z.namelist()))",
        ])
        .arg(file.path())
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(
        listing.trim(),
        "apiproxy/orders.xml apiproxy/proxies/default.xml"
    );
    let envs: serde_json::Value = get("organizations/acme/environments", token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(envs, serde_json::json!(["prod", "test"]));
    let config: serde_json::Value =
        get("organizations/acme/environments/prod/deployedConfig", token)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        config["name"],
        "organizations/acme/environments/prod/deployedConfig"
    );

    let unknown = get("organizations/nope/apis", token).await.unwrap();
    assert_eq!(unknown.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
    let missing = get("organizations/acme/apis/nope", token).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(fake.unmodelled().is_empty());
    let other = get("organizations/acme/developers", token).await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert_eq!(fake.unmodelled(), ["GET /v1/organizations/acme/developers"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_blob_service_checks_sas_version_and_blob_type() {
    let fake = FakeBlob::start().await;
    let http = reqwest::Client::new();
    let sas = fake.container_sas_url();
    let (container, query) = sas.split_once('?').unwrap();
    let blob_url = |name: &str| format!("{container}/{name}?{query}");
    let put = http
        .put(blob_url("a/b.txt"))
        .header("x-ms-version", "2024-11-04")
        .header("x-ms-blob-type", "BlockBlob")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::CREATED);
    assert_eq!(fake.get("a/b.txt").unwrap().content, b"hello");
    // No blob type, no version, a wrong signature: refused as the service does.
    let untyped = http
        .put(blob_url("c"))
        .header("x-ms-version", "2024-11-04")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(untyped.status(), StatusCode::BAD_REQUEST);
    let unversioned = http.get(blob_url("a/b.txt")).send().await.unwrap();
    assert_eq!(unversioned.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        unversioned.headers()["x-ms-error-code"],
        "MissingRequiredHeader"
    );
    let bad = fake.container_url_with_bad_signature();
    let (bad_container, bad_query) = bad.split_once('?').unwrap();
    let forged = http
        .get(format!("{bad_container}/a/b.txt?{bad_query}"))
        .header("x-ms-version", "2024-11-04")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(forged.headers()["x-ms-error-code"], "AuthenticationFailed");

    fake.put("a/c.txt", b"x");
    fake.put("z.txt", b"y");
    fake.set_page_size(1);
    let list = http
        .get(format!(
            "{container}?restype=container&comp=list&prefix=a/&{query}"
        ))
        .header("x-ms-version", "2024-11-04")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("<Name>a/b.txt</Name>"), "{list}");
    assert!(!list.contains("a/c.txt</Name>"), "one per page: {list}");
    assert!(list.contains("<NextMarker>a/c.txt</NextMarker>"), "{list}");
    let deleted = http
        .delete(blob_url("a/b.txt"))
        .header("x-ms-version", "2024-11-04")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::ACCEPTED);
    assert_eq!(fake.names(), ["a/c.txt", "z.txt"]);
    assert_eq!(
        fake.unmodelled(),
        ["PUT /backupacct/apigee-exports/c without x-ms-blob-type: BlockBlob"]
    );
}
