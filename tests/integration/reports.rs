//! Tests of the reports output.
