//! Locations screen: the list (live), and the create/edit form for admins.

use super::TextField;
use crate::auth::Action as Permission;
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::live::use_live;
use crate::org::api::{list_locations, save_location, set_location_active};
use crate::org::{Location, LocationForm};
use crate::ui::error_box::ErrorBox;
use crate::ui::outcome::on_outcome;
use crate::ui::shell::{me_allows, use_me};
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    kind: RwSignal<String>,
    city: RwSignal<String>,
    address: RwSignal<String>,
    lat: RwSignal<String>,
    lon: RwSignal<String>,
    zone: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        Fields {
            name: RwSignal::new(String::new()),
            kind: RwSignal::new("shop".into()),
            city: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            lat: RwSignal::new(String::new()),
            lon: RwSignal::new(String::new()),
            zone: RwSignal::new(String::new()),
        }
    }

    fn fill(&self, form: LocationForm) {
        self.name.set(form.name);
        self.kind.set(form.kind);
        self.city.set(form.city);
        self.address.set(form.address);
        self.lat.set(form.lat);
        self.lon.set(form.lon);
        self.zone.set(form.time_zone);
    }

    fn form(&self) -> LocationForm {
        LocationForm {
            name: self.name.get_untracked(),
            kind: self.kind.get_untracked(),
            city: self.city.get_untracked(),
            address: self.address.get_untracked(),
            lat: self.lat.get_untracked(),
            lon: self.lon.get_untracked(),
            time_zone: self.zone.get_untracked(),
        }
    }
}

#[component]
pub fn LocationsPage() -> impl IntoView {
    let me = use_me();
    // Known once the user is loaded; until then the admin controls stay hidden.
    let admin = Signal::derive(move || {
        me.get()
            .is_some_and(|me| me_allows(&me, Permission::ManageOrganisation))
    });
    let live = use_live();
    let locations = Resource::new(move || live.org_version.get(), |_| list_locations());
    // None: form closed; Some(None): new location; Some(Some(id)): editing id.
    let editing = RwSignal::new(None::<Option<i64>>);
    let fields = Fields::new();
    let error = RwSignal::new(None::<AppError>);

    let save = Action::new(move |(id, form): &(Option<i64>, LocationForm)| {
        save_location(*id, form.clone())
    });
    on_outcome(save, error, move || {
        editing.set(None);
        live.org_version.update(|v| *v += 1);
    });
    let toggle = Action::new(|(id, active): &(i64, bool)| set_location_active(*id, *active));
    on_outcome(toggle, error, move || live.org_version.update(|v| *v += 1));
    let open = move |loc: Option<Location>| {
        error.set(None);
        fields.fill(
            loc.as_ref()
                .map(LocationForm::from_location)
                .unwrap_or(LocationForm {
                    kind: "shop".into(),
                    ..Default::default()
                }),
        );
        editing.set(Some(loc.map(|l| l.id)));
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t(Key::Locations)}</h1>
                <Suspense>
                    {move || admin.get().then(|| view! {
                        <button class="primary" data-testid="new-location" on:click=move |_| open(None)>{t(Key::NewLocation)}</button>
                    })}
                </Suspense>
            </div>
            <Show when=move || editing.get().is_some()>
                <form class="card form-grid" data-testid="location-form" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch((editing.get_untracked().flatten(), fields.form()));
                }>
                    <h2>{move || if editing.get().flatten().is_some() { t(Key::EditLocation)() } else { t(Key::NewLocation)() }}</h2>
                    <TextField label=Key::Name name="name" value=fields.name/>
                    <label>
                        <span>{t(Key::Kind)}</span>
                        <select name="kind" bind:value=fields.kind>
                            <option value="shop">{t(Key::KindShop)}</option>
                            <option value="warehouse">{t(Key::KindWarehouse)}</option>
                        </select>
                    </label>
                    <TextField label=Key::City name="city" value=fields.city/>
                    <TextField label=Key::Address name="address" value=fields.address/>
                    <TextField label=Key::Latitude name="lat" value=fields.lat kind="decimal"/>
                    <TextField label=Key::Longitude name="lon" value=fields.lon kind="decimal"/>
                    <label>
                        <span>{t(Key::FieldTimeZone)}</span>
                        <select name="time_zone" data-testid="location-zone" prop:value=move || fields.zone.get()
                            on:change=move |ev| fields.zone.set(event_target_value(&ev))>
                            <option value="" selected=move || fields.zone.get().is_empty()>{t(Key::CompanyZone)}</option>
                            {crate::time::ZONE_CHOICES.iter().map(|(name, label)| view! {
                                <option value=*name selected=move || fields.zone.get() == *name>{*label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <ErrorBox error/>
                    <div class="buttons">
                        <button type="submit" class="primary" disabled=move || save.pending().get()>{t(Key::Save)}</button>
                        <button type="button" on:click=move |_| editing.set(None)>{t(Key::Cancel)}</button>
                    </div>
                </form>
            </Show>
            <Show when=move || editing.get().is_none()>
                <ErrorBox error/>
            </Show>
            <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
                {move || { let admin = admin.get(); locations.get().map(|r| match r {
                    Ok(list) => view! {
                        <div class="table-wrap">
                        <table class="table" data-testid="locations-table">
                            <thead><tr>
                                <th>{t(Key::Name)}</th><th>{t(Key::Kind)}</th><th>{t(Key::City)}</th>
                                <th>{t(Key::Address)}</th><th>{t(Key::Status)}</th>
                                {admin.then(|| view! { <th>{t(Key::Actions)}</th> })}
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|loc| {
                                    let edit = loc.clone();
                                    let (id, active) = (loc.id, loc.active);
                                    view! {
                                        <tr class:inactive=!active data-testid="location-row">
                                            <td>{loc.name}</td>
                                            <td>{t(loc.kind.label())}</td>
                                            <td>{loc.city}</td>
                                            <td>{loc.address}</td>
                                            <td>{if active { t(Key::Active)() } else { t(Key::Inactive)() }}</td>
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
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                })}}
            </Transition>
        </section>
    }
}
