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

#[cfg(test)]
mod tests {
    use super::super::context::*;
    use super::super::{render, typeset, Company};
    use super::*;

    fn sample(lang: crate::i18n::Lang, client: Option<ClientInfo>) -> DocContext {
        let line = |n: usize, name: &str| LineInfo {
            n,
            sku: format!("SKU-{n}"),
            name: name.to_string(),
            unit: "шт".into(),
            qty: "2".into(),
            price: "1 250,00".into(),
            discount: "0,00".into(),
            amount: "2 500,00".into(),
        };
        DocContext {
            doc: DocInfo {
                number: "2026-00007".into(),
                date: "27.11.2026".into(),
                date_long: date_long(1_795_773_600_000, lang),
                title: "Счёт на оплату № 2026-00007 от 27 ноября 2026 г.".into(),
                kind: "invoice",
            },
            company: Company {
                name: "ООО «Витрина»".into(),
                inn: "7707083893".into(),
                ..Company::default()
            },
            order: OrderInfo {
                number: "TV-00012".into(),
                date: "26.11.2026".into(),
                stage: "Подтверждён".into(),
                manager: "Анна Смирнова".into(),
                comment: String::new(),
                fulfilment: "доставка".into(),
                delivery_address: "Москва, ул. Тверская, 7".into(),
                subtotal: "5 000,00".into(),
                discount: "0,00".into(),
                total: "5 000,00".into(),
                total_words: "Пять тысяч рублей 00 копеек".into(),
                paid: "0,00".into(),
                due: "5 000,00".into(),
                lines_count: 2,
                items: "4".into(),
            },
            lines: vec![line(1, "Дрель «Мастер» 500 Вт"), line(2, "Сверло 6 мм")],
            client,
            shop: ShopInfo {
                name: "Магазин «Тверская»".into(),
                city: "Москва".into(),
                address: "ул. Тверская, 7".into(),
            },
            lang: lang.code(),
        }
    }

    #[test]
    fn every_starter_typesets_with_and_without_a_client() {
        for starter in &GALLERY {
            for client in [
                Some(ClientInfo {
                    name: "Олег Сидоров".into(),
                    phone: "+7 903 111-22-33".into(),
                    email: String::new(),
                    notes: String::new(),
                }),
                None,
            ] {
                let has_client = client.is_some();
                let ctx = sample(starter.lang.lang(), client);
                let markup = render::render(starter.body, &ctx)
                    .unwrap_or_else(|e| panic!("{} {:?}: {e:?}", starter.name, starter.lang));
                let set = typeset::typeset(&markup, (2026, 11, 27))
                    .unwrap_or_else(|e| panic!("{} {:?}: {e:?}", starter.name, starter.lang));
                let pdf = set.pdf().expect("pdf");
                assert!(pdf.starts_with(b"%PDF-"));
                // `VITRINA_DUMP_PDF=/some/dir` keeps the PDFs, to look at the starters.
                if let (Ok(dir), true) = (std::env::var("VITRINA_DUMP_PDF"), has_client) {
                    let name = format!("{}.{}.pdf", starter.kind.as_str(), starter.lang.as_str());
                    std::fs::write(std::path::Path::new(&dir).join(name), &pdf).expect("dump");
                }
                let text = set.text();
                assert!(text.contains("Сверло 6 мм"), "{}: {text}", starter.name);
                assert!(text.contains("5 000,00"), "{}: {text}", starter.name);
                if has_client {
                    assert!(text.contains("Олег Сидоров"), "{}: {text}", starter.name);
                } else {
                    // No client on the order: a visible blank where the name goes.
                    assert!(text.contains("______"), "{}: {text}", starter.name);
                }
            }
        }
    }
}
