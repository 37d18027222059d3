//! The network side of the fhir crate against real HTTP servers on 127.0.0.1:0:
//! small recording servers (hyper) for well-behaved portals, raw TCP sockets
//! for hostile ones (stalls, floods, lying lengths). One binary, a module per
//! area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod server;

mod discovery;
mod http;
mod read;
mod token;
