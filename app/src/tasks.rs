//! Tasks and projects: records that run through a business process of their kind — a
//! title, a description, an assignee, a due date, and a link to a client and/or an order.
//! They have their own boards and show on the records they are linked to.

use crate::error::{AppError, Field, Problem};
use crate::orders::StageRef;
use crate::process::ProcessKind;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskInput {
    /// `task` or `project`.
    pub kind: ProcessKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// UTC ms.
    #[serde(default)]
    pub due_at: Option<i64>,
    #[serde(default)]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub order_id: Option<i64>,
}

impl TaskInput {
    pub fn validate(mut self) -> Result<Self, AppError> {
        if self.kind == ProcessKind::Order {
            return Err(AppError::invalid(Field::Kind, Problem::Invalid));
        }
        self.title = crate::org::text(&self.title, Field::Name, 200)?;
        self.description = self.description.trim().to_string();
        if self.description.chars().count() > 10_000 {
            return Err(AppError::invalid(Field::Notes, Problem::TooLong));
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: i64,
    pub kind: ProcessKind,
    pub process_id: i64,
    pub stage: StageRef,
    pub title: String,
    pub description: String,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub due_at: Option<i64>,
    pub client_id: Option<i64>,
    pub client: Option<String>,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    /// Stages the caller may move it to now.
    pub moves: Vec<StageRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct TaskFilter {
    #[serde(default)]
    pub kind: Option<ProcessKind>,
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub order_id: Option<i64>,
}
