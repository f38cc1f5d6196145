//! Files panel (being written).
