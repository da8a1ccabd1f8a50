//! leakcheck's CLI tests: one test binary (see `util` for the harness).

mod corpus;
mod hostile;
mod samples;
mod util;
