//! What a message says, cut into pieces the screen renders: plain text, links (http and
//! https only, so `javascript:` stays text) and @mentions. Every piece is rendered as
//! text or as an attribute value; nothing is ever parsed as markup.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Link(String),
    /// `@login`, without the `@`.
    Mention(String),
}

fn is_login_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Cuts `body` into text, links and mentions, in order.
pub fn pieces(body: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        let at_word_start = text.chars().last().is_none_or(|p| !is_login_char(p));
        if (rest.starts_with("https://") || rest.starts_with("http://")) && at_word_start {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
                .unwrap_or(rest.len());
            // Trailing punctuation belongs to the sentence, not the link.
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
            if url.len() > "https://".len() {
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(Piece::Link(url.to_string()));
                rest = &rest[url.len()..];
                continue;
            }
        }
        if c == '@' && at_word_start {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| is_login_char(*c))
                .collect();
            let name = name.trim_end_matches(['.', '-']).to_string();
            if !name.is_empty() {
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                rest = &rest[1 + name.len()..];
                out.push(Piece::Mention(name));
                continue;
            }
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// The logins mentioned in `body`, each once, lower-cased.
pub fn mentions(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in pieces(body) {
        if let Piece::Mention(m) = p {
            let m = m.to_lowercase();
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// The word being typed after an `@` at the end of `draft` (for autocompletion).
pub fn typing_mention(draft: &str) -> Option<&str> {
    let at = draft.rfind('@')?;
    let before_ok = draft[..at].chars().last().is_none_or(|p| !is_login_char(p));
    let word = &draft[at + 1..];
    (before_ok && word.chars().all(is_login_char)).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_mentions_are_found_and_markup_stays_text() {
        assert_eq!(
            pieces("Привет @seller2, см. https://example.com/a?b=1. <b>x</b> javascript:alert(1) mail@x.ru"),
            vec![
                Piece::Text("Привет ".into()),
                Piece::Mention("seller2".into()),
                Piece::Text(", см. ".into()),
                Piece::Link("https://example.com/a?b=1".into()),
                Piece::Text(". <b>x</b> javascript:alert(1) mail@x.ru".into()),
            ]
        );
        assert_eq!(mentions("@Anna и @anna, @boris."), vec!["anna", "boris"]);
        assert_eq!(typing_mention("спроси @sel"), Some("sel"));
        assert_eq!(typing_mention("mail@x"), None);
        assert_eq!(typing_mention("@sel ok"), None);
    }
}
