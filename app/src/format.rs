//! PLACEHOLDER, replaced at merge.
use crate::i18n::Lang; use crate::quantity::{Money, Qty};
pub fn money(m: Money, _lang: Lang) -> String { format!("{m} ₽") }
pub fn qty(q: Qty, _lang: Lang) -> String { q.to_string() }
pub fn percent(p: rust_decimal::Decimal, _lang: Lang) -> String { format!("{p} %") }
