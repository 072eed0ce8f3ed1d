//! Inventory writers: straight to a stream when the header is known up front,
//! or to a file through a spool, so that the header (which carries the
//! collection errors, known only at the end) comes first and a reader never
//! sees a half-written file.

use crate::InventoryError;
use posture_model::{InventoryHeader, Resource};
use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

/// Writes an inventory to any stream, header first.
#[derive(Debug)]
pub struct InventoryWriter<W: Write> {
    out: W,
}

impl<W: Write> InventoryWriter<W> {
    pub fn new(mut out: W, header: &InventoryHeader) -> Result<Self, InventoryError> {
        write_line(&mut out, header)?;
        Ok(InventoryWriter { out })
    }

    pub fn write(&mut self, resource: &Resource) -> Result<(), InventoryError> {
        write_line(&mut self.out, resource)
    }

    pub fn finish(mut self) -> Result<W, InventoryError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn write_line<T: serde::Serialize>(out: &mut impl Write, value: &T) -> Result<(), InventoryError> {
    serde_json::to_writer(&mut *out, value).map_err(|e| InventoryError::Write(e.to_string()))?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes an inventory file whose header is given at the end: resources are
/// spooled to a temporary file beside the target, then header and resources
/// are written to another temporary file that replaces the target atomically.
#[derive(Debug)]
pub struct InventoryFileWriter {
    target: PathBuf,
    spool_path: PathBuf,
    spool: BufWriter<File>,
}

impl InventoryFileWriter {
    pub fn create(target: &Path) -> Result<Self, InventoryError> {
        let spool_path = sibling(target, "resources.partial");
        let spool = BufWriter::new(
            File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&spool_path)?,
        );
        Ok(InventoryFileWriter {
            target: target.to_owned(),
            spool_path,
            spool,
        })
    }

    pub fn write(&mut self, resource: &Resource) -> Result<(), InventoryError> {
        write_line(&mut self.spool, resource)
    }

    /// Writes the file with `header` first and moves it into place.
    pub fn finish(self, header: &InventoryHeader) -> Result<(), InventoryError> {
        let result = assemble(self.spool, header, &self.target);
        let _ = fs::remove_file(&self.spool_path);
        result
    }
}

fn assemble(
    spool: BufWriter<File>,
    header: &InventoryHeader,
    target: &Path,
) -> Result<(), InventoryError> {
    let mut spool = spool
        .into_inner()
        .map_err(|e| InventoryError::Io(e.into_error()))?;
    spool.rewind()?;
    let partial = sibling(target, "partial");
    let mut out = BufWriter::new(File::create(&partial)?);
    write_line(&mut out, header)?;
    io::copy(&mut spool, &mut out)?;
    out.flush()?;
    out.get_ref().sync_all()?;
    fs::rename(&partial, target)?;
    Ok(())
}

fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{suffix}"));
    target.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InventoryReader;
    use posture_model::{CollectionError, Provider, ResourceKind};

    fn bucket(name: &str) -> Resource {
        Resource {
            provider: Provider::Aws,
            account_id: "123456789012".into(),
            region: "eu-west-1".into(),
            kind: ResourceKind::parse("aws.s3.bucket").expect("kind"),
            id: format!("arn:aws:s3:::{name}"),
            name: name.into(),
            tags: [("env".to_owned(), "prod".to_owned())].into(),
            config: serde_json::json!({"versioning": {"status": "Enabled"}})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            collected_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn file_writer_puts_the_late_header_first_and_round_trips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inventory.jsonl");
        let mut writer = InventoryFileWriter::create(&path).expect("create");
        writer.write(&bucket("a")).expect("write");
        writer.write(&bucket("b")).expect("write");
        let mut header =
            InventoryHeader::new(Provider::Aws, "123456789012", chrono::DateTime::UNIX_EPOCH);
        header.errors.push(CollectionError {
            kind: ResourceKind::parse("aws.iam.user").expect("kind"),
            region: "global".into(),
            resource_id: None,
            action: "iam:ListUsers".into(),
            permission: Some("iam:ListUsers".into()),
            message: "access denied".into(),
        });
        writer.finish(&header).expect("finish");

        let file = io::BufReader::new(File::open(&path).expect("open"));
        let (read_header, resources) = InventoryReader::open(file)
            .and_then(InventoryReader::read_all)
            .expect("read");
        assert_eq!(read_header, header);
        assert_eq!(resources, vec![bucket("a"), bucket("b")]);
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(leftovers.len(), 1, "spool and partial files are removed");
    }
}
