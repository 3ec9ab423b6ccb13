//! Starts a real `moto` server (PyPI `moto[server]`, installed by `scripts/ensure-moto`) on a free
//! loopback port, and stops it on drop. There is no silent skip: without moto the test fails and
//! says how to install it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The port.
    pub port: u16,
}

fn moto_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("INFRA_VERIFY_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let venv = std::env::var_os("INFRA_VERIFY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-moto"));
    let bin = venv.join("bin").join("moto_server");
    assert!(
        bin.exists(),
        "the moto server is not installed ({} is missing). Run the tests with `scripts/test`, \
         which installs the pinned moto into .venv-moto, or run `scripts/ensure-moto` once.",
        bin.display()
    );
    bin
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    l.local_addr().expect("local addr").port()
}

fn ready(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(
        b"GET /moto-api/data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.")
}

impl Moto {
    /// Starts moto and waits until it answers.
    pub fn start() -> Moto {
        let bin = moto_binary();
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(&bin)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_ACM_VALIDATION_WAIT", "0")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = child.try_wait() {
                    eprintln!("moto exited early ({status}); retrying on another port");
                    break;
                }
                if ready(port) {
                    return Moto {
                        child,
                        endpoint: format!("http://127.0.0.1:{port}"),
                        port,
                    };
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("moto did not start on a free loopback port");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
