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
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    let mut healthy = false;
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ =
                stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut text = String::new();
            let _ = stream.read_to_string(&mut text);
            if text.starts_with("HTTP/1.1 200") {
                healthy = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(healthy, "server became healthy");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let stopping = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "clean exit: {status:?}");
            break;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "stopped within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
