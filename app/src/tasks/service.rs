//! Rules and SQL for tasks and projects.

use super::{Task, TaskFilter, TaskInput};
use crate::auth::service::Caller;
use crate::auth::Action;
use crate::db::{now_ms, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use crate::live::{hub::Hub, LiveEvent};
use crate::notify::service::{insert as notify, NewNotification};
use crate::notify::NotificationKind;
use crate::orders::StageRef;
use crate::process::{service as processes, ActionKind, Process, ProcessKind, StageKind};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    process_id: i64,
    stage_id: i64,
    title: String,
    description: String,
    assignee_id: Option<i64>,
    assignee: Option<String>,
    due_at: Option<i64>,
    client_id: Option<i64>,
    client: Option<String>,
    order_id: Option<i64>,
    order_number: Option<String>,
    created_by: String,
    created_at: i64,
}

const SELECT: &str = "SELECT t.id AS id, t.kind AS kind, t.process_id AS process_id, t.stage_id AS stage_id, \
        t.title AS title, t.description AS description, t.assignee_id AS assignee_id, a.name AS assignee, \
        t.due_at AS due_at, t.client_id AS client_id, c.name AS client, t.order_id AS order_id, \
        o.number AS order_number, e.name AS created_by, t.created_at AS created_at \
     FROM task t JOIN employee e ON e.id = t.created_by LEFT JOIN employee a ON a.id = t.assignee_id \
          LEFT JOIN client c ON c.id = t.client_id LEFT JOIN orders o ON o.id = t.order_id";

fn from_row(process: &Process, caller: &Caller, r: Row) -> Result<Task, AppError> {
    let stage = process
        .stage(r.stage_id)
        .map(StageRef::from)
        .ok_or(AppError::Internal)?;
    let moves = process
        .moves_from(r.stage_id, caller.role, None)
        .into_iter()
        .map(StageRef::from)
        .collect();
    Ok(Task {
        id: r.id,
        kind: ProcessKind::parse(&r.kind).ok_or(AppError::Internal)?,
        process_id: r.process_id,
        stage,
        title: r.title,
        description: r.description,
        assignee_id: r.assignee_id,
        assignee: r.assignee,
        due_at: r.due_at,
        client_id: r.client_id,
        client: r.client,
        order_id: r.order_id,
        order_number: r.order_number,
        created_by: r.created_by,
        created_at: r.created_at,
        moves,
    })
}

pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<Task, AppError> {
    let mut conn = db.pool.acquire().await?;
    crate::scope::task_for_read(&mut conn, caller, id).await?;
    let row: Row = sqlx::query_as(&format!("{SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let process = processes::load(&mut conn, row.process_id).await?;
    from_row(&process, caller, row)
}

/// Tasks (or projects) by the filter, open ones first, by due date.
pub async fn list(db: &Db, caller: &Caller, f: &TaskFilter) -> Result<Vec<Task>, AppError> {
    caller.require(Action::Tasks)?;
    let mut conn = db.pool.acquire().await?;
    // $1 is the kind (text, bound first; its slot here is a placeholder); the caller's
    // ids follow from $2, then the filters.
    let mut binds: Vec<i64> = vec![0];
    let visible = crate::scope::task_condition(caller, &mut binds);
    let mut filter = String::new();
    for (column, value) in [
        ("t.assignee_id", f.assignee_id),
        ("t.client_id", f.client_id),
        ("t.order_id", f.order_id),
    ] {
        if let Some(v) = value {
            binds.push(v);
            filter.push_str(&format!(" AND {column} = ${}", binds.len()));
        }
    }
    let sql = format!(
        "{SELECT} WHERE ($1 = '' OR t.kind = $1) AND {visible}{filter} \
         ORDER BY CASE WHEN t.closed_at IS NULL THEN 0 ELSE 1 END, COALESCE(t.due_at, 9000000000000), t.id DESC LIMIT 500"
    );
    let mut q = sqlx::query_as::<_, Row>(&sql).bind(f.kind.map(|k| k.as_str()).unwrap_or(""));
    for b in &binds[1..] {
        q = q.bind(*b);
    }
    let rows: Vec<Row> = q.fetch_all(&mut *conn).await?;
    // A board holds hundreds of tasks of one or two processes: load each process once.
    let mut loaded: Vec<Process> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if !loaded.iter().any(|p| p.id == r.process_id) {
            loaded.push(processes::load(&mut conn, r.process_id).await?);
        }
        let process = loaded
            .iter()
            .find(|p| p.id == r.process_id)
            .ok_or(AppError::Internal)?;
        out.push(from_row(process, caller, r)?);
    }
    Ok(out)
}

/// Creates a task or project on the first stage of the first active process of its kind.
/// A linked order must be one the caller may see.
pub async fn create(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    input: TaskInput,
) -> Result<Task, AppError> {
    caller.require(Action::Tasks)?;
    let input = input.validate()?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let process: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM process WHERE kind = $1 AND active = 1 ORDER BY id LIMIT 1")
            .bind(input.kind.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let (process_id,) = process.ok_or(AppError::invalid(Field::Process, Problem::Required))?;
    let stage_id = processes::first_stage(&mut tx, process_id).await?;
    if let Some(a) = input.assignee_id {
        let found: Option<(i64,)> = sqlx::query_as("SELECT active FROM employee WHERE id = $1")
            .bind(a)
            .fetch_optional(&mut *tx)
            .await?;
        if !matches!(found, Some((1,))) {
            return Err(AppError::invalid(Field::Employee, Problem::NotFound));
        }
    }
    if let Some(c) = input.client_id {
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM client WHERE id = $1")
            .bind(c)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(AppError::invalid(Field::Client, Problem::NotFound));
        }
    }
    if let Some(o) = input.order_id {
        let shop: Option<(i64,)> = sqlx::query_as("SELECT shop_id FROM orders WHERE id = $1")
            .bind(o)
            .fetch_optional(&mut *tx)
            .await?;
        let (shop,) = shop.ok_or(AppError::invalid(Field::Order, Problem::NotFound))?;
        crate::scope::check_shop_read(caller, shop)?;
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO task (process_id, stage_id, kind, title, description, assignee_id, due_at, client_id, order_id, \
            created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(process_id)
    .bind(stage_id)
    .bind(input.kind.as_str())
    .bind(&input.title)
    .bind(&input.description)
    .bind(input.assignee_id)
    .bind(input.due_at)
    .bind(input.client_id)
    .bind(input.order_id)
    .bind(caller.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut notified = Vec::new();
    if let Some(a) = input.assignee_id.filter(|a| *a != caller.id) {
        let link = format!("/tasks/{id}");
        let n = NewNotification {
            employee_id: a,
            kind: NotificationKind::TaskAssigned,
            subject: &input.title,
            detail: &caller.name,
            link: &link,
            due_at: input.due_at,
        };
        notify(&mut tx, &n, now).await?;
        notified.push(a);
    }
    tx.commit().await?;
    for employee_id in notified {
        hub.publish(LiveEvent::Notified { employee_id });
    }
    hub.publish(LiveEvent::TaskChanged { id });
    get(db, caller, id).await
}

/// Moves a task to another stage of its process (roles per transition); the stage's
/// notify actions run in the same transaction ("manager" means the assignee).
pub async fn move_to(
    db: &Db,
    hub: &Hub,
    caller: &Caller,
    id: i64,
    to: i64,
) -> Result<Task, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    crate::scope::task_for_read(&mut tx, caller, id).await?;
    let row: Option<(i64, i64, String, Option<i64>)> =
        sqlx::query_as("SELECT process_id, stage_id, title, assignee_id FROM task WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (process_id, from, title, assignee) = row.ok_or(AppError::NotFound)?;
    let process = processes::load(&mut tx, process_id).await?;
    let target = process.check_move(from, to, caller.role, None)?.0.clone();
    let closes = matches!(target.kind, StageKind::Done | StageKind::Cancelled);
    let moved = sqlx::query(
        "UPDATE task SET stage_id = $1, updated_at = $2, closed_at = $3 WHERE id = $4 AND stage_id = $5",
    )
    .bind(to)
    .bind(now)
    .bind(closes.then_some(now))
    .bind(id)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Err(AppError::conflict(Conflict::StageMoved));
    }
    let mut notified: Vec<i64> = Vec::new();
    for action in target
        .actions
        .iter()
        .filter(|a| a.action == ActionKind::Notify)
    {
        let who = processes::recipients(&mut tx, &action.param, assignee).await?;
        let link = format!("/tasks/{id}");
        for employee_id in who {
            if employee_id == caller.id || notified.contains(&employee_id) {
                continue;
            }
            let n = NewNotification {
                employee_id,
                kind: NotificationKind::TaskStage,
                subject: &title,
                detail: &target.name,
                link: &link,
                due_at: None,
            };
            notify(&mut tx, &n, now).await?;
            notified.push(employee_id);
        }
    }
    tx.commit().await?;
    for employee_id in notified {
        hub.publish(LiveEvent::Notified { employee_id });
    }
    hub.publish(LiveEvent::TaskChanged { id });
    get(db, caller, id).await
}
