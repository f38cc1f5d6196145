//! Rules and SQL for process definitions.

use super::{
    ActionKind, Guards, Process, ProcessInput, ProcessKind, Stage, StageAction, StageInput,
    StageKind, Transition, TransitionInput,
};
use crate::auth::service::Caller;
use crate::auth::{Action, Role};
use crate::db::{flag, now_ms, Db};
use crate::error::{AppError, Conflict, Field, Problem};
use sqlx::AnyConnection;

/// A process with its stages (board order), their actions and the transitions.
pub async fn load(conn: &mut AnyConnection, id: i64) -> Result<Process, AppError> {
    let row: Option<(i64, String, String, i64)> =
        sqlx::query_as("SELECT id, name, kind, active FROM process WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (id, name, kind, active) = row.ok_or(AppError::NotFound)?;
    let stage_rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, name, color, kind FROM stage WHERE process_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let action_rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT a.stage_id, a.action, a.param FROM stage_action a JOIN stage s ON s.id = a.stage_id \
         WHERE s.process_id = $1 ORDER BY a.stage_id, a.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let transition_rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT t.from_stage_id, t.to_stage_id, t.roles, t.guards, t.fulfilments FROM stage_transition t \
         JOIN stage s ON s.id = t.from_stage_id WHERE s.process_id = $1 ORDER BY t.from_stage_id, t.to_stage_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let stages = stage_rows
        .into_iter()
        .map(|(sid, name, color, kind)| Stage {
            id: sid,
            name,
            color,
            kind: StageKind::parse(&kind).unwrap_or(StageKind::Open),
            actions: action_rows
                .iter()
                .filter(|a| a.0 == sid)
                .filter_map(|(_, action, param)| {
                    Some(StageAction {
                        action: ActionKind::parse(action)?,
                        param: param.clone(),
                    })
                })
                .collect(),
        })
        .collect();
    let transitions = transition_rows
        .into_iter()
        .map(
            |(from_stage_id, to_stage_id, roles, guards, fulfilments)| Transition {
                from_stage_id,
                to_stage_id,
                roles: roles.split(',').filter_map(Role::parse).collect(),
                // Written by `write` below from a checked value; unreadable means none.
                guards: serde_json::from_str(&guards).unwrap_or_default(),
                fulfilments: fulfilments
                    .split(',')
                    .filter_map(crate::orders::Fulfilment::parse)
                    .collect(),
            },
        )
        .collect();
    Ok(Process {
        id,
        name,
        kind: ProcessKind::parse(&kind).ok_or(AppError::Internal)?,
        active: active != 0,
        stages,
        transitions,
    })
}

pub async fn get(db: &Db, caller: &Caller, id: i64) -> Result<Process, AppError> {
    caller.require(Action::ViewOrders)?;
    let mut conn = db.pool.acquire().await?;
    load(&mut conn, id).await
}

/// Every process (of one kind, when given), active first, by name.
pub async fn list(
    db: &Db,
    caller: &Caller,
    kind: Option<ProcessKind>,
) -> Result<Vec<Process>, AppError> {
    caller.require(Action::ViewOrders)?;
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM process WHERE ($1 = '' OR kind = $1) ORDER BY active DESC, name",
    )
    .bind(kind.map(|k| k.as_str()).unwrap_or(""))
    .fetch_all(&db.pool)
    .await?;
    let mut conn = db.pool.acquire().await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        out.push(load(&mut conn, id).await?);
    }
    Ok(out)
}

/// Creates (`id` = None) or redefines a process, all or nothing. Existing stages keep
/// their ids (records on them stay put); a stage left out is deleted only when no
/// record sits on it (409 otherwise). Actions and transitions are replaced.
#[tracing::instrument(skip_all)]
pub async fn save(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    input: ProcessInput,
) -> Result<Process, AppError> {
    caller.require(Action::ManageProcesses)?;
    write(db, id, input).await
}

async fn write(db: &Db, id: Option<i64>, input: ProcessInput) -> Result<Process, AppError> {
    let input = input.validate()?;
    let mut tx = db.begin_write().await?;
    for action in input.stages.iter().flat_map(|s| &s.actions) {
        if action.action == ActionKind::GenerateDocument {
            let id: i64 = action.param.parse().unwrap_or(0);
            crate::documents::generate::template_on(&mut tx, id, true).await?;
        }
    }
    let process_id = match id {
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO process (name, kind, active, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(&input.name)
            .bind(input.kind.as_str())
            .bind(flag(input.active))
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?;
            id
        }
        Some(id) => {
            let current: Option<(String,)> =
                sqlx::query_as("SELECT kind FROM process WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match current {
                None => return Err(AppError::NotFound),
                // Records of one kind can't move under another kind's process.
                Some((kind,)) if kind != input.kind.as_str() => {
                    return Err(AppError::invalid(Field::Process, Problem::Invalid))
                }
                Some(_) => {}
            }
            sqlx::query("UPDATE process SET name = $1, active = $2 WHERE id = $3")
                .bind(&input.name)
                .bind(flag(input.active))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    let existing: Vec<(i64,)> = sqlx::query_as("SELECT id FROM stage WHERE process_id = $1")
        .bind(process_id)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM stage_transition WHERE from_stage_id IN (SELECT id FROM stage WHERE process_id = $1)",
    )
    .bind(process_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM stage_action WHERE stage_id IN (SELECT id FROM stage WHERE process_id = $1)",
    )
    .bind(process_id)
    .execute(&mut *tx)
    .await?;
    // Park names first so a renamed pair of stages never collides on the unique name.
    sqlx::query("UPDATE stage SET name = '~' || CAST(id AS TEXT) WHERE process_id = $1")
        .bind(process_id)
        .execute(&mut *tx)
        .await?;
    let mut ids = Vec::with_capacity(input.stages.len());
    for (position, stage) in input.stages.iter().enumerate() {
        let sid = match stage.id {
            Some(sid) if existing.iter().any(|e| e.0 == sid) => {
                sqlx::query(
                    "UPDATE stage SET position = $1, name = $2, color = $3, kind = $4 WHERE id = $5",
                )
                .bind(position as i64)
                .bind(&stage.name)
                .bind(&stage.color)
                .bind(stage.kind.as_str())
                .bind(sid)
                .execute(&mut *tx)
                .await?;
                sid
            }
            Some(_) => return Err(AppError::invalid(Field::Stage, Problem::NotFound)),
            None => {
                let (sid,): (i64,) = sqlx::query_as(
                    "INSERT INTO stage (process_id, position, name, color, kind) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(process_id)
                .bind(position as i64)
                .bind(&stage.name)
                .bind(&stage.color)
                .bind(stage.kind.as_str())
                .fetch_one(&mut *tx)
                .await?;
                sid
            }
        };
        for (n, a) in stage.actions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO stage_action (stage_id, position, action, param) VALUES ($1, $2, $3, $4)",
            )
            .bind(sid)
            .bind(n as i64)
            .bind(a.action.as_str())
            .bind(&a.param)
            .execute(&mut *tx)
            .await?;
        }
        ids.push(sid);
    }
    for (gone,) in existing.iter().filter(|e| !ids.contains(&e.0)) {
        let used: Option<(i64,)> =
            sqlx::query_as(
                "SELECT id FROM orders WHERE stage_id = $1 UNION ALL SELECT id FROM task WHERE stage_id = $1 LIMIT 1",
            )
                .bind(gone)
                .fetch_optional(&mut *tx)
                .await?;
        if used.is_some() {
            return Err(AppError::conflict(Conflict::StageInUse));
        }
        sqlx::query("DELETE FROM stage WHERE id = $1")
            .bind(gone)
            .execute(&mut *tx)
            .await?;
    }
    for t in &input.transitions {
        if let Some(template) = t.guards.document_template_id {
            crate::documents::generate::template_on(&mut tx, template, true).await?;
        }
        let roles: Vec<&str> = t.roles.iter().map(|r| r.as_str()).collect();
        let fulfilments: Vec<&str> = t.fulfilments.iter().map(|f| f.as_str()).collect();
        let guards = serde_json::to_string(&t.guards).map_err(|_| AppError::Internal)?;
        sqlx::query(
            "INSERT INTO stage_transition (from_stage_id, to_stage_id, roles, guards, fulfilments) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ids[t.from])
        .bind(ids[t.to])
        .bind(roles.join(","))
        .bind(guards)
        .bind(fulfilments.join(","))
        .execute(&mut *tx)
        .await?;
    }
    let process = load(&mut tx, process_id).await?;
    tx.commit().await?;
    Ok(process)
}

/// Who a `notify` stage action reaches: `manager` (the record's manager or assignee),
/// `role:<role>` (every active employee of it) or `employee:<id>` (when active).
pub async fn recipients(
    conn: &mut AnyConnection,
    param: &str,
    manager: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64,)> = if param == "manager" {
        manager.map(|m| vec![(m,)]).unwrap_or_default()
    } else if let Some(role) = param.strip_prefix("role:") {
        sqlx::query_as("SELECT id FROM employee WHERE role = $1 AND active = 1")
            .bind(role)
            .fetch_all(&mut *conn)
            .await?
    } else if let Some(id) = param
        .strip_prefix("employee:")
        .and_then(|id| id.parse::<i64>().ok())
    {
        sqlx::query_as("SELECT id FROM employee WHERE id = $1 AND active = 1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
    } else {
        Vec::new()
    };
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The first stage of a process (where a new record starts).
pub async fn first_stage(conn: &mut AnyConnection, process_id: i64) -> Result<i64, AppError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM stage WHERE process_id = $1 ORDER BY position, id LIMIT 1")
            .bind(process_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|r| r.0)
        .ok_or(AppError::invalid(Field::Process, Problem::Invalid))
}

fn stage(name: &str, color: &str, kind: StageKind, actions: &[(ActionKind, &str)]) -> StageInput {
    StageInput {
        id: None,
        name: name.into(),
        color: color.into(),
        kind,
        actions: actions
            .iter()
            .map(|(action, param)| StageAction {
                action: *action,
                param: (*param).into(),
            })
            .collect(),
    }
}

fn moves(pairs: &[(usize, usize)], roles: &[Role]) -> Vec<TransitionInput> {
    pairs
        .iter()
        .map(|&(from, to)| TransitionInput {
            from,
            to,
            roles: roles.to_vec(),
            guards: Guards::default(),
            fulfilments: Vec::new(),
        })
        .collect()
}

/// A fresh database gets the processes every chain starts with — a retail order, a
/// task and a project — and three funds, so orders can be taken at once; an admin
/// reshapes them later. Does nothing when any process exists.
pub async fn ensure_defaults(db: &Db) -> Result<(), AppError> {
    let (processes,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM process")
        .fetch_one(&db.pool)
        .await?;
    if processes > 0 {
        return Ok(());
    }
    use ActionKind::*;
    use StageKind::{Cancelled, Done, Open};
    let sellers = [Role::Admin, Role::Director, Role::Manager];
    let bosses = [Role::Admin, Role::Director];
    let mut retail_moves = moves(&[(0, 1), (1, 2), (1, 3), (2, 3), (2, 4), (3, 4)], &sellers);
    // The storekeeper says an order is packed.
    retail_moves[1].roles.push(Role::Storekeeper);
    // Goods travel («Доставка» makes the transfer) for a delivery or a pickup at another
    // shop; an order picked up here is handed out from «Собран».
    use crate::orders::Fulfilment::{Delivery, Pickup, PickupOther};
    retail_moves[2].fulfilments = vec![Delivery, PickupOther];
    retail_moves[3].fulfilments = vec![Delivery, PickupOther];
    retail_moves[4].fulfilments = vec![Pickup, PickupOther];
    // Nothing is handed out unpaid, nor before the goods have arrived.
    retail_moves[4].guards.paid = true;
    retail_moves[5].guards = Guards {
        paid: true,
        no_transit: true,
        ..Guards::default()
    };
    retail_moves.extend(moves(&[(0, 5), (1, 5), (2, 5), (3, 5)], &sellers));
    retail_moves.extend(moves(&[(5, 0)], &bosses));
    let retail = ProcessInput {
        name: "Розничный заказ".into(),
        kind: ProcessKind::Order,
        active: true,
        stages: vec![
            stage("Новый", "#1f6feb", Open, &[(ReserveAll, "")]),
            stage(
                "Подтверждён",
                "#8250df",
                Open,
                &[(Notify, "role:storekeeper")],
            ),
            stage("Собран", "#bf8700", Open, &[(Notify, "manager")]),
            stage("Доставка", "#0a7ea4", Open, &[(CreateTransfer, "")]),
            stage(
                "Выдан",
                "#2da44e",
                Done,
                &[(Fulfil, ""), (Notify, "role:accountant")],
            ),
            stage("Отменён", "#cf222e", Cancelled, &[(ReleaseAll, "")]),
        ],
        transitions: retail_moves,
    };
    let everyone = Role::ALL;
    let task = ProcessInput {
        name: "Задача".into(),
        kind: ProcessKind::Task,
        active: true,
        stages: vec![
            stage("Новая", "#1f6feb", Open, &[]),
            stage("В работе", "#bf8700", Open, &[]),
            stage("Готово", "#2da44e", Done, &[(Notify, "manager")]),
            stage("Отменена", "#cf222e", Cancelled, &[]),
        ],
        transitions: moves(&[(0, 1), (1, 2), (0, 3), (1, 3), (2, 1)], &everyone),
    };
    let project = ProcessInput {
        name: "Проект".into(),
        kind: ProcessKind::Project,
        active: true,
        stages: vec![
            stage("Идея", "#8a8f98", Open, &[]),
            stage("В работе", "#1f6feb", Open, &[]),
            stage("Завершён", "#2da44e", Done, &[]),
            stage("Отменён", "#cf222e", Cancelled, &[]),
        ],
        transitions: moves(&[(0, 1), (1, 2), (0, 3), (1, 3)], &sellers),
    };
    for p in [retail, task, project] {
        write(db, None, p).await?;
    }
    let (funds,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM fund")
        .fetch_one(&db.pool)
        .await?;
    if funds == 0 {
        // Cash and card takings are retail revenue, bank transfers their own fund.
        for (name, methods) in [
            ("Розничная выручка", &["cash", "card"][..]),
            ("Безналичные поступления", &["bank"][..]),
            ("Возвраты покупателям", &[][..]),
        ] {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO fund (name, active, created_at) VALUES ($1, 1, $2) RETURNING id",
            )
            .bind(name)
            .bind(now_ms())
            .fetch_one(&db.pool)
            .await?;
            for method in methods {
                sqlx::query("INSERT INTO fund_method (method, fund_id) VALUES ($1, $2)")
                    .bind(*method)
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
            }
        }
    }
    Ok(())
}
