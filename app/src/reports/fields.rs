//! What the constructor may read: data blocks, the columns of each table and the
//! relations between tables (a payment's order, an order's shop, a line's product's
//! category …). Nothing outside these lists ever reaches SQL: a field is a path of
//! relation names ending in a column name (`order.shop.name`), resolved here.

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Id,
    Text,
    Money,
    Qty,
    Int,
    /// UTC ms; the constructor reads it as a day on the row's shop's calendar.
    Time,
    /// 0/1.
    Bool,
}

impl Kind {
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Money | Kind::Qty | Kind::Int)
    }
}

/// A column: `sql` is the column name, or an expression where `{t}` is the table's alias.
#[derive(Debug)]
pub struct Col {
    pub name: &'static str,
    pub sql: &'static str,
    pub kind: Kind,
    pub en: &'static str,
    pub ru: &'static str,
}

/// A relation to another table through a foreign key column.
#[derive(Debug)]
pub struct Rel {
    pub name: &'static str,
    pub fk: &'static str,
    pub table: &'static str,
    pub en: &'static str,
    pub ru: &'static str,
}

#[derive(Debug)]
pub struct TableDef {
    pub name: &'static str,
    pub cols: &'static [Col],
    pub rels: &'static [Rel],
}

/// How a block's rows are limited to the caller's shops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The row's own `shop_id`.
    Shop,
    /// The row's order's shop; rows without an order are the chain's (hidden).
    Order,
    /// The row's order's shop when it has an order.
    OrderIfAny,
    /// Shared by the whole chain (stock, clients).
    Chain,
}

#[derive(Debug)]
pub struct Block {
    pub id: &'static str,
    pub table: &'static str,
    pub en: &'static str,
    pub ru: &'static str,
    /// The field a period filters on.
    pub date: Option<&'static str>,
    /// (revenue field, cost field) for the margin measure.
    pub margin: Option<(&'static str, &'static str)>,
    pub scope: Scope,
    /// Whose calendar the block's dates are read in: the relations to walk (dot-separated,
    /// empty for the block's own row) and the column there holding a location id. `None`:
    /// the company's calendar (clients). A row whose location is unknown (a payment
    /// without an order) takes the company's too.
    pub zone: Option<(&'static str, &'static str)>,
}

impl Block {
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ru => self.ru,
            Lang::En => self.en,
        }
    }
}

macro_rules! col {
    ($name:literal, $kind:ident, $en:literal, $ru:literal) => {
        Col {
            name: $name,
            sql: $name,
            kind: Kind::$kind,
            en: $en,
            ru: $ru,
        }
    };
    ($name:literal = $sql:literal, $kind:ident, $en:literal, $ru:literal) => {
        Col {
            name: $name,
            sql: $sql,
            kind: Kind::$kind,
            en: $en,
            ru: $ru,
        }
    };
}

macro_rules! rel {
    ($name:literal, $fk:literal -> $table:literal, $en:literal, $ru:literal) => {
        Rel {
            name: $name,
            fk: $fk,
            table: $table,
            en: $en,
            ru: $ru,
        }
    };
}

pub static BLOCKS: &[Block] = &[
    // Calls: by the shop of the employee who took them (a call to nobody's extension has
    // no shop and is the chain-wide roles' only).
    Block {
        id: "calls",
        table: "phone_call",
        en: "Calls",
        ru: "Звонки",
        date: Some("started_at"),
        margin: None,
        zone: Some(("", "shop_id")),
        scope: Scope::Shop,
    },
    Block {
        id: "orders",
        table: "orders",
        en: "Orders",
        ru: "Заказы",
        date: Some("created_at"),
        margin: Some(("total", "cost")),
        zone: Some(("", "shop_id")),
        scope: Scope::Shop,
    },
    Block {
        id: "order_lines",
        table: "order_line",
        en: "Order lines",
        ru: "Строки заказов",
        date: Some("order.created_at"),
        margin: Some(("amount", "cost")),
        zone: Some(("order", "shop_id")),
        scope: Scope::Order,
    },
    Block {
        id: "payments",
        table: "payment",
        en: "Payments",
        ru: "Платежи",
        date: Some("paid_at"),
        margin: None,
        zone: Some(("order", "shop_id")),
        scope: Scope::Order,
    },
    Block {
        id: "fund_entries",
        table: "fund_entry",
        en: "Payments by fund (with shares passed on)",
        ru: "Платежи по статьям (с долями)",
        date: Some("paid_at"),
        margin: None,
        zone: Some(("order", "shop_id")),
        scope: Scope::Order,
    },
    Block {
        id: "stock_levels",
        table: "stock_level",
        en: "Stock levels",
        ru: "Остатки",
        date: None,
        margin: None,
        zone: Some(("", "location_id")),
        scope: Scope::Chain,
    },
    Block {
        id: "stock_moves",
        table: "stock_move",
        en: "Stock moves",
        ru: "Движения товара",
        date: Some("created_at"),
        margin: None,
        zone: Some(("", "location_id")),
        scope: Scope::Chain,
    },
    Block {
        id: "reservations",
        table: "reservation",
        en: "Reservations",
        ru: "Резервы",
        date: Some("created_at"),
        margin: None,
        zone: Some(("", "location_id")),
        scope: Scope::OrderIfAny,
    },
    Block {
        id: "clients",
        table: "client",
        en: "Clients",
        ru: "Клиенты",
        date: Some("created_at"),
        margin: None,
        zone: None,
        scope: Scope::Chain,
    },
    Block {
        id: "tasks",
        table: "task",
        en: "Tasks",
        ru: "Задачи",
        date: Some("created_at"),
        margin: None,
        zone: Some(("order", "shop_id")),
        scope: Scope::OrderIfAny,
    },
];

pub static TABLES: &[TableDef] = &[
    TableDef {
        name: "phone_call",
        cols: &[
            col!("id", Id, "Call id", "Код звонка"),
            col!(
                "direction",
                Text,
                "Direction (in, out)",
                "Направление (in, out)"
            ),
            col!("phone", Text, "Number", "Номер"),
            col!("started_at", Time, "Call date", "Дата звонка"),
            col!("duration", Int, "Talk, s", "Разговор, с"),
            col!("result", Text, "Result", "Итог"),
            col!(
                "missed" = "(CASE WHEN {t}.result = 'missed' THEN 1 ELSE 0 END)",
                Int,
                "Missed",
                "Пропущен"
            ),
        ],
        rels: &[
            rel!("employee", "employee_id" -> "employee", "Employee", "Сотрудник"),
            rel!("shop", "shop_id" -> "location", "Shop", "Магазин"),
            rel!("client", "client_id" -> "client", "Client", "Клиент"),
            rel!("order", "order_id" -> "orders", "Order", "Заказ"),
        ],
    },
    TableDef {
        name: "orders",
        cols: &[
            col!("id", Id, "Order id", "Код заказа"),
            col!("number", Text, "Order number", "Номер заказа"),
            col!("created_at", Time, "Order date", "Дата заказа"),
            col!("closed_at", Time, "Closed", "Закрыт"),
            col!("total", Money, "Order total", "Сумма заказа"),
            col!(
                "cost" =
                    "(SELECT COALESCE(SUM(x.cost), 0) FROM order_line x WHERE x.order_id = {t}.id)",
                Money,
                "Cost",
                "Себестоимость"
            ),
            col!("fulfilment", Text, "Fulfilment", "Получение"),
        ],
        rels: &[
            rel!("shop", "shop_id" -> "location", "Shop", "Магазин"),
            rel!("manager", "manager_id" -> "employee", "Manager", "Менеджер"),
            rel!("client", "client_id" -> "client", "Client", "Клиент"),
            rel!("process", "process_id" -> "process", "Process", "Процесс"),
            rel!("stage", "stage_id" -> "stage", "Stage", "Стадия"),
        ],
    },
    TableDef {
        name: "order_line",
        cols: &[
            col!("id", Id, "Line id", "Код строки"),
            col!("qty", Qty, "Quantity", "Количество"),
            col!("price", Money, "Price", "Цена"),
            col!("discount", Money, "Discount", "Скидка"),
            col!("amount", Money, "Amount", "Сумма"),
            col!("cost", Money, "Cost", "Себестоимость"),
        ],
        rels: &[
            rel!("order", "order_id" -> "orders", "Order", "Заказ"),
            rel!("product", "product_id" -> "product", "Product", "Товар"),
            rel!("location", "location_id" -> "location", "Source location", "Откуда"),
        ],
    },
    TableDef {
        name: "payment",
        cols: &[
            col!("id", Id, "Payment id", "Код платежа"),
            col!("direction", Text, "Direction", "Направление"),
            col!("method", Text, "Method", "Способ"),
            col!("amount", Money, "Amount", "Сумма"),
            col!("planned", Bool, "Planned", "Плановый"),
            col!("paid_at", Time, "Paid", "Дата оплаты"),
        ],
        rels: &[
            rel!("order", "order_id" -> "orders", "Order", "Заказ"),
            rel!("client", "client_id" -> "client", "Client", "Клиент"),
            rel!("fund", "fund_id" -> "fund", "Fund", "Статья"),
            rel!("author", "author_id" -> "employee", "Recorded by", "Кто внёс"),
        ],
    },
    // A payment's share in each fund: what its own fund keeps and each part passed on
    // by a fund split (see [`derived`]).
    TableDef {
        name: "fund_entry",
        cols: &[
            col!("amount", Money, "Amount in the fund", "Сумма по статье"),
            col!(
                "passed_on",
                Bool,
                "Passed on from another fund",
                "Доля от другой статьи"
            ),
            col!("direction", Text, "Direction", "Направление"),
            col!("method", Text, "Method", "Способ"),
            col!("planned", Bool, "Planned", "Плановый"),
            col!("paid_at", Time, "Paid", "Дата оплаты"),
        ],
        rels: &[
            rel!("fund", "fund_id" -> "fund", "Fund", "Статья"),
            rel!("payment", "payment_id" -> "payment", "Payment", "Платёж"),
            rel!("order", "order_id" -> "orders", "Order", "Заказ"),
            rel!("client", "client_id" -> "client", "Client", "Клиент"),
        ],
    },
    TableDef {
        name: "stock_level",
        cols: &[
            col!("on_hand", Qty, "On hand", "В наличии"),
            col!("reserved", Qty, "Reserved", "В резерве"),
            col!(
                "free" = "({t}.on_hand - {t}.reserved)",
                Qty,
                "Free",
                "Свободно"
            ),
            col!("updated_at", Time, "Updated", "Изменено"),
        ],
        rels: &[
            rel!("product", "product_id" -> "product", "Product", "Товар"),
            rel!("location", "location_id" -> "location", "Location", "Место"),
        ],
    },
    TableDef {
        name: "stock_move",
        cols: &[
            col!("id", Id, "Move id", "Код движения"),
            col!("qty", Qty, "Quantity", "Количество"),
            col!("kind", Text, "Kind", "Вид"),
            col!("created_at", Time, "Date", "Дата"),
        ],
        rels: &[
            rel!("product", "product_id" -> "product", "Product", "Товар"),
            rel!("location", "location_id" -> "location", "Location", "Место"),
            rel!("author", "author_id" -> "employee", "Author", "Автор"),
        ],
    },
    TableDef {
        name: "reservation",
        cols: &[
            col!("id", Id, "Reservation id", "Код резерва"),
            col!("qty", Qty, "Quantity", "Количество"),
            col!("status", Text, "Status", "Состояние"),
            col!("created_at", Time, "Reserved", "Зарезервировано"),
            col!("expires_at", Time, "Expires", "Истекает"),
        ],
        rels: &[
            rel!("product", "product_id" -> "product", "Product", "Товар"),
            rel!("location", "location_id" -> "location", "Location", "Место"),
            rel!("order", "order_id" -> "orders", "Order", "Заказ"),
        ],
    },
    TableDef {
        name: "client",
        cols: &[
            col!("id", Id, "Client id", "Код клиента"),
            col!("name", Text, "Client", "Клиент"),
            col!("email", Text, "Email", "Эл. почта"),
            col!(
                "consent",
                Bool,
                "Consent to mailings",
                "Согласие на рассылки"
            ),
            col!("created_at", Time, "Added", "Добавлен"),
        ],
        rels: &[],
    },
    TableDef {
        name: "task",
        cols: &[
            col!("id", Id, "Task id", "Код задачи"),
            col!("title", Text, "Title", "Название"),
            col!("kind", Text, "Kind", "Вид"),
            col!("due_at", Time, "Due", "Срок"),
            col!("created_at", Time, "Created", "Создана"),
            col!("closed_at", Time, "Closed", "Закрыта"),
        ],
        rels: &[
            rel!("process", "process_id" -> "process", "Process", "Процесс"),
            rel!("stage", "stage_id" -> "stage", "Stage", "Стадия"),
            rel!("assignee", "assignee_id" -> "employee", "Assignee", "Исполнитель"),
            rel!("client", "client_id" -> "client", "Client", "Клиент"),
            rel!("order", "order_id" -> "orders", "Order", "Заказ"),
        ],
    },
    TableDef {
        name: "location",
        cols: &[
            col!("id", Id, "Id", "Код"),
            col!("name", Text, "Name", "Название"),
            col!("kind", Text, "Kind", "Вид"),
            col!("city", Text, "City", "Город"),
        ],
        rels: &[],
    },
    TableDef {
        name: "employee",
        cols: &[
            col!("id", Id, "Id", "Код"),
            col!("name", Text, "Name", "Имя"),
            col!("role", Text, "Role", "Роль"),
        ],
        rels: &[],
    },
    TableDef {
        name: "process",
        cols: &[
            col!("id", Id, "Id", "Код"),
            col!("name", Text, "Name", "Название"),
        ],
        rels: &[],
    },
    TableDef {
        name: "stage",
        cols: &[
            col!("id", Id, "Id", "Код"),
            col!("name", Text, "Name", "Название"),
            col!("kind", Text, "Kind", "Вид"),
        ],
        rels: &[],
    },
    TableDef {
        name: "fund",
        cols: &[
            col!("id", Id, "Id", "Код"),
            col!("name", Text, "Name", "Название"),
        ],
        rels: &[],
    },
    TableDef {
        name: "product",
        cols: &[
            col!("id", Id, "Id", "Код"),
            col!("sku", Text, "SKU", "Артикул"),
            col!("name", Text, "Name", "Название"),
            col!("unit", Text, "Unit", "Ед. изм."),
            col!("price", Money, "Catalog price", "Цена по каталогу"),
            col!("cost", Money, "Unit cost", "Себестоимость единицы"),
        ],
        rels: &[rel!("category", "category_id" -> "category", "Category", "Категория")],
    },
    TableDef {
        name: "category",
        cols: &[
            col!("id", Id, "Id", "Код"),
            col!("name", Text, "Name", "Название"),
        ],
        rels: &[],
    },
];

/// Tables that are a query over others: (name, SQL, the column listings are ordered by).
/// `fund_entry` is each payment's kept part in its own fund plus the parts a fund split
/// passed on, as the standard «payments by fund» sums them.
const DERIVED: &[(&str, &str, &str)] = &[(
    "fund_entry",
    "(SELECT p.id AS payment_id, p.fund_id AS fund_id, \
             p.amount - COALESCE(k.passed, 0) AS amount, 0 AS passed_on, \
             p.direction AS direction, p.method AS method, p.planned AS planned, \
             p.paid_at AS paid_at, p.local_day AS local_day, p.order_id AS order_id, \
             p.client_id AS client_id \
      FROM payment p LEFT JOIN (SELECT payment_id, SUM(amount) AS passed FROM payment_part \
                                GROUP BY payment_id) k ON k.payment_id = p.id \
      UNION ALL \
      SELECT pp.payment_id, pp.fund_id, pp.amount, 1, p.direction, p.method, p.planned, \
             p.paid_at, p.local_day, p.order_id, p.client_id \
      FROM payment_part pp JOIN payment p ON p.id = pp.payment_id)",
    "payment_id",
)];

/// What a table is read from in SQL: its name, or the query it stands for.
pub fn source(table: &str) -> &str {
    DERIVED.iter().find(|d| d.0 == table).map_or(table, |d| d.1)
}

/// The column a listing of the table is ordered by.
pub fn key(table: &str) -> &'static str {
    match table {
        "stock_level" => "product_id",
        _ => DERIVED.iter().find(|d| d.0 == table).map_or("id", |d| d.2),
    }
}

/// The stored local day of an instant column, where the row keeps one (written when the
/// row is, in its shop's zone; rebuilt when a zone changes).
pub fn stored_local_day(table: &str, column: &str) -> Option<&'static str> {
    match (table, column) {
        ("orders", "created_at") | ("payment" | "fund_entry", "paid_at") => Some("local_day"),
        _ => None,
    }
}

pub fn block(id: &str) -> Option<&'static Block> {
    BLOCKS.iter().find(|b| b.id == id)
}

pub fn table(name: &str) -> Option<&'static TableDef> {
    TABLES.iter().find(|t| t.name == name)
}

/// At most this many relations in a field path.
pub const MAX_DEPTH: usize = 3;

/// A field path resolved: the relations walked (each with the table it reaches) and
/// the column.
#[derive(Debug)]
pub struct Resolved {
    pub rels: Vec<&'static Rel>,
    pub col: &'static Col,
}

impl Resolved {
    /// "Order → Shop → Name" in a language.
    pub fn label(&self, lang: Lang) -> String {
        let mut parts: Vec<&str> = self
            .rels
            .iter()
            .map(|r| match lang {
                Lang::Ru => r.ru,
                Lang::En => r.en,
            })
            .collect();
        // "Shop → Name" reads better as "Shop" for the name of a related record.
        let col = match lang {
            Lang::Ru => self.col.ru,
            Lang::En => self.col.en,
        };
        if self.col.name != "name" || parts.is_empty() {
            parts.push(col);
        }
        parts.join(" → ")
    }
}

/// Resolves `path` from a block's table; `None` for anything not on the lists.
pub fn resolve(block: &Block, path: &str) -> Option<Resolved> {
    let mut table = table(block.table)?;
    let parts: Vec<&str> = path.split('.').collect();
    let (col_name, rel_names) = parts.split_last()?;
    if rel_names.len() > MAX_DEPTH {
        return None;
    }
    let mut rels = Vec::new();
    for name in rel_names {
        let rel = table.rels.iter().find(|r| r.name == *name)?;
        rels.push(rel);
        table = self::table(rel.table)?;
    }
    let col = table.cols.iter().find(|c| c.name == *col_name)?;
    Some(Resolved { rels, col })
}

/// The relations a dot-separated path of relation names walks from a block's table, and
/// the table it ends on.
pub fn walk(block: &Block, path: &str) -> Option<(Vec<&'static Rel>, &'static TableDef)> {
    let mut table = table(block.table)?;
    let mut rels = Vec::new();
    for name in path.split('.').filter(|n| !n.is_empty()) {
        let rel = table.rels.iter().find(|r| r.name == name)?;
        rels.push(rel);
        table = self::table(rel.table)?;
    }
    Some((rels, table))
}

/// Every field reachable from a block (for the field picker), with its label.
pub fn all_fields(block: &Block, lang: Lang) -> Vec<(String, String, Kind)> {
    fn walk(
        table: &'static TableDef,
        prefix: String,
        depth: usize,
        out: &mut Vec<String>,
        seen: &mut Vec<&'static str>,
    ) {
        for c in table.cols {
            out.push(format!("{prefix}{}", c.name));
        }
        if depth == MAX_DEPTH {
            return;
        }
        for r in table.rels {
            if let Some(t) = self::table(r.table) {
                // Don't walk back into a table already on the path (order → … → order).
                if seen.contains(&t.name) {
                    continue;
                }
                seen.push(t.name);
                walk(t, format!("{prefix}{}.", r.name), depth + 1, out, seen);
                seen.pop();
            }
        }
    }
    let mut paths = Vec::new();
    if let Some(t) = table(block.table) {
        let mut seen = vec![t.name];
        walk(t, String::new(), 0, &mut paths, &mut seen);
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let r = resolve(block, &p)?;
            Some((p, r.label(lang), r.col.kind))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_relations_and_nothing_else() {
        let payments = block("payments").expect("block");
        let r = resolve(payments, "order.shop.name").expect("resolves");
        assert_eq!(r.rels.len(), 2);
        assert_eq!(r.label(Lang::En), "Order → Shop");
        assert!(resolve(payments, "order.manager.password_hash").is_none());
        assert!(resolve(payments, "amount; DROP TABLE payment").is_none());
        assert!(resolve(payments, "order.shop.name.x").is_none());
        assert!(resolve(payments, "").is_none());
        let lines = block("order_lines").expect("block");
        assert!(resolve(lines, "product.category.name").is_some());
        assert!(all_fields(lines, Lang::Ru)
            .iter()
            .any(|(p, _, _)| p == "order.shop.city"));
        for b in BLOCKS {
            assert!(table(b.table).is_some(), "{}", b.id);
            if let Some(d) = b.date {
                assert_eq!(resolve(b, d).map(|r| r.col.kind), Some(Kind::Time));
            }
            if let Some((path, col)) = b.zone {
                let (_, t) = walk(b, path).expect("zone path");
                // The column is a reference to a location.
                assert!(
                    t.rels.iter().any(|r| r.fk == col && r.table == "location"),
                    "{}",
                    b.id
                );
            }
            for (path, _, _) in all_fields(b, Lang::En) {
                assert!(resolve(b, &path).is_some());
            }
        }
    }
}
