//! Employees screen: the list (live), and the create/edit form for admins.

use super::TextField;
use crate::auth::{Action as Permission, Role};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::org::api::{list_employees, list_locations, save_employee, set_employee_active};
use crate::org::{Employee, EmployeeForm};
use crate::ui::error_box::ErrorBox;
use crate::ui::outcome::on_outcome;
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Fields {
    login: RwSignal<String>,
    name: RwSignal<String>,
    role: RwSignal<String>,
    home: RwSignal<String>,
    password: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        Fields {
            login: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            role: RwSignal::new("manager".into()),
            home: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
        }
    }

    fn fill(&self, form: EmployeeForm) {
        self.login.set(form.login);
        self.name.set(form.name);
        self.role.set(form.role);
        self.home.set(form.home_location_id);
        self.password.set(form.password);
    }

    fn form(&self) -> EmployeeForm {
        EmployeeForm {
            login: self.login.get_untracked(),
            name: self.name.get_untracked(),
            role: self.role.get_untracked(),
            home_location_id: self.home.get_untracked(),
            password: self.password.get_untracked(),
        }
    }
}

#[component]
pub fn EmployeesPage() -> impl IntoView {
    let me = use_me();
    // Known once the user is loaded; until then the admin controls stay hidden.
    let admin = Signal::derive(move || {
        me.get()
            .is_some_and(|me| me_allows(&me, Permission::ManageOrganisation))
    });
    let live = use_live();
    let data = Resource::new(
        move || live.org_version.get(),
        |_| async move { Ok::<_, AppError>((list_employees().await?, list_locations().await?)) },
    );
    let editing = RwSignal::new(None::<Option<i64>>);
    let fields = Fields::new();
    let error = RwSignal::new(None::<AppError>);

    let save = Action::new(move |(id, form): &(Option<i64>, EmployeeForm)| {
        save_employee(*id, form.clone())
    });
    on_outcome(save, error, move || {
        editing.set(None);
        live.org_version.update(|v| *v += 1);
    });
    let toggle = Action::new(|(id, active): &(i64, bool)| set_employee_active(*id, *active));
    on_outcome(toggle, error, move || live.org_version.update(|v| *v += 1));
    let open = move |emp: Option<Employee>| {
        error.set(None);
        fields.fill(
            emp.as_ref()
                .map(EmployeeForm::from_employee)
                .unwrap_or(EmployeeForm {
                    role: "manager".into(),
                    ..Default::default()
                }),
        );
        editing.set(Some(emp.map(|e| e.id)));
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::Employees)}</h1>
                <Suspense>
                    {move || admin.get().then(|| view! {
                        <button class="primary" data-testid="new-employee" on:click=move |_| open(None)>{t(Key::NewEmployee)}</button>
                    })}
                </Suspense>
            </div>
            <Show when=move || editing.get().is_none()>
                <ErrorBox error/>
            </Show>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || { let admin = admin.get(); data.get().map(|r| match r {
                    Ok((employees, locations)) => {
                        let location_name = {
                            let locations = locations.clone();
                            move |id: Option<i64>| id
                                .and_then(|id| locations.iter().find(|l| l.id == id))
                                .map(|l| l.name.clone())
                                .unwrap_or_else(|| "—".into())
                        };
                        let options = locations.clone();
                        view! {
                            <Show when=move || editing.get().is_some()>
                                <form class="card form-grid" data-testid="employee-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    save.dispatch((editing.get_untracked().flatten(), fields.form()));
                                }>
                                    <h2>{move || if editing.get().flatten().is_some() { t(Key::EditEmployee)() } else { t(Key::NewEmployee)() }}</h2>
                                    <TextField label=Key::PersonName name="name" value=fields.name/>
                                    <TextField label=Key::Login name="login" value=fields.login/>
                                    <label>
                                        <span>{t(Key::Role)}</span>
                                        <select name="role" bind:value=fields.role>
                                            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{t(r.label())}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <label>
                                        <span>{t(Key::HomeLocation)}</span>
                                        <select name="home" bind:value=fields.home>
                                            <option value="">{t(Key::None_)}</option>
                                            {options.iter().filter(|l| l.active).map(|l| view! {
                                                <option value=l.id.to_string()>{l.name.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <TextField label=Key::Password name="password" value=fields.password kind="password"
                                        hint=Key::NewPasswordHint/>
                                    <ErrorBox error/>
                                    <div class="buttons">
                                        <button type="submit" class="primary" disabled=move || save.pending().get()>{t(Key::Save)}</button>
                                        <button type="button" on:click=move |_| editing.set(None)>{t(Key::Cancel)}</button>
                                    </div>
                                </form>
                            </Show>
                            <div class="table-wrap">
                            <table class="table" data-testid="employees-table">
                                <thead><tr>
                                    <th>{t(Key::PersonName)}</th><th>{t(Key::Login)}</th><th>{t(Key::Role)}</th>
                                    <th>{t(Key::HomeLocation)}</th><th>{t(Key::Status)}</th>
                                    <th>{crate::telephony::ui::tr(crate::telephony::ui::T::Extension)}</th>
                                    {admin.then(|| view! { <th>{t(Key::Actions)}</th> })}
                                </tr></thead>
                                <tbody>
                                    {employees.into_iter().map(|emp| {
                                        let edit = emp.clone();
                                        let (id, active) = (emp.id, emp.active);
                                        view! {
                                            <tr class:inactive=!active data-testid="employee-row">
                                                <td>{emp.name}</td>
                                                <td>{emp.login}</td>
                                                <td>{t(emp.role.label())}</td>
                                                <td>{location_name(emp.home_location_id)}</td>
                                                <td>{if active { t(Key::Active)() } else { t(Key::Inactive)() }}</td>
                                                <td><crate::telephony::ui::ExtensionCell employee_id=id extension=emp.extension.clone() admin/></td>
                                                {admin.then(|| view! {
                                                    <td class="row-actions">
                                                        <button on:click=move |_| open(Some(edit.clone()))>{t(Key::Edit)}</button>
                                                        <button class:danger=active on:click=move |_| { toggle.dispatch((id, !active)); }>
                                                            {if active { t(Key::Deactivate)() } else { t(Key::Activate)() }}
                                                        </button>
                                                    </td>
                                                })}
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}}
            </Transition>
        </section>
    }
}
