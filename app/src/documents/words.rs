//! Amounts in words for documents ("сумма прописью"): roubles in words, kopecks in
//! figures, in Russian (with the grammatical gender and plural forms each unit takes) and
//! in English.

use crate::i18n::Lang;
use crate::quantity::Money;

const ONES_M: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const ONES_F: [&str; 10] = [
    "",
    "одна",
    "две",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// The form of a Russian noun after `n`: 1 рубль, 2 рубля, 5 рублей (11–14 take the last).
pub fn ru_plural(n: u64, forms: [&str; 3]) -> &str {
    match (n % 10, n % 100) {
        (_, 11..=14) => forms[2],
        (1, _) => forms[0],
        (2..=4, _) => forms[1],
        _ => forms[2],
    }
}

fn ru_triple(n: u64, feminine: bool, out: &mut Vec<&'static str>) {
    let (h, t, o) = (
        (n / 100) as usize,
        (n / 10 % 10) as usize,
        (n % 10) as usize,
    );
    if h > 0 {
        out.push(HUNDREDS[h]);
    }
    if t == 1 {
        out.push(TEENS[o]);
        return;
    }
    if t > 1 {
        out.push(TENS[t]);
    }
    if o > 0 {
        out.push(if feminine { ONES_F[o] } else { ONES_M[o] });
    }
}

/// A whole number of roubles in Russian words with the noun: "двадцать один рубль".
pub fn ru_roubles(n: u64) -> String {
    if n == 0 {
        return "ноль рублей".into();
    }
    // (divisor, feminine, forms)
    const SCALES: [(u64, bool, [&str; 3]); 4] = [
        (
            1_000_000_000_000,
            false,
            ["триллион", "триллиона", "триллионов"],
        ),
        (
            1_000_000_000,
            false,
            ["миллиард", "миллиарда", "миллиардов"],
        ),
        (1_000_000, false, ["миллион", "миллиона", "миллионов"]),
        (1_000, true, ["тысяча", "тысячи", "тысяч"]),
    ];
    let mut words: Vec<&'static str> = Vec::new();
    let mut rest = n;
    for (div, feminine, forms) in SCALES {
        let part = rest / div;
        rest %= div;
        if part > 0 {
            ru_triple(part % 1000, feminine, &mut words);
            words.push(ru_plural(part, forms));
        }
    }
    ru_triple(rest, false, &mut words);
    words.push(ru_plural(n, ["рубль", "рубля", "рублей"]));
    words.join(" ")
}

const EN_ONES: [&str; 20] = [
    "",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn en_triple(n: u64) -> String {
    let (h, r) = ((n / 100) as usize, (n % 100) as usize);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{} hundred", EN_ONES[h]));
    }
    match r {
        0 => {}
        1..=19 => parts.push(EN_ONES[r].to_string()),
        _ if r % 10 == 0 => parts.push(EN_TENS[r / 10].to_string()),
        _ => parts.push(format!("{}-{}", EN_TENS[r / 10], EN_ONES[r % 10])),
    }
    parts.join(" ")
}

/// A whole number of roubles in English words: "twenty-one roubles".
pub fn en_roubles(n: u64) -> String {
    if n == 0 {
        return "zero roubles".into();
    }
    const SCALES: [(u64, &str); 4] = [
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ];
    let mut parts = Vec::new();
    let mut rest = n;
    for (div, name) in SCALES {
        let part = rest / div;
        rest %= div;
        if part > 0 {
            parts.push(format!("{} {name}", en_triple(part % 1000)));
        }
    }
    if rest > 0 {
        parts.push(en_triple(rest));
    }
    let noun = if n == 1 { "rouble" } else { "roubles" };
    format!("{} {noun}", parts.join(" "))
}

/// An amount as documents write it: roubles in words, kopecks in figures, the first
/// letter capitalised ("Двадцать один рубль 05 копеек"). Negative amounts get a minus.
pub fn amount_in_words(amount: Money, lang: Lang) -> String {
    let minor = amount.0.unsigned_abs();
    let (roubles, kopecks) = (minor / 100, minor % 100);
    let text = match lang {
        Lang::Ru => format!(
            "{} {kopecks:02} {}",
            ru_roubles(roubles),
            ru_plural(kopecks, ["копейка", "копейки", "копеек"])
        ),
        Lang::En => format!(
            "{} {kopecks:02} {}",
            en_roubles(roubles),
            if kopecks == 1 { "kopeck" } else { "kopecks" }
        ),
    };
    let text = match (amount.0 < 0, lang) {
        (true, Lang::Ru) => format!("минус {text}"),
        (true, Lang::En) => format!("minus {text}"),
        (false, _) => text,
    };
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ru(kopecks: i64) -> String {
        amount_in_words(Money(kopecks), Lang::Ru)
    }

    fn en(kopecks: i64) -> String {
        amount_in_words(Money(kopecks), Lang::En)
    }

    #[test]
    fn russian_edge_cases() {
        assert_eq!(ru(0), "Ноль рублей 00 копеек");
        assert_eq!(ru(100), "Один рубль 00 копеек");
        assert_eq!(ru(2_100), "Двадцать один рубль 00 копеек");
        assert_eq!(ru(1_100), "Одиннадцать рублей 00 копеек");
        assert_eq!(ru(200), "Два рубля 00 копеек");
        assert_eq!(ru(100_000_000), "Один миллион рублей 00 копеек");
        assert_eq!(ru(1), "Ноль рублей 01 копейка");
        assert_eq!(ru(22), "Ноль рублей 22 копейки");
        assert_eq!(ru(11), "Ноль рублей 11 копеек");
        assert_eq!(
            ru(123_456),
            "Одна тысяча двести тридцать четыре рубля 56 копеек"
        );
        assert_eq!(ru(200_000), "Две тысячи рублей 00 копеек");
        assert_eq!(ru(2_100_000), "Двадцать одна тысяча рублей 00 копеек");
        assert_eq!(ru(1_100_000), "Одиннадцать тысяч рублей 00 копеек");
        assert_eq!(
            ru(212_512_399),
            "Два миллиона сто двадцать пять тысяч сто двадцать три рубля 99 копеек"
        );
        assert_eq!(ru(-150), "Минус один рубль 50 копеек");
    }

    #[test]
    fn english_edge_cases() {
        assert_eq!(en(0), "Zero roubles 00 kopecks");
        assert_eq!(en(100), "One rouble 00 kopecks");
        assert_eq!(en(2_101), "Twenty-one roubles 01 kopeck");
        assert_eq!(en(100_000_000), "One million roubles 00 kopecks");
        assert_eq!(
            en(123_456),
            "One thousand two hundred thirty-four roubles 56 kopecks"
        );
        assert_eq!(en(1_100_050), "Eleven thousand roubles 50 kopecks");
    }
}
