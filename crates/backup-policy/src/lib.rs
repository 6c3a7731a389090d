//! Pure policy core (no I/O).
