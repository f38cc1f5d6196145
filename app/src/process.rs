//! Business processes an admin designs: ordered stages (open / done / cancelled), the
//! allowed moves between them with the roles that may make each, and the actions run on
//! entering a stage (reserve, release, fulfil, create a transfer, notify). Orders, tasks
//! and projects each run through a process of their kind.

use crate::auth::Role;
use crate::error::{AppError, Field, Problem};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// What runs through a process.
    ProcessKind { Order => "order", Task => "task", Project => "project" }
);

string_enum!(
    /// Open stages are work in progress; done and cancelled close the record.
    StageKind { Open => "open", Done => "done", Cancelled => "cancelled" }
);

string_enum!(
    /// Run, in order, when a record enters a stage; all or nothing with the move.
    ActionKind {
        ReserveAll => "reserve_all",
        ReleaseAll => "release_all",
        Fulfil => "fulfil",
        CreateTransfer => "create_transfer",
        Notify => "notify",
        GenerateDocument => "generate_document",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageAction {
    pub action: ActionKind,
    /// For `notify`: `manager` (the order's manager), `role:<role>` or `employee:<id>`;
    /// for `generate_document`: the template's id.
    #[serde(default)]
    pub param: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Stage {
    pub id: i64,
    pub name: String,
    pub color: String,
    pub kind: StageKind,
    pub actions: Vec<StageAction>,
}

string_enum!(
    /// A condition a move must meet (the process designer ticks them per transition).
    GuardKind {
        Paid => "paid",
        NoTransit => "no_transit",
        Reserved => "reserved",
        Document => "document",
        Comment => "comment",
    }
);

/// What a transition requires before a record may take it. All off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Guards {
    /// The order is paid in full (received − refunded ≥ total).
    #[serde(default)]
    pub paid: bool,
    /// With `paid`: planned payments still expected count toward it.
    #[serde(default)]
    pub planned_counts: bool,
    /// No transfer carrying the order's goods is still in transit.
    #[serde(default)]
    pub no_transit: bool,
    /// Every line holds an active reservation.
    #[serde(default)]
    pub reserved: bool,
    /// A document of this template has been generated for the order.
    #[serde(default)]
    pub document_template_id: Option<i64>,
    /// The person moving it writes why.
    #[serde(default)]
    pub comment: bool,
}

impl Guards {
    pub fn is_empty(&self) -> bool {
        *self == Guards::default()
    }

    /// The guards that are on, in the order they are checked.
    pub fn kinds(&self) -> Vec<GuardKind> {
        let mut out = Vec::new();
        if self.comment {
            out.push(GuardKind::Comment);
        }
        if self.paid {
            out.push(GuardKind::Paid);
        }
        if self.no_transit {
            out.push(GuardKind::NoTransit);
        }
        if self.reserved {
            out.push(GuardKind::Reserved);
        }
        if self.document_template_id.is_some() {
            out.push(GuardKind::Document);
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Transition {
    pub from_stage_id: i64,
    pub to_stage_id: i64,
    pub roles: Vec<Role>,
    /// Conditions checked when the move is made (orders only).
    #[serde(default)]
    pub guards: Guards,
    /// The fulfilment kinds of orders this move applies to; empty: every kind.
    #[serde(default)]
    pub fulfilments: Vec<crate::orders::Fulfilment>,
}

impl Transition {
    /// Whether this move applies to a record (`None`: not an order, every move applies).
    pub fn applies_to(&self, fulfilment: Option<crate::orders::Fulfilment>) -> bool {
        match fulfilment {
            Some(f) => self.fulfilments.is_empty() || self.fulfilments.contains(&f),
            None => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Process {
    pub id: i64,
    pub name: String,
    pub kind: ProcessKind,
    pub active: bool,
    /// In board order; a new record starts in the first.
    pub stages: Vec<Stage>,
    pub transitions: Vec<Transition>,
}

impl Process {
    pub fn stage(&self, id: i64) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// The move from `from` to `to`, when the process has one.
    pub fn transition(&self, from: i64, to: i64) -> Option<&Transition> {
        self.transitions
            .iter()
            .find(|t| t.from_stage_id == from && t.to_stage_id == to)
    }

    /// Whether `role` may move a record (of this fulfilment, for an order) from `from`
    /// to `to`.
    pub fn may_move(
        &self,
        from: i64,
        to: i64,
        role: Role,
        fulfilment: Option<crate::orders::Fulfilment>,
    ) -> bool {
        self.transition(from, to)
            .is_some_and(|t| t.roles.contains(&role) && t.applies_to(fulfilment))
    }

    /// The move a record on `from` may take to `to` by `role`: 409 when the process has
    /// no such move from there (the record moved meanwhile) or not for this fulfilment,
    /// 403 when the role may not. Guards are the caller's to check.
    pub fn check_move(
        &self,
        from: i64,
        to: i64,
        role: Role,
        fulfilment: Option<crate::orders::Fulfilment>,
    ) -> Result<(&Stage, &Transition), AppError> {
        let target = self
            .stage(to)
            .ok_or(AppError::invalid(Field::Stage, Problem::NotFound))?;
        let Some(transition) = self.transition(from, to) else {
            return Err(AppError::conflict(crate::error::Conflict::StageMoved));
        };
        if !transition.applies_to(fulfilment) {
            return Err(AppError::conflict(crate::error::Conflict::NotForFulfilment));
        }
        if !transition.roles.contains(&role) {
            return Err(AppError::Forbidden);
        }
        Ok((target, transition))
    }

    /// The stages `role` may move a record to from `from`, in board order.
    pub fn moves_from(
        &self,
        from: i64,
        role: Role,
        fulfilment: Option<crate::orders::Fulfilment>,
    ) -> Vec<&Stage> {
        self.stages
            .iter()
            .filter(|s| self.may_move(from, s.id, role, fulfilment))
            .collect()
    }
}

/// A stage as the designer sends it: `id` for a stage that exists, `None` for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageInput {
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default = "default_color")]
    pub color: String,
    pub kind: StageKind,
    #[serde(default)]
    pub actions: Vec<StageAction>,
}

fn default_color() -> String {
    "#8a8f98".into()
}

/// A move between stages named by their positions in [`ProcessInput::stages`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransitionInput {
    pub from: usize,
    pub to: usize,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub guards: Guards,
    /// Empty: every fulfilment kind.
    #[serde(default)]
    pub fulfilments: Vec<crate::orders::Fulfilment>,
}

/// A whole process definition, saved at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProcessInput {
    pub name: String,
    pub kind: ProcessKind,
    #[serde(default = "yes")]
    pub active: bool,
    pub stages: Vec<StageInput>,
    pub transitions: Vec<TransitionInput>,
}

fn yes() -> bool {
    true
}

impl ProcessInput {
    pub fn validate(mut self) -> Result<Self, AppError> {
        self.name = crate::org::text(&self.name, Field::Name, 120)?;
        if self.stages.is_empty() || self.stages.len() > 30 {
            return Err(AppError::invalid(Field::Stage, Problem::Required));
        }
        let mut names: Vec<String> = Vec::new();
        for stage in &mut self.stages {
            stage.name = crate::org::text(&stage.name, Field::Stage, 60)?;
            let folded = stage.name.to_lowercase();
            if names.contains(&folded) {
                return Err(AppError::invalid(Field::Stage, Problem::Invalid));
            }
            names.push(folded);
            let c = stage.color.trim();
            if c.len() != 7 || !c.starts_with('#') || !c[1..].chars().all(|d| d.is_ascii_hexdigit())
            {
                return Err(AppError::invalid(Field::Color, Problem::Invalid));
            }
            stage.color = c.to_ascii_lowercase();
            if stage.actions.len() > 10 {
                return Err(AppError::invalid(Field::Action, Problem::TooLong));
            }
            for a in &mut stage.actions {
                a.param = a.param.trim().to_string();
                let ok = match a.action {
                    ActionKind::Notify => {
                        a.param == "manager"
                            || a.param
                                .strip_prefix("role:")
                                .and_then(Role::parse)
                                .is_some()
                            || a.param
                                .strip_prefix("employee:")
                                .and_then(|id| id.parse::<i64>().ok())
                                .is_some()
                    }
                    // The template's id; that it exists is checked when the process is saved.
                    ActionKind::GenerateDocument => a.param.parse::<i64>().is_ok_and(|id| id > 0),
                    _ => a.param.is_empty(),
                };
                if !ok {
                    return Err(AppError::invalid(Field::Action, Problem::Invalid));
                }
                if self.kind != ProcessKind::Order && a.action != ActionKind::Notify {
                    // Tasks and projects hold no goods.
                    return Err(AppError::invalid(Field::Action, Problem::Invalid));
                }
            }
        }
        if self.stages[0].kind != StageKind::Open {
            return Err(AppError::invalid(Field::Stage, Problem::Invalid));
        }
        let n = self.stages.len();
        let mut seen = Vec::new();
        for t in &mut self.transitions {
            if t.from >= n || t.to >= n || t.from == t.to || t.roles.is_empty() {
                return Err(AppError::invalid(Field::Transition, Problem::Invalid));
            }
            if seen.contains(&(t.from, t.to)) {
                return Err(AppError::invalid(Field::Transition, Problem::Invalid));
            }
            seen.push((t.from, t.to));
            t.roles.sort_by_key(|r| r.as_str());
            t.roles.dedup();
            t.fulfilments.sort_by_key(|f| f.as_str());
            t.fulfilments.dedup();
            if t.fulfilments.len() == crate::orders::Fulfilment::ALL.len() {
                t.fulfilments.clear();
            }
            if self.kind != ProcessKind::Order
                && (!t.guards.is_empty() || !t.fulfilments.is_empty())
            {
                // Guards and fulfilments speak of an order's goods and money.
                return Err(AppError::invalid(Field::Transition, Problem::Invalid));
            }
            if !t.guards.paid {
                t.guards.planned_counts = false;
            }
            if t.guards.document_template_id.is_some_and(|id| id <= 0) {
                return Err(AppError::invalid(Field::Template, Problem::NotFound));
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProcessInput {
        ProcessInput {
            name: "Розничный заказ".into(),
            kind: ProcessKind::Order,
            active: true,
            stages: vec![
                StageInput {
                    id: None,
                    name: "Новый".into(),
                    color: "#1F6FEB".into(),
                    kind: StageKind::Open,
                    actions: vec![StageAction {
                        action: ActionKind::ReserveAll,
                        param: String::new(),
                    }],
                },
                StageInput {
                    id: None,
                    name: "Выдан".into(),
                    color: "#2da44e".into(),
                    kind: StageKind::Done,
                    actions: vec![StageAction {
                        action: ActionKind::Notify,
                        param: "role:accountant".into(),
                    }],
                },
            ],
            transitions: vec![TransitionInput {
                from: 0,
                to: 1,
                roles: vec![Role::Manager, Role::Manager],
                guards: Guards::default(),
                fulfilments: vec![],
            }],
        }
    }

    #[test]
    fn a_definition_is_checked_and_tidied() {
        let v = input().validate().expect("valid");
        assert_eq!(v.stages[0].color, "#1f6feb");
        assert_eq!(v.transitions[0].roles, vec![Role::Manager]);
        let mut bad = input();
        bad.transitions[0].to = 5;
        assert!(bad.validate().is_err());
        let mut bad = input();
        bad.stages[1].name = "новый".into();
        assert!(bad.validate().is_err());
        let mut bad = input();
        bad.stages[1].actions[0].param = "role:king".into();
        assert!(bad.validate().is_err());
        let mut bad = input();
        bad.kind = ProcessKind::Task;
        assert!(
            bad.validate().is_err(),
            "a task process cannot reserve goods"
        );
    }
}
