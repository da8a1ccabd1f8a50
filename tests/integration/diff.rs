//! Tests of `leakcheck diff`.
