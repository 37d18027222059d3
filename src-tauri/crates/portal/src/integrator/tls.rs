//! The API's mutual TLS: rustls (ring provider) requiring a client certificate
//! issued by the configured CA, and an axum listener that hands over only
//! connections whose handshake succeeded. Handshakes run concurrently, each
//! under a timeout, so a client that stalls delays nobody.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use super::config::ServerTls;
use crate::error::{PortalError, Result};

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

fn bad(what: &str) -> PortalError {
    PortalError::Config(format!("the integrator's TLS setup failed: {what}"))
}

/// rustls' server configuration: TLS 1.2 and 1.3, client certificates required.
pub(crate) fn server_config(tls: &ServerTls) -> Result<Arc<ServerConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = CertificateDer::pem_slice_iter(tls.certificate_chain_pem.as_bytes())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| bad("the server certificate is not PEM"))?;
    let key = PrivateKeyDer::from_pem_slice(tls.private_key_pem.as_bytes())
        .map_err(|_| bad("the server key is not PEM"))?;
    let mut roots = RootCertStore::empty();
    for ca in CertificateDer::pem_slice_iter(tls.client_ca_pem.as_bytes()) {
        let ca = ca.map_err(|_| bad("the client CA is not PEM"))?;
        roots
            .add(ca)
            .map_err(|_| bad("the client CA is not usable"))?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|_| bad("the client certificate check could not be set up"))?;
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| bad("no TLS version"))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|_| bad("the server certificate and key do not match"))?;
    Ok(Arc::new(config))
}

/// Connections that completed a mutual TLS handshake.
pub(crate) struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    pub(crate) fn new(listener: TcpListener, config: Arc<ServerConfig>) -> Result<TlsListener> {
        let local = listener
            .local_addr()
            .map_err(|source| PortalError::Bind { port: 0, source })?;
        let acceptor = TlsAcceptor::from(config);
        let (tx, ready) = mpsc::channel(16);
        tokio::spawn(async move {
            loop {
                let Ok((tcp, peer)) = listener.accept().await else {
                    continue;
                };
                if tx.is_closed() {
                    break;
                }
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    // A failed handshake (no certificate, one from another CA)
                    // just closes that connection.
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                    {
                        let _ = tx.send((stream, peer)).await;
                    }
                });
            }
        });
        Ok(TlsListener { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The acceptor task is gone: nothing will ever arrive again.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}
