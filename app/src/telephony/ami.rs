//! Asterisk AMI (TCP, usually port 5038): the line protocol (`Key: Value` lines, a
//! blank line ends a message), login, the channel events that make a call
//! (`Newchannel`, `Newstate`, `DialBegin`, `DialEnd`, `BridgeEnter`, `Hangup`; the whole
//! call is its `Linkedid`), and `Originate` for click-to-call. The connection is kept by
//! one task per instance that reconnects with backoff; its state is shown to admins.

use super::{CallEvent, Direction, EventKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

/// One AMI message: its headers in order (a key may repeat).
pub type Message = Vec<(String, String)>;

pub fn header<'a>(m: &'a Message, key: &str) -> Option<&'a str> {
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Writes an action: `Action: …` then the fields, each line CRLF, a blank line at the end.
/// Values lose their line breaks, so a field can't add another.
pub fn action(name: &str, fields: &[(&str, &str)]) -> String {
    let clean = |v: &str| v.replace(['\r', '\n'], " ");
    let mut out = format!("Action: {}\r\n", clean(name));
    for (k, v) in fields {
        out.push_str(&format!("{k}: {}\r\n", clean(v)));
    }
    out.push_str("\r\n");
    out
}

/// The extension in a channel name: `PJSIP/101-0000000a` → `101`, `SIP/102-1` → `102`.
pub fn channel_extension(channel: &str) -> Option<String> {
    let (_, rest) = channel.split_once('/')?;
    let end = rest.rfind('-').unwrap_or(rest.len());
    let ext = &rest[..end];
    (!ext.is_empty() && ext.chars().all(|c| c.is_ascii_digit())).then(|| ext.to_string())
}

/// What is known of one call (a `Linkedid`) while its events arrive.
#[derive(Debug, Clone, Default)]
struct Track {
    seen: i64,
    direction: Option<Direction>,
    outside: String,
    extension: String,
    answered: bool,
}

/// Turns AMI events into call events. `is_extension` tells an employee's extension from
/// an outside number (an outgoing call starts on an extension's channel).
#[derive(Default)]
pub struct Calls {
    tracks: HashMap<String, Track>,
}

impl Calls {
    /// Drops what is known of calls first seen before `before` (their hangup was lost).
    pub fn forget_older_than(&mut self, before: i64) {
        self.tracks.retain(|_, t| t.seen >= before);
    }

    pub fn event(
        &mut self,
        m: &Message,
        now: i64,
        is_extension: &dyn Fn(&str) -> bool,
    ) -> Option<CallEvent> {
        let name = header(m, "Event")?;
        let linked = header(m, "Linkedid")
            .or_else(|| header(m, "Uniqueid"))?
            .to_string();
        let uniq = header(m, "Uniqueid").unwrap_or("");
        let first_leg = uniq == linked;
        let call = |t: &Track, event: EventKind| {
            let direction = t.direction.unwrap_or(Direction::In);
            let (from, to) = match direction {
                Direction::In => (t.outside.clone(), String::new()),
                Direction::Out => (t.extension.clone(), t.outside.clone()),
            };
            CallEvent {
                call_id: linked.clone(),
                event,
                direction,
                from,
                to,
                extension: t.extension.clone(),
                at: Some(now),
                duration: None,
                answered: None,
                recording_url: None,
            }
        };
        match name {
            "Newchannel" if first_leg => {
                let caller = header(m, "CallerIDNum").unwrap_or("");
                let channel_ext = header(m, "Channel").and_then(channel_extension);
                let track = self.tracks.entry(linked.clone()).or_insert_with(|| Track {
                    seen: now,
                    ..Default::default()
                });
                match channel_ext.filter(|e| is_extension(e)) {
                    Some(ext) => {
                        track.direction = Some(Direction::Out);
                        track.extension = ext;
                        track.outside = header(m, "Exten").unwrap_or("").to_string();
                    }
                    None => {
                        track.direction = Some(Direction::In);
                        track.outside = caller.to_string();
                    }
                }
                None
            }
            "DialBegin" => {
                let track = self.tracks.entry(linked.clone()).or_insert_with(|| Track {
                    seen: now,
                    ..Default::default()
                });
                match track.direction {
                    Some(Direction::Out) => {
                        if track.outside.is_empty() {
                            track.outside = header(m, "DestCallerIDNum")
                                .or_else(|| header(m, "DialString"))
                                .unwrap_or("")
                                .split('@')
                                .next()
                                .unwrap_or("")
                                .to_string();
                        }
                    }
                    _ => {
                        track.direction = Some(Direction::In);
                        if let Some(ext) = header(m, "DestChannel").and_then(channel_extension) {
                            track.extension = ext;
                        }
                        if track.outside.is_empty() {
                            track.outside = header(m, "CallerIDNum")
                                .or_else(|| header(m, "DestConnectedLineNum"))
                                .unwrap_or("")
                                .to_string();
                        }
                    }
                }
                Some(call(track, EventKind::Ringing))
            }
            "DialEnd" if header(m, "DialStatus") == Some("ANSWER") => {
                let track = self.tracks.entry(linked.clone()).or_insert_with(|| Track {
                    seen: now,
                    ..Default::default()
                });
                track.answered = true;
                Some(call(track, EventKind::Answered))
            }
            "BridgeEnter" => {
                let track = self.tracks.get_mut(&linked)?;
                if track.answered {
                    return None;
                }
                track.answered = true;
                Some(call(track, EventKind::Answered))
            }
            "Hangup" if first_leg => {
                let track = self.tracks.remove(&linked).unwrap_or_else(|| Track {
                    direction: Some(Direction::In),
                    outside: header(m, "CallerIDNum").unwrap_or("").to_string(),
                    ..Default::default()
                });
                Some(call(&track, EventKind::Hangup))
            }
            _ => None,
        }
    }
}

/// A click-to-call request for the connection task.
pub struct Originate {
    pub extension: String,
    pub number: String,
    pub reply: oneshot::Sender<Result<String, String>>,
}

/// The AMI connection of this instance: its state in words and the way to send it an
/// `Originate`. Cloned into the app state.
#[derive(Clone, Default)]
pub struct Pbx {
    inner: Arc<PbxInner>,
}

#[derive(Default)]
struct PbxInner {
    state: Mutex<String>,
    commands: Mutex<Option<mpsc::Sender<Originate>>>,
}

impl Pbx {
    pub fn state(&self) -> String {
        self.inner
            .state
            .lock()
            .map(|s| {
                if s.is_empty() {
                    "off".to_string()
                } else {
                    s.clone()
                }
            })
            .unwrap_or_default()
    }

    fn set_state(&self, text: impl Into<String>) {
        if let Ok(mut s) = self.inner.state.lock() {
            *s = text.into();
        }
    }

    /// Asks Asterisk to ring `extension`, then `number`; answers its reply, or why not.
    pub async fn originate(&self, extension: &str, number: &str) -> Result<String, String> {
        let sender = self
            .inner
            .commands
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .ok_or_else(|| format!("not connected to Asterisk ({})", self.state()))?;
        let (reply, answer) = oneshot::channel();
        sender
            .send(Originate {
                extension: extension.to_string(),
                number: number.to_string(),
                reply,
            })
            .await
            .map_err(|_| "the Asterisk connection closed".to_string())?;
        match tokio::time::timeout(Duration::from_secs(10), answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err("the Asterisk connection closed".into()),
            Err(_) => Err("Asterisk did not answer in 10 s".into()),
        }
    }
}

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmiConfig {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub secret: String,
    pub context: String,
}

/// The longest line and the most headers one message may have: a broken or hostile peer
/// can't make the connection task hold more than this.
const MAX_LINE: u64 = 8 * 1024;
const MAX_HEADERS: usize = 200;

/// Reads messages off the connection into a channel, so that the session's `select!`
/// never cancels a read half-way (a cancelled `read_line` would lose what it had read).
fn reader_task(read: tokio::net::tcp::OwnedReadHalf) -> mpsc::Receiver<Result<Message, String>> {
    let (tx, rx) = mpsc::channel(256);
    tokio::spawn(async move {
        let mut reader = BufReader::new(read);
        let mut message = Message::new();
        loop {
            let mut line = Vec::new();
            let n = match (&mut reader)
                .take(MAX_LINE)
                .read_until(b'\n', &mut line)
                .await
            {
                Ok(n) => n,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string())).await;
                    return;
                }
            };
            if n == 0 {
                let _ = tx
                    .send(Err("the server closed the connection".into()))
                    .await;
                return;
            }
            if !line.ends_with(b"\n") && n as u64 >= MAX_LINE {
                let _ = tx.send(Err("a line longer than 8 KB".into())).await;
                return;
            }
            // Caller names may come in another encoding: never a reason to drop the link.
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if !message.is_empty() && tx.send(Ok(std::mem::take(&mut message))).await.is_err() {
                    return;
                }
                continue;
            }
            if message.len() >= MAX_HEADERS {
                let _ = tx.send(Err("a message with too many headers".into())).await;
                return;
            }
            match text.split_once(':') {
                Some((k, v)) => message.push((k.trim().to_string(), v.trim().to_string())),
                // The banner is one line without a blank line after it.
                None if text.starts_with("Asterisk Call Manager") => {
                    message.push(("Banner".into(), text.to_string()));
                    if tx.send(Ok(std::mem::take(&mut message))).await.is_err() {
                        return;
                    }
                }
                None => {}
            }
        }
    });
    rx
}

/// The AMI connection to keep: `Err` when the settings could not be read (a database
/// hiccup: keep what is running).
pub type ConfigRead = Result<Option<AmiConfig>, ()>;

/// Keeps the AMI connection while Settings → Telephony says so: reads the settings
/// with `config` every few seconds, reconnects with backoff (1 s doubling to 30 s, back to
/// 1 s after a good login, and at once when the settings change), hands every call event
/// to `on_event`.
pub fn spawn<C, CF, E, EF, X, XF>(pbx: Pbx, config: C, on_event: E, extensions: X)
where
    C: Fn() -> CF + Send + Sync + 'static,
    CF: std::future::Future<Output = ConfigRead> + Send,
    E: Fn(CallEvent) -> EF + Send + Sync + 'static,
    EF: std::future::Future<Output = ()> + Send,
    X: Fn() -> XF + Send + Sync + 'static,
    XF: std::future::Future<Output = Option<Vec<String>>> + Send,
{
    tokio::spawn(async move {
        let mut backoff = 1u64;
        loop {
            let Ok(Some(cfg)) = config().await else {
                pbx.set_state("off");
                tokio::time::sleep(Duration::from_secs(3)).await;
                continue;
            };
            pbx.set_state("connecting");
            let mut logged_in = false;
            match session(&pbx, &cfg, &config, &on_event, &extensions, &mut logged_in).await {
                Ok(()) => {}
                Err(e) => {
                    tracing::warn!(error = %e, host = %cfg.host, "AMI connection lost");
                    pbx.set_state(format!("disconnected: {e}"));
                }
            }
            if let Ok(mut c) = pbx.inner.commands.lock() {
                *c = None;
            }
            if logged_in {
                backoff = 1;
            }
            // Wait, but not past a change of the settings (an admin fixing the host).
            for _ in 0..backoff {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if matches!(config().await, Ok(c) if c.as_ref() != Some(&cfg)) {
                    break;
                }
            }
            backoff = (backoff * 2).min(30);
        }
    });
}

async fn session<C, CF, E, EF, X, XF>(
    pbx: &Pbx,
    cfg: &AmiConfig,
    config: &C,
    on_event: &E,
    extensions: &X,
    logged_in: &mut bool,
) -> Result<(), String>
where
    C: Fn() -> CF,
    CF: std::future::Future<Output = ConfigRead>,
    E: Fn(CallEvent) -> EF,
    EF: std::future::Future<Output = ()>,
    X: Fn() -> XF,
    XF: std::future::Future<Output = Option<Vec<String>>>,
{
    let quick = Duration::from_secs(5);
    let stream = tokio::time::timeout(quick, TcpStream::connect((cfg.host.as_str(), cfg.port)))
        .await
        .map_err(|_| "connect timed out".to_string())?
        .map_err(|e| e.to_string())?;
    let (read, mut write) = stream.into_split();
    let mut incoming = reader_task(read);
    let mut next = async |what: &str| -> Result<Message, String> {
        tokio::time::timeout(quick, incoming.recv())
            .await
            .map_err(|_| format!("no {what} within 5 s"))?
            .ok_or("the connection closed")?
    };
    let banner = next("banner").await?;
    if header(&banner, "Banner").is_none() {
        return Err("not an AMI server".into());
    }
    write
        .write_all(
            action(
                "Login",
                &[
                    ("ActionID", "login"),
                    ("Username", &cfg.user),
                    ("Secret", &cfg.secret),
                    ("Events", "call"),
                ],
            )
            .as_bytes(),
        )
        .await
        .map_err(|e| e.to_string())?;
    let answer = next("login answer").await?;
    if header(&answer, "Response") != Some("Success") {
        pbx.set_state("login refused");
        return Err(format!(
            "login refused: {}",
            header(&answer, "Message").unwrap_or("")
        ));
    }
    *logged_in = true;
    let (tx, mut rx) = mpsc::channel::<Originate>(16);
    if let Ok(mut c) = pbx.inner.commands.lock() {
        *c = Some(tx);
    }
    pbx.set_state("connected");
    tracing::info!(host = %cfg.host, "AMI connected");
    let mut calls = Calls::default();
    let mut waiting: HashMap<String, oneshot::Sender<Result<String, String>>> = HashMap::new();
    let mut next_id = 0u64;
    let mut known: Vec<String> = extensions().await.unwrap_or_default();
    let mut check = tokio::time::interval(Duration::from_secs(5));
    check.tick().await;
    let mut ticks = 0u64;
    let mut heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            message = incoming.recv() => {
                let m = message.ok_or("the connection closed")??;
                heard = tokio::time::Instant::now();
                if let Some(id) = header(&m, "ActionID").filter(|_| header(&m, "Response").is_some()) {
                    if let Some(reply) = waiting.remove(id) {
                        let text = header(&m, "Message").unwrap_or("").to_string();
                        let _ = reply.send(if header(&m, "Response") == Some("Success") { Ok(text) } else { Err(text) });
                    }
                    continue;
                }
                let now = crate::db::now_ms();
                let is_known = |e: &str| known.iter().any(|x| x == e);
                if let Some(ev) = calls.event(&m, now, &is_known) {
                    on_event(ev).await;
                }
            }
            Some(cmd) = rx.recv() => {
                next_id += 1;
                let id = format!("c2c-{next_id}");
                let channel = format!("PJSIP/{}", cmd.extension);
                let text = action("Originate", &[
                    ("ActionID", &id), ("Channel", &channel), ("Context", &cfg.context),
                    ("Exten", &cmd.number), ("Priority", "1"), ("CallerID", &cmd.number),
                    ("Timeout", "30000"), ("Async", "true"),
                ]);
                if let Err(e) = write.write_all(text.as_bytes()).await {
                    let _ = cmd.reply.send(Err(e.to_string()));
                    return Err(e.to_string());
                }
                waiting.insert(id, cmd.reply);
            }
            _ = check.tick() => {
                ticks += 1;
                if matches!(config().await, Ok(c) if c.as_ref() != Some(cfg)) {
                    return Ok(());
                }
                if let Some(list) = extensions().await {
                    known = list;
                }
                calls.forget_older_than(crate::db::now_ms() - 4 * 3_600_000);
                waiting.retain(|_, reply| !reply.is_closed());
                // A link that went quiet (half-open): a Ping every 30 s, and a reconnect
                // after 75 s without a word from the server.
                if ticks.is_multiple_of(6) {
                    write
                        .write_all(action("Ping", &[("ActionID", "ping")]).as_bytes())
                        .await
                        .map_err(|e| e.to_string())?;
                }
                if heard.elapsed() > Duration::from_secs(75) {
                    return Err("the server went silent".into());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(lines: &[(&str, &str)]) -> Message {
        lines
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn actions_are_framed_and_values_cannot_add_lines() {
        assert_eq!(
            action("Login", &[("Username", "vitrina\r\nAction: Originate")]),
            "Action: Login\r\nUsername: vitrina  Action: Originate\r\n\r\n"
        );
        assert_eq!(
            channel_extension("PJSIP/101-0000000a").as_deref(),
            Some("101")
        );
        assert_eq!(channel_extension("PJSIP/zadarma-00000001"), None);
    }

    #[test]
    fn an_inbound_answered_call_is_ringing_answered_hangup() {
        let mut calls = Calls::default();
        let ext = |e: &str| e == "101";
        let seq = [
            msg(&[
                ("Event", "Newchannel"),
                ("Channel", "PJSIP/trunk-00000001"),
                ("CallerIDNum", "79161234567"),
                ("Uniqueid", "1.1"),
                ("Linkedid", "1.1"),
            ]),
            msg(&[
                ("Event", "Newchannel"),
                ("Channel", "PJSIP/101-00000002"),
                ("Uniqueid", "1.2"),
                ("Linkedid", "1.1"),
            ]),
            msg(&[
                ("Event", "DialBegin"),
                ("Channel", "PJSIP/trunk-00000001"),
                ("CallerIDNum", "79161234567"),
                ("Uniqueid", "1.1"),
                ("Linkedid", "1.1"),
                ("DestChannel", "PJSIP/101-00000002"),
            ]),
            msg(&[
                ("Event", "DialEnd"),
                ("Uniqueid", "1.1"),
                ("Linkedid", "1.1"),
                ("DialStatus", "ANSWER"),
            ]),
            msg(&[
                ("Event", "BridgeEnter"),
                ("Uniqueid", "1.2"),
                ("Linkedid", "1.1"),
            ]),
            msg(&[
                ("Event", "Hangup"),
                ("Uniqueid", "1.2"),
                ("Linkedid", "1.1"),
            ]),
            msg(&[
                ("Event", "Hangup"),
                ("Uniqueid", "1.1"),
                ("Linkedid", "1.1"),
            ]),
        ];
        let events: Vec<CallEvent> = seq.iter().filter_map(|m| calls.event(m, 1, &ext)).collect();
        let kinds: Vec<EventKind> = events.iter().map(|e| e.event).collect();
        assert_eq!(
            kinds,
            [EventKind::Ringing, EventKind::Answered, EventKind::Hangup]
        );
        assert!(events
            .iter()
            .all(|e| e.call_id == "1.1" && e.extension == "101" && e.from == "79161234567"));
        assert_eq!(events[0].direction, Direction::In);
    }

    #[test]
    fn an_outbound_call_starts_on_an_extension() {
        let mut calls = Calls::default();
        let ext = |e: &str| e == "101";
        let first = msg(&[
            ("Event", "Newchannel"),
            ("Channel", "PJSIP/101-00000003"),
            ("CallerIDNum", "101"),
            ("Exten", "79161234567"),
            ("Uniqueid", "2.1"),
            ("Linkedid", "2.1"),
        ]);
        assert!(calls.event(&first, 1, &ext).is_none());
        let dial = msg(&[
            ("Event", "DialBegin"),
            ("Channel", "PJSIP/101-00000003"),
            ("Uniqueid", "2.1"),
            ("Linkedid", "2.1"),
            ("DestChannel", "PJSIP/trunk-00000004"),
        ]);
        let ev = calls.event(&dial, 2, &ext).expect("ringing");
        assert_eq!(
            (ev.direction, ev.to.as_str(), ev.extension.as_str()),
            (Direction::Out, "79161234567", "101")
        );
    }
}
