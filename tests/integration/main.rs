//! leakcheck's CLI tests: one test binary (see `util` for the harness).

mod corpus;
mod dkim;
mod documents;
mod formats;
mod hostile;
mod outlook;
mod samples;
mod util;
