//! Clients that are slow on purpose do not exhaust the server: a slowloris
//! (many connections from one address, each stuck in its headers), a slow
//! body, an oversized head, a full server. Each loopback address 127.0.0.x is
//! another client address to the server, so the attacker and the honest
//! client are told apart as they would be on a network.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::*;
use crate::on_both_backends;

/// How long a test waits for what must happen at once or within a
/// configured timeout of a second or two — a guard against hanging, not a
/// measurement.
const PATIENCE: Duration = Duration::from_secs(30);

fn server_address(app: &TestApp) -> SocketAddr {
    app.address.trim_start_matches("http://").parse().unwrap()
}

/// A connection to `server` from the loopback address `from`.
async fn connect_from(from: [u8; 4], server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(server).await.unwrap()
}

/// Everything the server sends until it closes the connection.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "the server kept the connection open: {}", String::from_utf8_lossy(&seen));
    String::from_utf8_lossy(&seen).into_owned()
}

/// `GET /healthz` on a fresh connection from 127.0.0.1; the status line.
async fn healthz(server: SocketAddr) -> String {
    let mut stream = connect_from([127, 0, 0, 1], server).await;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nhost: gatehouse\r\nconnection: close\r\n\r\n").await.unwrap();
    until_closed(&mut stream).await.lines().next().unwrap_or("").to_owned()
}

on_both_backends! {
    async fn a_slowloris_from_one_address_does_not_stop_the_server(backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.header_read_timeout = Some("1s".into());
            c.max_connections_per_ip = Some(32);
        })
        .await;
        let server = server_address(&app);
        // 300 connections from one address, each stuck half-way through its headers.
        let mut slow = Vec::new();
        for _ in 0..300 {
            let mut stream = connect_from([127, 0, 0, 2], server).await;
            let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nhost: gatehouse\r\nx-slow: ").await;
            slow.push(stream);
        }
        // Another client is answered at once, as is the health check.
        assert_eq!(healthz(server).await, "HTTP/1.1 200 OK");
        let res = tokio::time::timeout(PATIENCE, app.get("/api/openapi.json").send()).await.unwrap().unwrap();
        assert_eq!(res.status(), 200);
        // The attacker's address got its share; the rest were refused at once
        // (429, problem+json); the held ones are closed by the header timeout.
        let mut refused = 0;
        for stream in &mut slow {
            let answer = until_closed(stream).await;
            if answer.starts_with("HTTP/1.1 429") {
                assert!(answer.contains("application/problem+json") && answer.contains("rate_limited"), "{answer}");
                refused += 1;
            }
        }
        assert_eq!(refused, 300 - 32, "all but the address's 32 were refused");
        // Their places are free again.
        drop(slow);
        let mut again = connect_from([127, 0, 0, 2], server).await;
        again.write_all(b"GET /healthz HTTP/1.1\r\nhost: gatehouse\r\nconnection: close\r\n\r\n").await.unwrap();
        let answer = until_closed(&mut again).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let metrics = app.get("/metrics").send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("gatehouse_connections_refused_total{reason=\"per_ip\"} 268"), "{metrics}");
    }

    async fn a_slow_body_times_out_and_an_oversized_head_is_refused(backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.request_timeout = Some("1s".into());
            c.max_header_bytes = Some(16 * 1024);
        })
        .await;
        let server = server_address(&app);
        // A body that never comes: 408 with a problem body, and the connection closes.
        let mut stream = connect_from([127, 0, 0, 3], server).await;
        stream
            .write_all(b"POST /api/auth/login HTTP/1.1\r\nhost: gatehouse\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"username\":")
            .await
            .unwrap();
        let answer = until_closed(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("application/problem+json") && answer.contains("\"request_timeout\""), "{answer}");
        // A head larger than max_header_bytes: 431.
        let mut stream = connect_from([127, 0, 0, 3], server).await;
        let big = format!("GET /healthz HTTP/1.1\r\nhost: gatehouse\r\nx-big: {}\r\n\r\n", "a".repeat(20 * 1024));
        stream.write_all(big.as_bytes()).await.unwrap();
        let answer = until_closed(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
        // One just under it is served.
        let fits = format!("GET /healthz HTTP/1.1\r\nhost: gatehouse\r\nconnection: close\r\nx-big: {}\r\n\r\n", "a".repeat(12 * 1024));
        let mut stream = connect_from([127, 0, 0, 3], server).await;
        stream.write_all(fits.as_bytes()).await.unwrap();
        assert!(until_closed(&mut stream).await.starts_with("HTTP/1.1 200"));
    }

    async fn a_full_server_says_so_and_recovers(backend) {
        let app = TestApp::spawn_with(backend, |c| c.max_connections = Some(8)).await;
        let server = server_address(&app);
        // Eight idle connections from eight addresses fill it.
        let mut held = Vec::new();
        for n in 0..8u8 {
            held.push(connect_from([127, 0, 1, n + 1], server).await);
        }
        let mut ninth = connect_from([127, 0, 0, 1], server).await;
        let answer = until_closed(&mut ninth).await;
        assert!(answer.starts_with("HTTP/1.1 503") && answer.contains("server_busy"), "{answer}");
        // Once they go, it serves again.
        drop(held);
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if healthz(server).await == "HTTP/1.1 200 OK" {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "the server did not free the places");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
