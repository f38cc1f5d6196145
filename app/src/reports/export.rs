//! A report's table as CSV (UTF-8 with a BOM, `;` separated: what Excel opens correctly
//! in Russian locales) and as XLSX (numbers as numbers, money with two decimals).

use super::{Table, Value};
use crate::error::AppError;
use crate::i18n::Lang;

fn csv_cell(text: &str) -> String {
    // Cells that a spreadsheet would take for a formula are quoted with a leading '.
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([';', '"', '\n', '\r', ',']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub fn csv(table: &Table, lang: Lang) -> String {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = table
        .columns
        .iter()
        .map(|c| csv_cell(c.label(lang)))
        .collect();
    out.push_str(&header.join(";"));
    out.push_str("\r\n");
    let mut lines: Vec<&Vec<Value>> = table.rows.iter().collect();
    if let Some(t) = &table.totals {
        lines.push(t);
    }
    for row in lines {
        let cells: Vec<String> = row.iter().map(|v| csv_cell(&v.text())).collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out
}

pub fn xlsx(table: &Table, lang: Lang, title: &str) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |_| AppError::Internal;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.trim().is_empty() {
        sheet.set_name(name.trim()).map_err(fail)?;
    }
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let qty = Format::new().set_num_format("#,##0.###");
    let pct = Format::new().set_num_format("0.00\"%\"");
    for (c, col) in table.columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, col.label(lang), &bold)
            .map_err(fail)?;
        sheet.set_column_width(c as u16, 18).map_err(fail)?;
    }
    let mut lines: Vec<&Vec<Value>> = table.rows.iter().collect();
    if let Some(t) = &table.totals {
        lines.push(t);
    }
    for (r, row) in lines.into_iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            // Exact decimals become the nearest double only here, in the spreadsheet.
            let written = match v {
                Value::Null => continue,
                Value::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                Value::Money(m) => sheet
                    .write_number_with_format(r, c, m.0 as f64 / 100.0, &money)
                    .map(|_| ()),
                Value::Qty(q) => sheet
                    .write_number_with_format(r, c, q.0 as f64 / 1000.0, &qty)
                    .map(|_| ()),
                Value::Percent(p) => sheet
                    .write_number_with_format(r, c, *p as f64 / 100.0, &pct)
                    .map(|_| ()),
                other => sheet.write_string(r, c, other.text()).map(|_| ()),
            };
            written.map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Money;
    use crate::reports::Column;

    fn table() -> Table {
        Table {
            columns: vec![
                Column {
                    id: "client".into(),
                    label_en: "Client".into(),
                    label_ru: "Клиент".into(),
                },
                Column {
                    id: "sum".into(),
                    label_en: "Sum".into(),
                    label_ru: "Сумма".into(),
                },
            ],
            rows: vec![vec![
                Value::Text("=HYPERLINK(\"x\"); \"ООО\"".into()),
                Value::Money(Money(123_456)),
            ]],
            totals: Some(vec![Value::Null, Value::Money(Money(123_456))]),
            truncated: false,
            period: None,
        }
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let text = csv(&table(), Lang::Ru);
        assert!(text.starts_with("\u{feff}Клиент;Сумма\r\n"));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\"); \"\"ООО\"\"\";1234.56\r\n"));
        assert!(text.ends_with(";1234.56\r\n"));
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = xlsx(&table(), Lang::En, "Sales: 2026/11").expect("xlsx");
        assert_eq!(&bytes[..2], b"PK");
    }
}
