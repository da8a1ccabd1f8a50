//! Tests of the html output.
