//! Where attached files' bytes live: a folder under the data directory by default, or a
//! bucket in S3-compatible object storage when `VITRINA_S3_BUCKET` is set (then
//! `VITRINA_S3_ENDPOINT` for a non-AWS service such as MinIO, and the usual
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`). Several instances behind
//! a load balancer need the bucket (or a shared folder).

use crate::error::AppError;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

#[derive(Clone)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
    /// `folder <path>` or `s3 <bucket>`, for the log.
    pub describe: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the files folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("object storage: {0}")]
    Object(#[from] object_store::Error),
}

impl FileStore {
    /// A folder (created when missing).
    pub fn folder(dir: &std::path::Path) -> Result<FileStore, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Folder(dir.display().to_string(), e))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(FileStore {
            inner: Arc::new(store),
            describe: format!("folder {}", dir.display()),
        })
    }

    /// An S3 bucket, credentials from the environment (see the module's notes).
    pub fn s3(bucket: &str, endpoint: Option<&str>) -> Result<FileStore, StoreError> {
        FileStore::s3_with(
            object_store::aws::AmazonS3Builder::from_env(),
            bucket,
            endpoint,
        )
    }

    /// An S3 bucket with the given credentials.
    pub fn s3_with_keys(
        bucket: &str,
        endpoint: Option<&str>,
        key_id: &str,
        secret: &str,
    ) -> Result<FileStore, StoreError> {
        let builder = object_store::aws::AmazonS3Builder::new()
            .with_access_key_id(key_id)
            .with_secret_access_key(secret)
            .with_region("us-east-1");
        FileStore::s3_with(builder, bucket, endpoint)
    }

    fn s3_with(
        builder: object_store::aws::AmazonS3Builder,
        bucket: &str,
        endpoint: Option<&str>,
    ) -> Result<FileStore, StoreError> {
        let mut builder = builder.with_bucket_name(bucket);
        if let Some(endpoint) = endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(FileStore {
            inner: Arc::new(builder.build()?),
            describe: format!("s3 {bucket}"),
        })
    }

    /// The bucket when `VITRINA_S3_BUCKET` is set, else `<data_dir>/files`.
    pub fn from_env(data_dir: &std::path::Path) -> Result<FileStore, StoreError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        match var("VITRINA_S3_BUCKET") {
            Some(bucket) => FileStore::s3(&bucket, var("VITRINA_S3_ENDPOINT").as_deref()),
            None => FileStore::folder(&data_dir.join("files")),
        }
    }

    pub async fn put(&self, key: &str, data: Vec<u8>) -> Result<(), AppError> {
        self.inner
            .put(&StorePath::from(key), PutPayload::from(data))
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let got = self
            .inner
            .get(&StorePath::from(key))
            .await
            .map_err(storage_error)?;
        Ok(got.bytes().await.map_err(storage_error)?.to_vec())
    }

    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        self.inner
            .delete(&StorePath::from(key))
            .await
            .map_err(storage_error)
    }
}

fn storage_error(err: object_store::Error) -> AppError {
    match err {
        object_store::Error::NotFound { .. } => AppError::NotFound,
        other => {
            tracing::error!(error = %other, "file storage failed");
            AppError::Unavailable
        }
    }
}
