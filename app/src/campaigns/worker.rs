//! The background senders of one instance: up to `connections` (Settings → Mail) tasks,
//! each claiming one queued row at a time, rendering it for its client and handing it to
//! the pooled SMTP transport; and a housekeeper that starts scheduled campaigns, marks
//! rows whose sender died, and finishes campaigns with nothing left. Everything they
//! share lives in the database, so a second instance, or this one after a restart, simply
//! joins in.

use super::mailer::Mailer;
use super::queue::{self, Claim, Verdict};
use super::render;
use super::service::{self, Content, MailConfig};
use super::unsubscribe;
use crate::db::Db;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The most senders one instance runs.
pub const MAX_SENDERS: usize = 50;

/// The running senders; [`Worker::stop`] lets the messages in flight finish.
pub struct Worker {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

/// What the senders share in memory: caches only (the truth is in the database).
struct Shared {
    db: Db,
    /// Whether any campaign is running (the housekeeper looks every second).
    busy: AtomicBool,
    /// The transport for the current settings, rebuilt when they change.
    mailer: Mutex<Option<(MailConfig, Mailer)>>,
    /// Campaign content by id (it can't change once started).
    content: Mutex<HashMap<i64, Arc<Content>>>,
    secret: Mutex<Option<String>>,
    public_url: String,
}

impl Worker {
    /// Starts the senders and the housekeeper.
    pub fn spawn(db: Db) -> Worker {
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            db,
            busy: AtomicBool::new(false),
            mailer: Mutex::new(None),
            content: Mutex::new(HashMap::new()),
            secret: Mutex::new(None),
            public_url: unsubscribe::public_url(),
        });
        if std::env::var("VITRINA_PUBLIC_URL").map_or(true, |v| v.trim().is_empty()) {
            tracing::warn!(
                links = %shared.public_url,
                "VITRINA_PUBLIC_URL is not set: campaign unsubscribe links use the listening address"
            );
        }
        let mut tasks = JoinSet::new();
        tasks.spawn(housekeeper(shared.clone(), stopped.clone()));
        for n in 0..MAX_SENDERS {
            tasks.spawn(sender(n, shared.clone(), stopped.clone()));
        }
        Worker { stop, tasks }
    }

    /// Stops claiming and waits (up to `grace`) for the messages in flight.
    pub async fn stop(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        let all = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, all).await.is_err() {
            self.tasks.abort_all();
        }
    }
}

/// Sleeps `time`, or less if asked to stop; true when asked to stop.
async fn pause(stopped: &mut watch::Receiver<bool>, time: Duration) -> bool {
    if *stopped.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(time) => *stopped.borrow(),
        _ = stopped.changed() => true,
    }
}

async fn housekeeper(shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    loop {
        let db = &shared.db;
        match queue::recover(db).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(rows = n, "messages interrupted mid-send marked failed"),
            Err(e) => tracing::warn!(error = %e, "campaign lease recovery failed"),
        }
        match queue::start_due(db).await {
            Ok(ids) if !ids.is_empty() => tracing::info!(?ids, "scheduled campaigns started"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "starting scheduled campaigns failed"),
        }
        match queue::finish_done(db).await {
            Ok(ids) if !ids.is_empty() => tracing::info!(?ids, "campaigns finished"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "finishing campaigns failed"),
        }
        match queue::any_running(db).await {
            Ok(busy) => shared.busy.store(busy, Ordering::Relaxed),
            Err(e) => tracing::warn!(error = %e, "campaign queue check failed"),
        }
        if pause(&mut stopped, Duration::from_secs(1)).await {
            return;
        }
    }
}

impl Shared {
    /// The transport for the settings now in force; `None` when mail is not configured.
    async fn mailer(&self) -> Option<(Mailer, i64, usize)> {
        let config = match service::mail_config(&self.db).await {
            Ok(Some(c)) => c,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(error = %e, "reading the mail settings failed");
                return None;
            }
        };
        let per_minute = config.rate_per_minute;
        let senders = config.connections.clamp(1, MAX_SENDERS as i64) as usize;
        let mut slot = self.mailer.lock().ok()?;
        if let Some((current, mailer)) = slot.as_ref() {
            if *current == config {
                return Some((mailer.clone(), per_minute, senders));
            }
        }
        match service::mailer_for(&config) {
            Ok(mailer) => {
                tracing::info!(server = %mailer.describe, "mail transport ready");
                *slot = Some((config, mailer.clone()));
                Some((mailer, per_minute, senders))
            }
            Err(e) => {
                tracing::warn!(error = %e, "the mail settings do not work");
                None
            }
        }
    }

    async fn content(&self, campaign_id: i64) -> Option<Arc<Content>> {
        if let Some(c) = self.content.lock().ok()?.get(&campaign_id) {
            return Some(c.clone());
        }
        let content = Arc::new(service::content(&self.db, campaign_id).await.ok()?);
        self.content
            .lock()
            .ok()?
            .insert(campaign_id, content.clone());
        Some(content)
    }

    async fn secret(&self) -> Option<String> {
        if let Some(s) = self.secret.lock().ok()?.clone() {
            return Some(s);
        }
        let s = unsubscribe::secret(&self.db).await.ok()?;
        *self.secret.lock().ok()? = Some(s.clone());
        Some(s)
    }
}

/// How many messages of the rate limit a sender takes at a time.
const BUDGET: i64 = 10;

async fn sender(n: usize, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    // Messages of the rate limit this sender holds (taken [`BUDGET`] at a time).
    let mut budget = 0i64;
    loop {
        if !shared.busy.load(Ordering::Relaxed) {
            if pause(&mut stopped, Duration::from_millis(500)).await {
                return;
            }
            continue;
        }
        let Some((mailer, per_minute, senders)) = shared.mailer().await else {
            if pause(&mut stopped, Duration::from_secs(2)).await {
                return;
            }
            continue;
        };
        if n >= senders {
            if pause(&mut stopped, Duration::from_secs(2)).await {
                return;
            }
            continue;
        }
        if budget == 0 {
            match queue::take_budget(&shared.db, per_minute, BUDGET).await {
                Ok(0) => {
                    let now = shared.db.now();
                    let wait = 60_000 - now.rem_euclid(60_000) + (n as i64 % 10);
                    if pause(&mut stopped, Duration::from_millis(wait as u64)).await {
                        return;
                    }
                    continue;
                }
                Ok(got) => budget = got,
                Err(e) => {
                    tracing::warn!(error = %e, "taking a share of the rate limit failed");
                    if pause(&mut stopped, Duration::from_secs(1)).await {
                        return;
                    }
                    continue;
                }
            }
        }
        match queue::claim(&shared.db).await {
            Ok(Claim::Claimed(row)) => {
                budget -= 1;
                send_one(&shared, &mailer, row).await
            }
            Ok(Claim::Empty) => {
                if pause(&mut stopped, Duration::from_millis(300)).await {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "claiming a message failed");
                if pause(&mut stopped, Duration::from_secs(1)).await {
                    return;
                }
            }
        }
    }
}

/// Renders and sends one claimed row, then writes its outcome.
async fn send_one(shared: &Shared, mailer: &Mailer, row: queue::Claimed) {
    let verdict = match prepare(shared, &row).await {
        Ok((content, rendered, url)) => Verdict::Smtp(
            mailer
                .send(&content.sender, &row.email, &rendered, Some(&url))
                .await,
        ),
        Err(verdict) => verdict,
    };
    // The outcome must be written: a database hiccup is retried a few times.
    for attempt in 0..5u64 {
        match queue::record(&shared.db, &row, verdict.clone()).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, recipient = row.id, "recording a message's outcome failed");
                tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
            }
        }
    }
}

async fn prepare(
    shared: &Shared,
    row: &queue::Claimed,
) -> Result<(Arc<Content>, crate::campaigns::Rendered, String), Verdict> {
    let content = shared
        .content(row.campaign_id)
        .await
        .ok_or_else(|| Verdict::NotSent("the campaign could not be read".into()))?;
    let secret = shared
        .secret()
        .await
        .ok_or_else(|| Verdict::NotSent("the signing secret could not be read".into()))?;
    let url = unsubscribe::url(&shared.public_url, &secret, row.id);
    let mut conn = shared
        .db
        .pool
        .acquire()
        .await
        .map_err(|e| Verdict::NotSent(format!("database: {e}")))?;
    let ctx = render::context(&mut conn, row.client_id, &content.name, url.clone())
        .await
        .map_err(|e| Verdict::NotSent(e.to_string()))?;
    drop(conn);
    if !ctx.consent {
        return Err(Verdict::NoConsent);
    }
    if !ctx.reachable {
        return Err(Verdict::NotSent("the address is marked invalid".into()));
    }
    // The card's address changed after the campaign started: the old address must not
    // get this client's letter.
    if !ctx.client.email.eq_ignore_ascii_case(&row.email) {
        return Err(Verdict::NotSent(
            "the client's address changed; not sent".into(),
        ));
    }
    let rendered = render::render(
        &content.subject,
        &content.body_text,
        &content.body_html,
        &ctx,
    )
    .map_err(|e| Verdict::NotSent(e.to_string()))?;
    Ok((content, rendered, url))
}
