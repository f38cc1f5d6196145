//! Typesetting a rendered template (typst markup) into pages: PDF for the frozen
//! document, SVG for the editor's preview. The fonts ship with the program
//! (`app/fonts`, DejaVu Sans: Latin, Cyrillic); a template can read no file and no
//! package, so it sees nothing of the server.

use crate::error::AppError;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::layout::{Abs, Frame, FrameItem, PagedDocument, Point};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The fonts every document is set in.
const FONT_FILES: [&[u8]; 3] = [
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Oblique.ttf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONT_FILES
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

struct DocWorld {
    main: Source,
    today: (i32, u8, u8),
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.0, self.today.1, self.today.2)
    }
}

/// A typeset document.
pub struct Typeset {
    doc: PagedDocument,
}

impl Typeset {
    pub fn pages(&self) -> usize {
        self.doc.pages.len()
    }

    pub fn pdf(&self) -> Result<Vec<u8>, AppError> {
        typst_pdf::pdf(&self.doc, &typst_pdf::PdfOptions::default()).map_err(|errors| {
            tracing::error!(?errors, "pdf export failed");
            AppError::Internal
        })
    }

    /// The words on the pages, a line of text per line (what a reader would copy).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for page in &self.doc.pages {
            let mut last_y = None;
            collect_text(&page.frame, Point::zero(), &mut last_y, &mut out);
            out.push('\n');
        }
        out
    }

    /// Every page as an SVG image.
    pub fn svg_pages(&self) -> Vec<String> {
        self.doc.pages.iter().map(typst_svg::svg).collect()
    }
}

fn collect_text(frame: &Frame, origin: Point, last_y: &mut Option<Abs>, out: &mut String) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) => collect_text(&group.frame, at, last_y, out),
            FrameItem::Text(text) => {
                match *last_y {
                    Some(y) if (y - at.y).abs() > Abs::pt(1.0) => out.push('\n'),
                    Some(_) if !out.ends_with(char::is_whitespace) => out.push(' '),
                    _ => {}
                }
                out.push_str(&text.text);
                *last_y = Some(at.y);
            }
            _ => {}
        }
    }
}

/// Sets `markup` (today being `today`, for typst's own `datetime.today()`). A markup
/// error is refused with its line in `markup` and the reason.
pub fn typeset(markup: &str, today: (i32, u8, u8)) -> Result<Typeset, AppError> {
    let main = Source::new(
        FileId::new(None, VirtualPath::new("/document.typ")),
        markup.to_string(),
    );
    let world = DocWorld {
        main: main.clone(),
        today,
    };
    let result = match typst::compile::<PagedDocument>(&world).output {
        Ok(doc) => Ok(Typeset { doc }),
        Err(errors) => Err(first_error(&main, &errors)),
    };
    // typst memoises layout work across compilations; keep what the last few used (as
    // typst's own watcher does) so a long-running server's memory stays bounded.
    typst::comemo::evict(10);
    result
}

fn first_error(source: &Source, errors: &[SourceDiagnostic]) -> AppError {
    let Some(error) = errors.first() else {
        return AppError::Internal;
    };
    let line = source
        .range(error.span)
        .and_then(|range| source.lines().byte_to_line(range.start))
        .map(|l| l as u32 + 1)
        .unwrap_or(0);
    let mut reason = error.message.to_string();
    if let Some(hint) = error.hints.first() {
        reason.push_str(&format!(" ({hint})"));
    }
    AppError::Template { line, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_sets_into_a_pdf_and_errors_name_their_line() {
        let set = typeset("= Счёт № 1\nИтого: *100,00 ₽*\n", (2026, 11, 27)).expect("sets");
        assert_eq!(set.pages(), 1);
        let pdf = set.pdf().expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(set.svg_pages()[0].starts_with("<svg"));

        match typeset("Строка\n#table(\n", (2026, 11, 27)).err() {
            Some(AppError::Template { line, reason }) => {
                assert!(line >= 2, "{line}");
                assert!(!reason.is_empty());
            }
            other => panic!("{other:?}"),
        }
        // A template can't read the server's files.
        assert!(matches!(
            typeset("#read(\"/etc/passwd\")", (2026, 11, 27)),
            Err(AppError::Template { .. })
        ));
    }
}
