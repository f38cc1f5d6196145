//! The starting templates every installation gets: invoice, sales contract, waybill and
//! cash receipt, in Russian and in English. They are ordinary templates once installed:
//! an admin edits them or adds new ones from them.

use super::{DocKind, DocLang};
use crate::db::{now_ms, Db};
use crate::error::AppError;

pub struct Starter {
    pub kind: DocKind,
    pub lang: DocLang,
    pub name: &'static str,
    pub body: &'static str,
}

pub const GALLERY: [Starter; 8] = [
    Starter {
        kind: DocKind::Invoice,
        lang: DocLang::Ru,
        name: "Счёт на оплату",
        body: include_str!("gallery/invoice.ru.typ"),
    },
    Starter {
        kind: DocKind::Contract,
        lang: DocLang::Ru,
        name: "Договор купли-продажи",
        body: include_str!("gallery/contract.ru.typ"),
    },
    Starter {
        kind: DocKind::Waybill,
        lang: DocLang::Ru,
        name: "Товарная накладная",
        body: include_str!("gallery/waybill.ru.typ"),
    },
    Starter {
        kind: DocKind::Receipt,
        lang: DocLang::Ru,
        name: "Товарный чек",
        body: include_str!("gallery/receipt.ru.typ"),
    },
    Starter {
        kind: DocKind::Invoice,
        lang: DocLang::En,
        name: "Invoice",
        body: include_str!("gallery/invoice.en.typ"),
    },
    Starter {
        kind: DocKind::Contract,
        lang: DocLang::En,
        name: "Sales contract",
        body: include_str!("gallery/contract.en.typ"),
    },
    Starter {
        kind: DocKind::Waybill,
        lang: DocLang::En,
        name: "Waybill",
        body: include_str!("gallery/waybill.en.typ"),
    },
    Starter {
        kind: DocKind::Receipt,
        lang: DocLang::En,
        name: "Sales receipt",
        body: include_str!("gallery/receipt.en.typ"),
    },
];

/// The starter of a kind in a language.
pub fn starter(kind: DocKind, lang: DocLang) -> Option<&'static Starter> {
    GALLERY.iter().find(|s| s.kind == kind && s.lang == lang)
}

/// Installs the gallery once per database (the first instance to start does it; a
/// counter row marks it done, so deleting or renaming templates later sticks).
pub async fn install(db: &Db) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let first = sqlx::query(
        "INSERT INTO counter (name, value) VALUES ('doc_gallery', 1) ON CONFLICT (name) DO NOTHING",
    )
    .execute(&mut *tx)
    .await?;
    if first.rows_affected() == 1 {
        let now = now_ms();
        for s in &GALLERY {
            sqlx::query(
                "INSERT INTO doc_template (kind, lang, name, body, active, updated_at) \
                 VALUES ($1, $2, $3, $4, 1, $5)",
            )
            .bind(s.kind.as_str())
            .bind(s.lang.as_str())
            .bind(s.name)
            .bind(s.body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
