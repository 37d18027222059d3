//! The RFC 8252 loopback redirect: a listener on 127.0.0.1 and an ephemeral port,
//! open only while its login is pending. It answers `GET /callback` only; a
//! request whose `state` matches no pending login (another local process trying
//! its luck, O-05) is refused and the listener keeps waiting for the real one.
//! Its pages load nothing from anywhere (no Referer can leak the code).

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use url::Url;

use super::types::{LoginOutcome, RedirectKind};
use super::{ConnectError, Connector};
use crate::{CoreError, Result};

pub(super) const PATH: &str = "/callback";

/// Binds the listener and serves until the login ends, the stop signal fires or
/// the login's time runs out. Returns the redirect URI to register.
pub(super) async fn listen(connector: Arc<Connector>) -> Result<(Url, oneshot::Sender<()>)> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(|e| ConnectError::Loopback(e.to_string()))?;
    let port = listener
        .local_addr()
        .map_err(|e| ConnectError::Loopback(e.to_string()))?
        .port();
    let redirect = Url::parse(&format!("http://127.0.0.1:{port}{PATH}"))
        .map_err(|e| ConnectError::Loopback(e.to_string()))?;
    let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<()>(1);
    let deadline = connector.config.login_timeout;
    tokio::spawn(async move {
        let timeout = tokio::time::sleep(deadline);
        tokio::pin!(timeout);
        loop {
            tokio::select! {
                _ = &mut stop_rx => break,
                _ = done_rx.recv() => break,
                _ = &mut timeout => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let connector = connector.clone();
                    let done = done_tx.clone();
                    tokio::spawn(async move {
                        let service =
                            service_fn(move |req| handle(connector.clone(), done.clone(), req));
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            }
        }
        // Dropping the listener closes the port.
    });
    Ok((redirect, stop_tx))
}

async fn handle(
    connector: Arc<Connector>,
    done: tokio::sync::mpsc::Sender<()>,
    req: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_owned();
    // `/callback`, or an integrator attempt's own `/callback/integrator/<nonce>`.
    let integrator_return = path
        .strip_prefix(PATH)
        .and_then(|rest| rest.strip_prefix("/integrator/"))
        .is_some_and(|nonce| !nonce.is_empty() && nonce.chars().all(|c| c.is_ascii_alphanumeric()));
    if req.method() != Method::GET || (path != PATH && !integrator_return) {
        return Ok(page(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is nothing here.",
        ));
    }
    let query = req.uri().query().unwrap_or("");
    let Ok(url) = Url::parse(&format!("http://127.0.0.1{path}?{query}")) else {
        return Ok(page(
            StatusCode::BAD_REQUEST,
            "Not accepted",
            "This address is not valid.",
        ));
    };
    // Boxed as `dyn Future + Send`: the compiler checks `Send` here, with concrete
    // lifetimes, instead of failing to prove it for all lifetimes at the spawn.
    let completion: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<super::LoginFinished>> + Send>,
    > = Box::pin(async move { connector.complete_login(&url, RedirectKind::Loopback).await });
    match completion.await {
        Err(CoreError::Connect(ConnectError::NoPendingLogin)) => Ok(page(
            StatusCode::BAD_REQUEST,
            "Not accepted",
            "This sign-in answer does not belong to a sign-in Ownchart is waiting for.",
        )),
        Err(e) => {
            let _ = done.try_send(());
            Ok(page(
                StatusCode::BAD_REQUEST,
                "Sign-in failed",
                &e.to_string(),
            ))
        }
        Ok(finished) => {
            let _ = done.try_send(());
            Ok(match finished.result {
                LoginOutcome::Connected { connection } => page(
                    StatusCode::OK,
                    "Connected",
                    &format!(
                        "Ownchart is connected to {}. You can close this tab and go back to Ownchart.",
                        connection.portal_name
                    ),
                ),
                LoginOutcome::Cancelled => page(
                    StatusCode::OK,
                    "Cancelled",
                    "The sign-in was cancelled. You can close this tab.",
                ),
                LoginOutcome::Failed { message, .. } => {
                    page(StatusCode::BAD_REQUEST, "Sign-in failed", &message)
                }
            })
        }
    }
}

fn page(status: StatusCode, title: &str, text: &str) -> Response<Full<Bytes>> {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>Ownchart: {t}</title></head>\
         <body style=\"font-family:sans-serif;max-width:32rem;margin:4rem auto\">\
         <h1>{t}</h1><p>{x}</p></body></html>",
        t = escape(title),
        x = escape(text)
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        hyper::header::CONTENT_SECURITY_POLICY,
        hyper::header::HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    headers.insert(
        hyper::header::REFERRER_POLICY,
        hyper::header::HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-store"),
    );
    response
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
