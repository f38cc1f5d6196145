//! The `vitrina` binary itself: migrate, demo (and its refusal), user add, serve with a
//! graceful stop on SIGTERM. SQLite only: the commands share their code with the API suite.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Dir(std::path::PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> Dir {
    let path = std::env::temp_dir().join(format!("vitrina_cli_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).expect("temp dir");
    Dir(path)
}

fn vitrina(dir: &Dir) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vitrina"));
    cmd.env("VITRINA_DATA_DIR", &dir.0)
        .env_remove("DATABASE_URL")
        .env("VITRINA_LOG", "warn")
        .env("VITRINA_DEMO_PRODUCTS", "200");
    cmd
}

#[test]
fn migrate_demo_and_user_add_work_on_a_fresh_sqlite_file() {
    let dir = temp_dir("commands");
    let out = vitrina(&dir).arg("migrate").output().expect("run migrate");
    assert!(out.status.success(), "{out:?}");
    assert!(
        dir.0.join("vitrina.db").exists(),
        "SQLite file under VITRINA_DATA_DIR"
    );

    let out = vitrina(&dir).arg("demo").output().expect("run demo");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    for login in [
        "admin",
        "director",
        "accountant",
        "seller1",
        "seller5",
        "storekeeper1",
    ] {
        assert!(text.contains(login), "{login} printed in:\n{text}");
    }

    let out = vitrina(&dir).arg("demo").output().expect("run demo again");
    assert!(!out.status.success(), "a database with data is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let out = vitrina(&dir)
        .args(["demo", "--force"])
        .output()
        .expect("run demo --force");
    assert!(out.status.success(), "{out:?}");

    let out = vitrina(&dir)
        .args([
            "user",
            "add",
            "--login",
            "Owner",
            "--name",
            "Владелец сети",
            "--role",
            "admin",
        ])
        .env("VITRINA_PASSWORD", "long-secret")
        .output()
        .expect("user add");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("owner"));

    let out = vitrina(&dir)
        .args([
            "user", "add", "--login", "x", "--name", "X", "--role", "emperor",
        ])
        .env("VITRINA_PASSWORD", "long-secret")
        .output()
        .expect("user add with a bad role");
    assert!(!out.status.success());
}

/// One request on a new connection: the status line and the body.
fn get(port: u16, path: &str) -> Option<(String, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    Some((head.lines().next()?.to_string(), body.to_string()))
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let dir = temp_dir("serve");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").port()
    };
    let mut child = vitrina(&dir)
        .args(["serve", "--demo"])
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("VITRINA_DRAIN_SECONDS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    let mut ready = false;
    while started.elapsed() < Duration::from_secs(30) {
        if get(port, "/readyz").is_some_and(|(status, _)| status.starts_with("HTTP/1.1 200")) {
            ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(ready, "server became ready");
    let (status, _) = get(port, "/healthz").expect("healthz");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let stopping = Instant::now();
    // Draining: still answering, but not ready, so a balancer sends requests elsewhere.
    std::thread::sleep(Duration::from_millis(300));
    let (status, body) = get(port, "/readyz").expect("readyz while draining");
    assert!(status.starts_with("HTTP/1.1 503"), "{status}");
    assert!(body.contains("draining"), "{body}");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "clean exit: {status:?}");
            break;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(12),
            "stopped within the drain time and 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        stopping.elapsed() >= Duration::from_secs(2),
        "it waited VITRINA_DRAIN_SECONDS before closing"
    );
}
