//! posture serve (being written)
