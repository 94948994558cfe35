//! Kept-alive connections survive answers given before the request body was read: a client
//! that reuses its connection after a 401, a 413 or a rejected body gets its next answer, over
//! a real socket (in-process requests have no connection to lose).
use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::common::{Db, TestApp};

/// Serves `app` on a loopback port; its address.
async fn serve(app: &TestApp) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// Reads one HTTP/1.1 answer (headers and a `Content-Length` body); its head.
async fn read_answer(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(
            n > 0,
            "connection closed before the answer: {}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                return head.to_owned();
            }
        }
    }
}

#[tokio::test]
async fn early_answers_keep_the_connection_usable() {
    let app = TestApp::start(Db::Sqlite).await.unwrap();
    let dir = app.directory("Keep alive").await;
    let addr = serve(&app).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let body = format!("{{\"userName\":\"{}\"}}", "a".repeat(200_000));
    let requests = [
        // Refused by the key check before the body is read.
        format!(
            "POST /scim/directory/{}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\
             Content-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
            dir.directory_id,
            body.len()
        ),
        // Refused as unauthenticated by the admin API before the body is read.
        format!(
            "POST /api/v1/directories HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
        // Past the admin body limit (1 MiB): read only up to the limit by the handler.
        {
            let big = "b".repeat(3 * 1024 * 1024);
            format!(
                "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n{big}",
                big.len()
            )
        },
    ];
    for request in &requests {
        stream.write_all(request.as_bytes()).await.unwrap();
        let head = read_answer(&mut stream).await;
        assert!(head.starts_with("HTTP/1.1 4"), "{head}");
        assert!(
            !head.to_ascii_lowercase().contains("connection: close"),
            "{head}"
        );
    }
    // The same connection still answers.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let head = read_answer(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}
