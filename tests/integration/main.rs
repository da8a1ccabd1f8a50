//! leakcheck's CLI tests: one test binary (see `util` for the harness).

mod cli;
mod corpus;
mod diff;
mod dkim;
mod documents;
mod formats;
mod hostile;
mod html;
mod manifest;
mod outlook;
mod reports;
mod samples;
mod shard;
mod util;
