//! Telephony on both databases, against real protocol peers: the generic webhook (events
//! twice and out of order make one call; the pop-up reaches the ringing employee's
//! sockets only; a wrong token is 401; an unknown extension is logged without a pop-up;
//! a hangup alone is a missed call and a notification), Zadarma's signed notifications,
//! and a fake Asterisk speaking AMI's line protocol (events of an inbound answered call
//! with a duplicate, an inbound missed call, an outbound call; the `Originate` that
//! click-to-call sends).

use crate::helpers::{on_each_backend, TestApp};
use crate::live::{next_event, open};
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

async fn admin_settings(app: &TestApp, admin: &reqwest::Client, input: Value) {
    let (status, body) = app
        .server_fn(admin, "telephony/save_settings", json!({ "input": input }))
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn client_with_phone(
    app: &TestApp,
    seller: &reqwest::Client,
    name: &str,
    phone: &str,
) -> i64 {
    let res = seller
        .post(app.url("/api/v1/clients"))
        .json(&json!({"name": name, "phones": [phone]}))
        .send()
        .await
        .expect("client");
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id")
}

fn hook(app: &TestApp, token: &str, body: Value) -> reqwest::RequestBuilder {
    app.client()
        .post(app.url("/api/v1/telephony/events"))
        .bearer_auth(token)
        .json(&body)
}

async fn calls(app: &TestApp, who: &reqwest::Client, query: &str) -> Vec<Value> {
    who.get(app.url(&format!("/api/v1/calls{query}")))
        .send()
        .await
        .expect("calls")
        .json()
        .await
        .expect("json")
}

/// Nothing matching `pred` arrives on the socket for `wait`.
async fn nothing(socket: &mut crate::live::Socket, wait: Duration, pred: impl Fn(&Value) -> bool) {
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, socket.next()).await {
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let v: Value = serde_json::from_str(&text).expect("json");
            assert!(!pred(&v), "unexpected event {v}");
        }
    }
}

#[tokio::test]
async fn webhook_events_twice_or_out_of_order_make_one_call_and_pop_up_only_for_the_ringing_employee(
) {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (seller1, t1) = app.sign_in("seller1").await;
        let (_, t2) = app.sign_in("seller2").await;
        admin_settings(&app, &admin, json!({"connector": "none", "webhook_token": "t0k-en"})).await;
        let client = client_with_phone(&app, &seller1, "Анна Звонкова", "+7 916 555-12-34").await;
        let mut ws1 = open(&app, Some(("cookie", format!("vitrina_session={t1}")))).await.expect("ws1");
        let mut ws2 = open(&app, Some(("cookie", format!("vitrina_session={t2}")))).await.expect("ws2");
        next_event(&mut ws1, |v| v["type"] == "presence").await;
        next_event(&mut ws2, |v| v["type"] == "presence").await;

        // A wrong token, or none: 401, nothing recorded.
        let ring = json!({"call_id": "A-1", "event": "ringing", "direction": "in", "from": "8 (916) 555-12-34",
                          "to": "74950000000", "extension": "101", "at": 1_000_000});
        assert_eq!(hook(&app, "wrong", ring.clone()).send().await.expect("hook").status(), 401);
        let res = app.client().post(app.url("/api/v1/telephony/events")).json(&ring).send().await.expect("hook");
        assert_eq!(res.status(), 401);

        let started = Instant::now();
        assert_eq!(hook(&app, "t0k-en", ring.clone()).send().await.expect("hook").status(), 200);
        let pop = next_event(&mut ws1, |v| v["type"] == "call").await;
        eprintln!("ringing → seller1's socket in {:?}", started.elapsed());
        let call_id = pop["call"].as_i64().expect("call id");
        nothing(&mut ws2, Duration::from_millis(500), |v| v["type"] == "call").await;
        // The pop-up's card: the client matched by the phone in another format.
        let (status, card) = app.server_fn(&seller1, "telephony/card", json!({"id": call_id})).await;
        assert_eq!(status, 200, "{card}");
        assert_eq!(card["clients"][0][0], client);
        let (seller2, _) = app.sign_in("seller2").await;
        let (status, _) = app.server_fn(&seller2, "telephony/card", json!({"id": call_id})).await;
        assert_eq!(status, 404, "another seller does not open this call's card");

        // Twice, and out of order: the hangup before the answer.
        assert_eq!(hook(&app, "t0k-en", ring).send().await.expect("dup").status(), 200);
        let mut hangup = json!({"call_id": "A-1", "event": "hangup", "direction": "in", "from": "89165551234", "extension": "101", "at": 1_065_000});
        assert_eq!(hook(&app, "t0k-en", hangup.clone()).send().await.expect("hangup").status(), 200);
        let answer = json!({"call_id": "A-1", "event": "answered", "direction": "in", "from": "89165551234", "extension": "101", "at": 1_005_000,
                            "recording_url": "https://pbx.example/rec/A-1.mp3"});
        assert_eq!(hook(&app, "t0k-en", answer).send().await.expect("answer").status(), 200);
        let log = calls(&app, &seller1, &format!("?client_id={client}")).await;
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0]["result"], "completed");
        assert_eq!(log[0]["duration"], 60);
        assert_eq!(log[0]["started_at"], 1_000_000);
        assert_eq!(log[0]["employee_name"], "Анна Смирнова");
        assert_eq!(log[0]["recording_url"], "https://pbx.example/rec/A-1.mp3");
        // Not a missed call: no notification.
        let (missed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notification WHERE kind = 'missed_call'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
        assert_eq!(missed, 0);

        // An extension nobody has: logged, no pop-up.
        let stray = json!({"call_id": "B-1", "event": "ringing", "direction": "in", "from": "79160000000", "extension": "999"});
        assert_eq!(hook(&app, "t0k-en", stray).send().await.expect("stray").status(), 200);
        nothing(&mut ws1, Duration::from_millis(300), |v| v["type"] == "call" && v["call"] != call_id).await;
        let all = calls(&app, &admin, "").await;
        assert!(all.iter().any(|c| c["extension"] == "999" && c["employee_id"].is_null()));

        // A hangup with no ringing before it: a missed call, and the bell says so.
        hangup["call_id"] = json!("C-1");
        hangup["from"] = json!("+79165551234");
        assert_eq!(hook(&app, "t0k-en", hangup).send().await.expect("alone").status(), 200);
        let bell = next_event(&mut ws1, |v| v["type"] == "notified").await;
        assert!(bell["employee_id"].is_i64());
        let (kind, link): (String, String) =
            sqlx::query_as("SELECT kind, link FROM notification WHERE kind = 'missed_call'")
                .fetch_one(&app.db.pool)
                .await
                .expect("notification");
        assert_eq!((kind.as_str(), link), ("missed_call", format!("/clients/{client}")));
        let log = calls(&app, &seller1, &format!("?client_id={client}")).await;
        assert_eq!(log.len(), 2);
        assert!(log.iter().any(|c| c["result"] == "missed"));

        // Hostile input: NUL, a huge duration, a forged recording URL.
        for bad in [
            json!({"call_id": "x\u{0000}", "event": "ringing", "direction": "in"}),
            json!({"call_id": "D", "event": "hangup", "direction": "in", "duration": 99_999_999_999_i64}),
            json!({"call_id": "D", "event": "hangup", "direction": "in", "recording_url": "javascript:alert(1)"}),
        ] {
            let status = hook(&app, "t0k-en", bad.clone()).send().await.expect("bad").status();
            assert_eq!(status, 422, "{bad}");
        }
        // Another shop's seller does not see seller1's calls.
        assert!(calls(&app, &seller2, &format!("?client_id={client}")).await.is_empty());
        // The constructor's calls block: calls and missed calls by employee.
        let (status, state) = crate::reports::run_spec(&app, &admin, json!({
            "block": "calls",
            "groups": [{"field": "employee.name"}],
            "measures": [{"func": "count"}, {"func": "sum", "field": "missed"}],
        })).await;
        assert_eq!(status, 200, "{state}");
        let table = crate::reports::rows(&state);
        assert!(table.contains(&vec!["Анна Смирнова".to_string(), "2".into(), "1".into()]), "{table:?}");
        // A manager's calls block holds only their shops' calls.
        let (status, state) = crate::reports::run_spec(&app, &seller2, json!({
            "block": "calls", "groups": [{"field": "employee.name"}], "measures": [{"func": "count"}],
        })).await;
        assert!(status == 403 || crate::reports::rows(&state).is_empty(), "{state}");
        app
    })
    .await;
}

#[tokio::test]
async fn zadarma_notifications_are_verified_by_their_signature_and_become_calls() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (seller2, _) = app.sign_in("seller2").await;
        admin_settings(
            &app,
            &admin,
            json!({"connector": "zadarma", "zadarma_key": "KEY", "zadarma_secret": "S3CRET"}),
        )
        .await;
        let client = client_with_phone(&app, &seller2, "Пётр Облачный", "+7 903 111-22-33").await;
        // The URL check Zadarma makes when it is saved.
        let echo = app
            .client()
            .get(app.url("/api/v1/telephony/zadarma?zd_echo=abc123"))
            .send()
            .await
            .expect("echo");
        assert_eq!(echo.text().await.expect("text"), "abc123");
        let post = |fields: Vec<(&str, &str)>, signature: String| {
            let body: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            app.client()
                .post(app.url("/api/v1/telephony/zadarma"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("Signature", signature)
                .body(body)
                .send()
        };
        // Now, as Zadarma writes it (an old call_start would be a replay, refused).
        let now = app::db::now_ms();
        let secs = now / 1000 % 86_400;
        let start = format!(
            "{} {:02}:{:02}:{:02}",
            app::time::day_text(now / 86_400_000),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        let start = start.as_str();
        let sign = |text: String| app::telephony::zadarma::sign("S3CRET", &text);
        let internal = vec![
            ("event", "NOTIFY_INTERNAL"),
            ("call_start", start),
            ("pbx_call_id", "in_42"),
            ("caller_id", "79031112233"),
            ("called_did", "74950000000"),
            ("internal", "102"),
        ];
        let good = sign(format!("79031112233{}{start}", "74950000000"));
        assert_eq!(
            post(internal.clone(), "bm90IGl0".into())
                .await
                .expect("forged")
                .status(),
            401
        );
        assert_eq!(post(internal, good).await.expect("internal").status(), 200);
        let end = vec![
            ("event", "NOTIFY_END"),
            ("call_start", start),
            ("pbx_call_id", "in_42"),
            ("caller_id", "79031112233"),
            ("called_did", "74950000000"),
            ("internal", "102"),
            ("duration", "0"),
            ("disposition", "cancel"),
            ("status_code", "16"),
            ("is_recorded", "0"),
        ];
        let good = sign(format!("79031112233{}{start}", "74950000000"));
        assert_eq!(post(end, good).await.expect("end").status(), 200);
        let log = calls(&app, &seller2, &format!("?client_id={client}")).await;
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0]["result"], "missed");
        assert_eq!(log[0]["extension"], "102");
        app
    })
    .await;
}

/// A fake Asterisk: the banner, a login, then whatever the test sends; it keeps every
/// action it receives.
struct FakeAmi {
    port: u16,
    actions: Arc<Mutex<Vec<String>>>,
    events: tokio::sync::mpsc::Sender<String>,
}

async fn fake_ami() -> FakeAmi {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let actions = Arc::new(Mutex::new(Vec::new()));
    let (events, mut rx) = tokio::sync::mpsc::channel::<String>(64);
    let seen = actions.clone();
    tokio::spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let (read, mut write) = stream.into_split();
        let mut reader = BufReader::new(read);
        let _ = write.write_all(b"Asterisk Call Manager/7.0.3\r\n").await;
        let mut message = String::new();
        loop {
            tokio::select! {
                line = async { let mut l = String::new(); reader.read_line(&mut l).await.map(|n| (n, l)) } => {
                    let Ok((n, line)) = line else { return };
                    if n == 0 { return; }
                    if line.trim().is_empty() {
                        let action = std::mem::take(&mut message);
                        let id = action.lines().find_map(|l| l.strip_prefix("ActionID: ")).unwrap_or("").to_string();
                        let answer = if action.contains("Action: Login") {
                            if action.contains("Secret: s3cret") { "Response: Success\r\nActionID: login\r\nMessage: Authentication accepted\r\n\r\n".to_string() }
                            else { "Response: Error\r\nActionID: login\r\nMessage: Authentication failed\r\n\r\n".to_string() }
                        } else {
                            format!("Response: Success\r\nActionID: {id}\r\nMessage: Originate successfully queued\r\n\r\n")
                        };
                        seen.lock().expect("lock").push(action);
                        let _ = write.write_all(answer.as_bytes()).await;
                    } else {
                        message.push_str(&line);
                    }
                }
                Some(text) = rx.recv() => { let _ = write.write_all(text.as_bytes()).await; }
            }
        }
    });
    FakeAmi {
        port,
        actions,
        events,
    }
}

fn ami_event(pairs: &[(&str, &str)]) -> String {
    let mut s: String = pairs.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    s.push_str("\r\n");
    s
}

#[tokio::test]
async fn a_fake_asterisk_s_events_become_calls_and_click_to_call_sends_originate() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (seller1, t1) = app.sign_in("seller1").await;
        let ami = fake_ami().await;
        admin_settings(
            &app,
            &admin,
            json!({"connector": "ami", "ami_host": "127.0.0.1", "ami_port": ami.port,
            "ami_user": "vitrina", "ami_secret": "s3cret", "ami_context": "from-internal"}),
        )
        .await;
        // Connected within a few seconds (the connector looks at the settings every 3 s).
        let start = Instant::now();
        loop {
            let (_, s) = app.server_fn(&admin, "telephony/settings", json!({})).await;
            if s["ami_state"] == "connected" {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "not connected: {s}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(ami.actions.lock().expect("lock")[0].contains("Username: vitrina"));
        let (_, settings) = app.server_fn(&admin, "telephony/settings", json!({})).await;
        assert!(
            !settings.to_string().contains("s3cret"),
            "the secret is never sent back"
        );
        let client =
            client_with_phone(&app, &seller1, "Ирина Астерискова", "+7 926 777-88-99").await;
        let mut ws1 = open(&app, Some(("cookie", format!("vitrina_session={t1}"))))
            .await
            .expect("ws1");
        next_event(&mut ws1, |v| v["type"] == "presence").await;

        // (a) Inbound, answered by 101, with a duplicate DialBegin.
        let a = [
            ami_event(&[
                ("Event", "Newchannel"),
                ("Channel", "PJSIP/trunk-00000001"),
                ("ChannelState", "4"),
                ("CallerIDNum", "79267778899"),
                ("Exten", "74950000000"),
                ("Uniqueid", "1700.1"),
                ("Linkedid", "1700.1"),
            ]),
            ami_event(&[
                ("Event", "Newchannel"),
                ("Channel", "PJSIP/101-00000002"),
                ("ChannelState", "0"),
                ("Uniqueid", "1700.2"),
                ("Linkedid", "1700.1"),
            ]),
            ami_event(&[
                ("Event", "DialBegin"),
                ("Channel", "PJSIP/trunk-00000001"),
                ("CallerIDNum", "79267778899"),
                ("Uniqueid", "1700.1"),
                ("Linkedid", "1700.1"),
                ("DestChannel", "PJSIP/101-00000002"),
                ("DestUniqueid", "1700.2"),
            ]),
            ami_event(&[
                ("Event", "DialBegin"),
                ("Channel", "PJSIP/trunk-00000001"),
                ("CallerIDNum", "79267778899"),
                ("Uniqueid", "1700.1"),
                ("Linkedid", "1700.1"),
                ("DestChannel", "PJSIP/101-00000002"),
                ("DestUniqueid", "1700.2"),
            ]),
            ami_event(&[
                ("Event", "Newstate"),
                ("Channel", "PJSIP/101-00000002"),
                ("ChannelState", "6"),
                ("ChannelStateDesc", "Up"),
                ("Uniqueid", "1700.2"),
                ("Linkedid", "1700.1"),
            ]),
            ami_event(&[
                ("Event", "DialEnd"),
                ("Uniqueid", "1700.1"),
                ("Linkedid", "1700.1"),
                ("DestChannel", "PJSIP/101-00000002"),
                ("DialStatus", "ANSWER"),
            ]),
            ami_event(&[
                ("Event", "BridgeEnter"),
                ("Uniqueid", "1700.2"),
                ("Linkedid", "1700.1"),
                ("BridgeUniqueid", "br-1"),
            ]),
        ];
        for e in &a {
            ami.events.send(e.clone()).await.expect("send");
        }
        let pop = next_event(&mut ws1, |v| v["type"] == "call").await;
        let id = pop["call"].as_i64().expect("id");
        tokio::time::sleep(Duration::from_millis(1200)).await;
        ami.events
            .send(ami_event(&[
                ("Event", "Hangup"),
                ("Channel", "PJSIP/101-00000002"),
                ("Uniqueid", "1700.2"),
                ("Linkedid", "1700.1"),
                ("Cause", "16"),
            ]))
            .await
            .expect("send");
        ami.events
            .send(ami_event(&[
                ("Event", "Hangup"),
                ("Channel", "PJSIP/trunk-00000001"),
                ("Uniqueid", "1700.1"),
                ("Linkedid", "1700.1"),
                ("Cause", "16"),
            ]))
            .await
            .expect("send");
        // (b) Inbound to 102, not answered.
        for e in [
            ami_event(&[
                ("Event", "Newchannel"),
                ("Channel", "PJSIP/trunk-00000003"),
                ("CallerIDNum", "79260000001"),
                ("Uniqueid", "1800.1"),
                ("Linkedid", "1800.1"),
            ]),
            ami_event(&[
                ("Event", "DialBegin"),
                ("Channel", "PJSIP/trunk-00000003"),
                ("CallerIDNum", "79260000001"),
                ("Uniqueid", "1800.1"),
                ("Linkedid", "1800.1"),
                ("DestChannel", "PJSIP/102-00000004"),
            ]),
            ami_event(&[
                ("Event", "DialEnd"),
                ("Uniqueid", "1800.1"),
                ("Linkedid", "1800.1"),
                ("DialStatus", "CANCEL"),
            ]),
            ami_event(&[
                ("Event", "Hangup"),
                ("Channel", "PJSIP/trunk-00000003"),
                ("Uniqueid", "1800.1"),
                ("Linkedid", "1800.1"),
                ("Cause", "16"),
            ]),
        ] {
            ami.events.send(e).await.expect("send");
        }
        // (c) Outbound from 103.
        for e in [
            ami_event(&[
                ("Event", "Newchannel"),
                ("Channel", "PJSIP/103-00000005"),
                ("CallerIDNum", "103"),
                ("Exten", "79267778899"),
                ("Uniqueid", "1900.1"),
                ("Linkedid", "1900.1"),
            ]),
            ami_event(&[
                ("Event", "DialBegin"),
                ("Channel", "PJSIP/103-00000005"),
                ("Uniqueid", "1900.1"),
                ("Linkedid", "1900.1"),
                ("DestChannel", "PJSIP/trunk-00000006"),
            ]),
            ami_event(&[
                ("Event", "DialEnd"),
                ("Uniqueid", "1900.1"),
                ("Linkedid", "1900.1"),
                ("DialStatus", "ANSWER"),
            ]),
            ami_event(&[
                ("Event", "Hangup"),
                ("Channel", "PJSIP/103-00000005"),
                ("Uniqueid", "1900.1"),
                ("Linkedid", "1900.1"),
            ]),
        ] {
            ami.events.send(e).await.expect("send");
        }
        let start = Instant::now();
        let log = loop {
            let log = calls(&app, &admin, "").await;
            if log.len() >= 3
                && log
                    .iter()
                    .all(|c| c["result"] != "ringing" && c["result"] != "answered")
            {
                break log;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{log:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let of =
            |key: &str, value: &str| log.iter().find(|c| c[key] == value).cloned().expect(value);
        let answered = of("extension", "101");
        assert_eq!(
            (answered["id"].as_i64(), answered["client_id"].as_i64()),
            (Some(id), Some(client))
        );
        assert_eq!(answered["result"], "completed");
        assert!(
            answered["duration"].as_i64().expect("duration") >= 1,
            "{answered}"
        );
        assert_eq!(of("extension", "102")["result"], "missed");
        let out = of("extension", "103");
        assert_eq!(
            (out["direction"].as_str(), out["phone"].as_str()),
            (Some("out"), Some("79267778899"))
        );
        assert_eq!(out["client_id"].as_i64(), Some(client));

        // Click-to-call from seller1's desk (extension 101).
        let res = seller1
            .post(app.url("/api/v1/calls"))
            .json(&json!({"phone": "8 (926) 777-88-99"}))
            .send()
            .await
            .expect("dial");
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
        let originate = ami
            .actions
            .lock()
            .expect("lock")
            .iter()
            .find(|a| a.contains("Action: Originate"))
            .cloned()
            .expect("originate");
        assert!(originate.contains("Channel: PJSIP/101"), "{originate}");
        assert!(originate.contains("Exten: 79267778899"), "{originate}");
        assert!(originate.contains("Context: from-internal"), "{originate}");
        // Without an extension: refused in words.
        let (storekeeper, _) = app.sign_in("storekeeper1").await;
        let res = storekeeper
            .post(app.url("/api/v1/calls"))
            .json(&json!({"phone": "+79267778899"}))
            .send()
            .await
            .expect("dial");
        assert_eq!(res.status(), 422);
        assert_eq!(
            res.json::<Value>().await.expect("json")["error"]["code"],
            "no_extension"
        );
        // A bad number never reaches the PBX.
        let res = seller1
            .post(app.url("/api/v1/calls"))
            .json(&json!({"phone": "12"}))
            .send()
            .await
            .expect("dial");
        assert_eq!(res.status(), 422);
        app
    })
    .await;
}
