//! posture's GCP collector.
