//! CSV exports: RFC 4180 output (quoted where needed, CRLF line endings)
//! with spreadsheet formula injection neutralized, written row by row so a
//! large export can be streamed in chunks instead of built in memory.

use std::borrow::Cow;
use std::io::{self, Write};

/// Characters that make a spreadsheet read a cell as a formula (or, for tab
/// and carriage return, that some spreadsheets skip before doing so).
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell with a leading `'` if it could be read as a formula, as OWASP
/// recommends against CSV injection: `=HYPERLINK(…)` becomes `'=HYPERLINK(…)`,
/// which spreadsheets show as text.
///
/// Negative numbers (`-5`) and signed values (`+1`) are neutralized too and
/// arrive as text. That is the accepted trade-off: telling a number from a
/// formula (`-2+3`, `-A1`) reliably is not possible without a spreadsheet's
/// own parser, and exports are read by people far more often than summed.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn writer_builder() -> csv::WriterBuilder {
    let mut builder = csv::WriterBuilder::new();
    // Row lengths are checked in `row` with a clearer message; `flexible`
    // only stops the csv crate from checking them a second time.
    builder
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .flexible(true);
    builder
}

/// CSV rows written to `W`, every cell passed through `neutralize`.
#[derive(Debug)]
pub struct CsvRows<W: Write> {
    writer: csv::Writer<W>,
    columns: usize,
}

impl<W: Write> CsvRows<W> {
    /// Starts an export with its header row.
    pub fn new(writer: W, header: &[&str]) -> io::Result<CsvRows<W>> {
        let mut rows = CsvRows {
            writer: writer_builder().from_writer(writer),
            columns: header.len(),
        };
        rows.row(header)?;
        Ok(rows)
    }

    /// Writes one row; it must have as many cells as the header.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> io::Result<()> {
        if cells.len() != self.columns {
            let message = format!(
                "csv row has {} cells, the header has {}",
                cells.len(),
                self.columns
            );
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        for cell in cells {
            self.writer
                .write_field(neutralize(cell.as_ref()).as_bytes())?;
        }
        // An empty record after `write_field` ends the row.
        self.writer.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// Flushes what is buffered and returns the writer.
    pub fn finish(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|error| error.into_error())
    }
}

impl CsvRows<Vec<u8>> {
    /// An export into memory, to be sent in chunks with `take`.
    pub fn chunked(header: &[&str]) -> io::Result<CsvRows<Vec<u8>>> {
        CsvRows::new(Vec::new(), header)
    }

    /// How many bytes are waiting to be taken.
    ///
    /// It takes `&mut self` because the csv crate keeps its own buffer, which
    /// is first moved into the `Vec` (a copy: writing into a `Vec` cannot
    /// fail).
    pub fn buffered_len(&mut self) -> usize {
        // `flush` into a `Vec` never fails; should that change, the bytes stay
        // in the csv buffer and are counted by the next call.
        let _ = self.writer.flush();
        self.writer.get_ref().len()
    }

    /// The bytes written since the last `take`, e.g. to send as one chunk of
    /// a streamed HTTP body once `buffered_len` passes a threshold.
    pub fn take(&mut self) -> io::Result<Vec<u8>> {
        // The csv writer gives no mutable access to its `Vec`, so it is
        // swapped for a fresh one; the column count, the only state that
        // matters between rows, lives in `self`.
        let full = std::mem::replace(&mut self.writer, writer_builder().from_writer(Vec::new()));
        full.into_inner().map_err(|error| error.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of an export of `rows` under a two-column header `a,b`.
    fn export(rows: &[[&str; 2]]) -> String {
        let mut csv = CsvRows::new(Vec::new(), &["a", "b"]).expect("header");
        for row in rows {
            csv.row(row).expect("row");
        }
        String::from_utf8(csv.finish().expect("finish")).expect("utf-8")
    }

    /// One row's cells after the header, as written.
    fn check(cells: [&str; 2], expected_line: &str) {
        let text = export(&[cells]);
        assert_eq!(text, format!("a,b\r\n{expected_line}\r\n"), "{cells:?}");
    }

    #[test]
    fn cells_are_quoted_when_needed() {
        check(["plain", "text"], "plain,text");
        check(["", ""], ",");
        check(["with,comma", "x"], "\"with,comma\",x");
        check(["say \"hi\"", "x"], "\"say \"\"hi\"\"\",x");
        check(["line\nbreak", "x"], "\"line\nbreak\",x");
        check(["crlf\r\ninside", "x"], "\"crlf\r\ninside\",x");
        check(["ünïcödé ✓", "x"], "ünïcödé ✓,x");
        check(["5", "3.5"], "5,3.5");
    }

    #[test]
    fn formula_cells_are_neutralized() {
        check(["=1+1", "x"], "'=1+1,x");
        check(["+1", "x"], "'+1,x");
        check(["-5", "x"], "'-5,x");
        check(["@SUM(A1:A2)", "x"], "'@SUM(A1:A2),x");
        check(["\t=1", "x"], "'\t=1,x");
        check(["\r=1", "x"], "\"'\r=1\",x");
        check(
            ["=HYPERLINK(\"http://x\",\"y\")", "x"],
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",x",
        );
        check(["=1,2", "x"], "\"'=1,2\",x");
        check(["a=1", "x"], "a=1,x");
        check(["'quoted", "x"], "'quoted,x");
    }

    #[test]
    fn neutralize_borrows_safe_cells() {
        assert!(matches!(neutralize("safe"), Cow::Borrowed("safe")));
        assert!(matches!(neutralize(""), Cow::Borrowed("")));
        assert_eq!(neutralize("-"), "'-");
    }

    #[test]
    fn header_comes_first_and_lines_end_with_crlf() {
        let mut csv = CsvRows::new(Vec::new(), &["id", "=title"]).expect("header");
        csv.row(&[String::from("1"), String::from("a")])
            .expect("row");
        let text = String::from_utf8(csv.finish().expect("finish")).expect("utf-8");
        assert_eq!(text, "id,'=title\r\n1,a\r\n");
        assert_eq!(export(&[]), "a,b\r\n");
    }

    #[test]
    fn rows_must_match_the_header() {
        let mut csv = CsvRows::new(Vec::new(), &["a", "b"]).expect("header");
        let error = csv.row(&["only one"]).expect_err("short row");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(error.to_string(), "csv row has 1 cells, the header has 2");
        csv.row(&["x", "y"]).expect("row");
        assert_eq!(csv.finish().expect("finish"), b"a,b\r\nx,y\r\n");
    }

    #[test]
    fn chunks_concatenate_to_the_whole_export() {
        let mut csv = CsvRows::chunked(&["n", "text"]).expect("header");
        let mut chunks: Vec<Vec<u8>> = Vec::new();
        let mut expected = String::from("n,text\r\n");
        for n in 0..1000 {
            let text = format!("row, \"{n}\"");
            csv.row(&[n.to_string(), text.clone()]).expect("row");
            expected.push_str(&format!("{n},\"row, \"\"{n}\"\"\"\r\n"));
            if csv.buffered_len() >= 4096 {
                chunks.push(csv.take().expect("take"));
                assert_eq!(csv.buffered_len(), 0);
            }
        }
        chunks.push(csv.take().expect("take"));
        assert!(chunks.len() > 3, "{}", chunks.len());
        // Chunks end at row boundaries because `take` follows whole rows.
        assert!(chunks.iter().all(|chunk| chunk.ends_with(b"\r\n")));
        assert_eq!(String::from_utf8(chunks.concat()).expect("utf-8"), expected);
        // The column check survives the writer swap in `take`.
        assert!(csv.row(&["1"]).is_err());
        assert!(csv.take().expect("take").is_empty());
    }

    #[test]
    fn writes_through_any_writer() {
        let mut out = Vec::new();
        let mut csv = CsvRows::new(&mut out, &["a"]).expect("header");
        csv.row(&["-1"]).expect("row");
        csv.finish().expect("finish");
        assert_eq!(out, b"a\r\n'-1\r\n");
    }
}
