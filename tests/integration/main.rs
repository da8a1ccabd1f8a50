//! leakcheck's CLI tests: one test binary (see `util` for the harness).

mod cli;
mod corpus;
mod diff;
mod dkim;
mod documents;
mod evidence;
mod formats;
mod fuzz;
mod hostile;
mod hostile_corpus;
mod html;
mod manifest;
mod outlook;
mod reports;
mod samples;
mod shard;
mod util;
