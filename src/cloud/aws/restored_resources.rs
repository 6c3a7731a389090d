//! Deleting what a test restore made, through the resource's own service: AWS Backup has no call
//! for it. DynamoDB tables only (`DeleteTable`), as one SigV4-signed JSON request, so the provider
//! does not carry a whole service SDK for one call.

use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use super::AwsContext;
use crate::cloud::error::{CloudError, ErrorKind};

const OP_DELETE: &str = "deleting restored DynamoDB table";

/// The DynamoDB endpoint and credentials of one account and region.
#[derive(Debug, Clone)]
pub(super) struct RestoredResources {
    sdk_config: SdkConfig,
    region: String,
    endpoint: String,
}

impl RestoredResources {
    /// Uses `context`'s credentials; the endpoint honours `AWS_ENDPOINT_URL_DYNAMODB` and
    /// `AWS_ENDPOINT_URL` as the AWS SDKs do.
    pub(super) fn new(context: &AwsContext) -> RestoredResources {
        let region = context.region().to_owned();
        let suffix = if context.partition() == "aws-cn" {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        let endpoint = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
            .ok()
            .or_else(|| context.sdk_config().endpoint_url().map(str::to_owned))
            .unwrap_or_else(|| format!("https://dynamodb.{region}.{suffix}"));
        RestoredResources {
            sdk_config: context.sdk_config().clone(),
            region,
            endpoint,
        }
    }

    /// Deletes the resource `arn` names; one already gone is success.
    pub(super) async fn delete(&self, arn: &str) -> Result<(), CloudError> {
        let Some(table) = table_name(arn) else {
            return Err(CloudError::new(
                ErrorKind::InvalidInput,
                "deleting restored resource",
                arn,
                "only restored DynamoDB tables can be deleted by this provider; delete it yourself",
            ));
        };
        let body = serde_json::json!({ "TableName": table }).to_string();
        let fail = |kind, message: String| CloudError::new(kind, OP_DELETE, arn, message);
        let headers = self
            .signed_headers(&body)
            .await
            .map_err(|m| fail(ErrorKind::AccessDenied, m))?;
        let mut request = reqwest::Client::new().post(&self.endpoint).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let answer = request
            .send()
            .await
            .map_err(|e| fail(ErrorKind::Transient, e.to_string()))?;
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        if status.is_success() || text.contains("ResourceNotFoundException") {
            return Ok(());
        }
        let kind = match status.as_u16() {
            403 => ErrorKind::AccessDenied,
            500.. => ErrorKind::Transient,
            _ if text.contains("ResourceInUseException") => ErrorKind::InvalidState,
            _ => ErrorKind::Other,
        };
        Err(fail(kind, format!("HTTP {status}: {text}")))
    }

    /// The headers of a signed `DeleteTable` request with `body`.
    async fn signed_headers(&self, body: &str) -> Result<Vec<(String, String)>, String> {
        let provider = self
            .sdk_config
            .credentials_provider()
            .ok_or("no AWS credentials")?;
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| format!("no AWS credentials: {e}"))?;
        let identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("dynamodb")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let mut headers = vec![
            (
                "content-type".to_owned(),
                "application/x-amz-json-1.0".to_owned(),
            ),
            (
                "x-amz-target".to_owned(),
                "DynamoDB_20120810.DeleteTable".to_owned(),
            ),
        ];
        let signable = SignableRequest::new(
            "POST",
            &self.endpoint,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        headers.extend(
            instructions
                .headers()
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        Ok(headers)
    }
}

/// The table name of a DynamoDB table ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`).
fn table_name(arn: &str) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    let (_, _, service) = (fields.next()?, fields.next()?, fields.next()?);
    let resource = fields.nth(2)?;
    let name = resource.strip_prefix("table/")?;
    (service == "dynamodb" && !name.is_empty() && !name.contains('/')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_come_from_table_arns_only() {
        assert_eq!(
            table_name("arn:aws:dynamodb:eu-west-1:111111111111:table/orders-restore"),
            Some("orders-restore")
        );
        assert_eq!(
            table_name("arn:aws:dynamodb:eu-west-1:111111111111:table/o/backup/1"),
            None
        );
        assert_eq!(
            table_name("arn:aws:ec2:eu-west-1:111111111111:volume/vol-1"),
            None
        );
    }
}
