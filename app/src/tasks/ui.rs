//! `/tasks` and `/projects`: boards by stage with a form for a new one (linked to a client
//! or an order when opened from their cards: `?client=` / `?order=`); `/tasks/:id`: one
//! task with its moves; [`LinkedTasks`] lists them on a client or order card.

use super::api::{create_task, get_task, list_tasks, move_task};
use super::{Task, TaskFilter, TaskInput};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::orders::ui::StageChip;
use crate::org::api::list_employees;
use crate::process::api::list_processes;
use crate::process::ProcessKind;
use crate::time::show;
use crate::ui::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TasksPage(kind: ProcessKind) -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let client_id = move || {
        query
            .read()
            .get("client")
            .and_then(|c| c.parse::<i64>().ok())
    };
    let order_id = move || {
        query
            .read()
            .get("order")
            .and_then(|c| c.parse::<i64>().ok())
    };
    let processes = Resource::new(move || (), move |_| list_processes(Some(kind)));
    let tasks = Resource::new(
        move || live.orders_version.get(),
        move |_| {
            list_tasks(TaskFilter {
                kind: Some(kind),
                ..Default::default()
            })
        },
    );
    let employees = Resource::new(|| (), |_| list_employees());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let create = Action::new(|input: &TaskInput| create_task(input.clone()));
    let shift = Action::new(|(id, stage): &(i64, i64)| move_task(*id, *stage));
    Effect::new(move || match create.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            title.set(String::new());
            description.set(String::new());
            tasks.refetch();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move || match shift.value().get() {
        Some(Ok(_)) => tasks.refetch(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TaskInput {
            kind,
            title: title.get_untracked(),
            description: description.get_untracked(),
            assignee_id: assignee.get_untracked().parse().ok(),
            due_at: crate::time::viewer().date_ms(&due.get_untracked()),
            client_id: client_id(),
            order_id: order_id(),
        };
        match input.validate() {
            Ok(input) => {
                create.dispatch(input);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let (heading, new) = match kind {
        ProcessKind::Project => (Key::Projects, Key::NewProject),
        _ => (Key::NavTasks, Key::NewTask),
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(heading)}</h1>
                <div class="buttons">
                    <a class="button" href="/tasks">{t(Key::NavTasks)}</a>
                    <a class="button" href="/projects">{t(Key::Projects)}</a>
                </div>
            </div>
            <form class="card form-grid" data-testid="task-form" novalidate on:submit=submit>
                <h2>{t(new)}</h2>
                <label><span>{t(Key::FieldName)}</span><input name="title" bind:value=title/></label>
                <label><span>{t(Key::Assignee)}</span>
                    <Transition>
                        {move || employees.get().map(|r| view! {
                            <select name="assignee" aria-label=t(Key::Assignee) bind:value=assignee>
                                <option value="">{t(Key::None_)}</option>
                                {r.unwrap_or_default().into_iter().filter(|e| e.active).map(|e| view! {
                                    <option value=e.id.to_string()>{e.name}</option>
                                }).collect_view()}
                            </select>
                        })}
                    </Transition>
                </label>
                <label><span>{t(Key::Due)}</span><input name="due" type="date" bind:value=due/></label>
                <label><span>{t(Key::Description)}</span><textarea name="description" rows="2" bind:value=description></textarea></label>
                {move || client_id().map(|c| view! { <p class="muted">{t(Key::FieldClient)} " #" {c}</p> })}
                {move || order_id().map(|o| view! { <p class="muted">{t(Key::FieldOrder)} " #" {o}</p> })}
                <ErrorBox error/>
                <div class="buttons"><button type="submit" class="primary" disabled=move || create.pending().get()>{t(Key::Create)}</button></div>
            </form>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let process = processes.await.unwrap_or_default().into_iter().find(|p| p.active);
                    let list = tasks.await.unwrap_or_default();
                    process.map(|process| view! {
                        <div class="board" data-testid="task-board">
                            {process.stages.into_iter().map(|stage| {
                                let cards: Vec<Task> = list.iter().filter(|t| t.stage.id == stage.id).cloned().collect();
                                view! {
                                    <div class="column" data-testid="task-column">
                                        <h2>{stage.name.clone()} " " <span class="muted">{cards.len()}</span></h2>
                                        {cards.into_iter().map(|task| view! { <TaskCard task shift/> }).collect_view()}
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TaskCard(task: Task, shift: Action<(i64, i64), Result<Task, AppError>>) -> impl IntoView {
    let id = task.id;
    view! {
        <div class="order-card" data-testid="task-card">
            <a href=format!("/tasks/{id}")>{task.title.clone()}</a>
            <span class="muted">{task.assignee.clone().unwrap_or_default()}
                {task.due_at.map(|d| view! { " · " {t(Key::Due)} " " {show(d)} })}</span>
            <div class="buttons">
                {task.moves.iter().map(|s| {
                    let to = s.id;
                    view! { <button class="chip" data-testid="task-move" on:click=move |_| { shift.dispatch((id, to)); }>"→ " {s.name.clone()}</button> }
                }).collect_view()}
            </div>
        </div>
    }
}

#[component]
pub fn TaskPage() -> impl IntoView {
    let live = use_live();
    let id = crate::ui::route::use_id_param();
    let task = Resource::new(
        move || (id(), live.orders_version.get()),
        |(id, _)| get_task(id),
    );
    let shift = Action::new(|(id, stage): &(i64, i64)| move_task(*id, *stage));
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move || match shift.value().get() {
        Some(Ok(_)) => task.refetch(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <section class="page">
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match task.await {
                        Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                        Ok(task) => view! {
                            <div class="page-head">
                                <h1 data-testid="task-title">{task.title.clone()}</h1>
                                <StageChip stage=task.stage.clone()/>
                            </div>
                            <ErrorBox error/>
                            <TaskCard task=task.clone() shift/>
                            <dl class="card facts">
                                <dt>{t(Key::Assignee)}</dt><dd>{task.assignee.clone().unwrap_or_default()}</dd>
                                <dt>{t(Key::Due)}</dt><dd>{task.due_at.map(show).unwrap_or_default()}</dd>
                                <dt>{t(Key::FieldClient)}</dt><dd>{task.client_id.map(|c| view! { <a href=format!("/clients/{c}")>{task.client.clone().unwrap_or_default()}</a> })}</dd>
                                <dt>{t(Key::FieldOrder)}</dt><dd>{task.order_id.map(|o| view! { <a href=format!("/orders/{o}")>{task.order_number.clone().unwrap_or_default()}</a> })}</dd>
                                <dt>{t(Key::Description)}</dt><dd class="notes">{task.description.clone()}</dd>
                                <dt>{t(Key::CreatedBy)}</dt><dd>{task.created_by.clone()} ", " {show(task.created_at)}</dd>
                            </dl>
                        }.into_any(),
                    }
                })}
            </Transition>
            <crate::comments::ui::CommentFeed kind=crate::comments::RecordKind::Task record_id=Signal::derive(id)/>
        </section>
    }
}

/// Tasks and projects linked to a client or an order, with a link to add one.
#[component]
pub fn LinkedTasks(
    #[prop(optional)] client_id: Option<i64>,
    #[prop(optional)] order_id: Option<i64>,
) -> impl IntoView {
    // Not keyed on live versions: the card around it re-renders (and re-creates this)
    // on every change of the order or client.
    let tasks = Resource::new(
        || (),
        move |_| {
            list_tasks(TaskFilter {
                client_id,
                order_id,
                ..Default::default()
            })
        },
    );
    let new_link = match (client_id, order_id) {
        (_, Some(o)) => format!("/tasks?order={o}"),
        (Some(c), None) => format!("/tasks?client={c}"),
        _ => "/tasks".into(),
    };
    view! {
        <h2>{t(Key::Tasks)} " " <a class="chip" href=new_link data-testid="new-linked-task">"+"</a></h2>
        <Transition>
            {move || Suspend::new(async move {
                let list = tasks.await.unwrap_or_default();
                view! {
                    <ul class="card history" data-testid="linked-tasks">
                        {list.into_iter().map(|task| view! {
                            <li><a href=format!("/tasks/{}", task.id)>{task.title}</a> " " <StageChip stage=task.stage/> " "
                                <span class="muted">{task.assignee.unwrap_or_default()}</span></li>
                        }).collect_view()}
                    </ul>
                }
            })}
        </Transition>
    }
}
