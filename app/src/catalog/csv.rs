//! A small CSV reader for imports: `;`, `,` or tab separated (guessed from the header),
//! double-quoted fields with `""` escapes, a UTF-8 BOM ignored. Enough for what Excel
//! and 1C export; no dependency.

/// Rows of fields, with the 1-based line each row starts on.
pub fn parse(text: &str) -> Vec<(usize, Vec<String>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let sep = [';', '\t', ',']
        .into_iter()
        .max_by_key(|c| first_line.matches(*c).count())
        .unwrap_or(';');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            '\n' if !quoted => {
                row.push(
                    std::mem::take(&mut field)
                        .trim_end_matches('\r')
                        .to_string(),
                );
                if row.iter().any(|f| !f.trim().is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                } else {
                    row.clear();
                }
                line += 1;
                row_line = line;
            }
            c if c == sep && !quoted => row.push(std::mem::take(&mut field)),
            c => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    row.push(field.trim_end_matches('\r').to_string());
    if row.iter().any(|f| !f.trim().is_empty()) {
        rows.push((row_line, row));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_semicolons_quotes_and_blank_lines() {
        let rows = parse("\u{feff}sku;name\r\nA-1;\"Дрель; \"\"Зубр\"\"\"\r\n\r\nA-2;Молоток\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            (2, vec!["A-1".to_string(), "Дрель; \"Зубр\"".to_string()])
        );
        assert_eq!(rows[2].0, 4);
    }

    #[test]
    fn guesses_commas_and_keeps_multiline_quotes() {
        let rows = parse("sku,name\nB-1,\"two\nlines\"\nB-2,x");
        assert_eq!(rows[1].1[1], "two\nlines");
        assert_eq!(rows[2], (4, vec!["B-2".to_string(), "x".to_string()]));
    }
}
