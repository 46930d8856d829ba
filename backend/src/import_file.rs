//! An uploaded survey list (xlsx or csv) read into rows — within bounds (SPEC §9.2): a file of
//! at most 5 MiB may not cost the server more than about 100 MiB, nor abort it.
//!
//! # csv
//! The lines and the widest line are counted on the raw bytes ([`import::csv_shape`]) before any
//! row is built: more than [`MAX_LINES`] lines (blank ones included) or [`MAX_COLUMNS`] cells in a
//! line is `too_many_rows`. (Five MiB of newlines would be five million rows otherwise.)
//!
//! # xlsx
//! An xlsx is a zip of XML parts that may lie about everything. Before calamine sees it:
//! 1. **The zip** ([`check_package`]): at most [`MAX_ZIP_ENTRIES`] entries; the uncompressed sizes
//!    they declare add up to at most [`MAX_EXPANDED_BYTES`] (50 MiB); then every entry is really
//!    inflated (into nothing) through `Read::take`, counting what it expands to against the same
//!    50 MiB — an entry that inflates beyond what it declared is refused too.
//! 2. **The XML** of every part, scanned on the way (quick-xml, the parser calamine uses, with its
//!    settings; nothing is kept): the shared-strings table's declared `count`/`uniqueCount`
//!    (calamine reserves room for `uniqueCount` strings up front: 4,000,000,000 aborts the
//!    process) and its real number of `<si>` are at most [`MAX_SHARED_STRINGS`]; the records
//!    calamine keeps one structure for (cell formats, fonts, fills, borders, number formats,
//!    relationships, sheets, defined names) at most [`MAX_RECORDS`] of each; and in worksheets
//!    every cell, row and dimension reference is well-formed, `XFD1048576` at most — calamine's
//!    own arithmetic on them overflows (a panic in debug builds, a wrapped-around position in
//!    release builds): `invalid_file`.
//! 3. **The sheet**, streamed cell by cell (calamine's `worksheet_cells_reader`, never its dense
//!    `Range`, which allocates rows × columns from the corners): a declared dimension beyond
//!    [`MAX_LINES`] rows or [`MAX_COLUMNS`] columns, or any non-empty cell beyond them, is
//!    `too_many_rows`; a cell of more than [`MAX_CELL_BYTES`] or text adding up to more than
//!    [`MAX_TEXT_BYTES`] is `file_too_large` (one long shared string can fill every cell). Should
//!    calamine still panic on a malformed file, the panic is caught and refused as `invalid_file`
//!    — a last resort: printing a panic with `RUST_BACKTRACE` set loads the binary's debug
//!    information, some 200 MiB in a debug build.
//!
//! Every refusal is a 422 with a Chinese message and nothing imported; the rest of the import
//! (`crate::routes::imports`) sees rows only from a file that passed.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsx};
use dtpilot_domain::import::{self, MAX_COLUMNS, MAX_LINES, RawCell, RowError};
use quick_xml::events::{BytesStart, Event};

/// The most entries a workbook may have (a real one has tens).
pub const MAX_ZIP_ENTRIES: usize = 1_000;

/// What all the entries of a workbook may expand to, together (declared and really).
pub const MAX_EXPANDED_BYTES: u64 = 50 * 1024 * 1024;

/// The most shared strings a workbook may declare or hold: as many as the largest accepted sheet
/// has cells.
pub const MAX_SHARED_STRINGS: u64 = (MAX_LINES * MAX_COLUMNS) as u64;

/// The most records of each kind calamine keeps one structure for (Excel itself allows 64,000
/// cell formats).
pub const MAX_RECORDS: u64 = 65_536;

/// The longest cell: far more than any column of the template holds (a name is 100 characters).
pub const MAX_CELL_BYTES: usize = 4 * 1024;

/// The most text the cells of a sheet may hold together.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// The elements calamine keeps a structure for, per kind (local names).
const RECORDS: [&str; 8] = ["xf", "font", "fill", "border", "numFmt", "Relationship", "sheet", "definedName"];

/// Why a file is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// More rows or columns than an import may have: `too_many_rows`.
    TooManyRows(String),
    /// Expands (or would cost) beyond the limits: `file_too_large`.
    TooLarge(String),
    /// Not a file this reads (not xlsx or UTF-8 csv, a broken zip or XML): `invalid_file`.
    Unreadable(Vec<RowError>),
}

impl Refusal {
    /// The problem's `code`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooManyRows(_) => "too_many_rows",
            Refusal::TooLarge(_) => "file_too_large",
            Refusal::Unreadable(_) => "invalid_file",
        }
    }

    /// The problem's `detail`.
    pub fn detail(&self) -> String {
        match self {
            Refusal::TooManyRows(m) | Refusal::TooLarge(m) => m.clone(),
            Refusal::Unreadable(_) => "无法读取文件".into(),
        }
    }

    /// The problem's `errors` (row 1, field `file`).
    pub fn errors(self) -> Vec<RowError> {
        match self {
            Refusal::TooManyRows(m) | Refusal::TooLarge(m) => file_error(m),
            Refusal::Unreadable(errors) => errors,
        }
    }
}

fn file_error(message: impl Into<String>) -> Vec<RowError> {
    vec![RowError { row: 1, field: "file".into(), message: message.into() }]
}

fn unreadable(message: impl Into<String>) -> Refusal {
    Refusal::Unreadable(file_error(message))
}

fn too_many_rows(what: impl std::fmt::Display) -> Refusal {
    Refusal::TooManyRows(format!(
        "{what},超过单次导入上限({MAX_LINES} 行,即表头 1 行加 {} 行企业数据;{MAX_COLUMNS} 列):请删除多余的行列,或分批导入",
        import::MAX_ROWS
    ))
}

const MIB: u64 = 1024 * 1024;

fn too_large(what: impl std::fmt::Display) -> Refusal {
    Refusal::TooLarge(format!("{what}:文件内容超出导入的处理上限,请只保留企业名单工作表,或另存为 csv 后上传"))
}

/// The file's rows: an xlsx (by its zip signature) — the first sheet, whose first row must be
/// the header — or a UTF-8 csv.
pub fn read_rows(bytes: &[u8], name: &str) -> Result<Vec<Vec<RawCell>>, Refusal> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || name.to_lowercase().ends_with(".xls") {
        return Err(unreadable("不支持旧版 Excel(.xls)文件,请另存为 .xlsx 或 UTF-8 编码的 .csv"));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| unreadable("文件既不是 xlsx,也不是 UTF-8 编码的 csv(如用 Excel 另存 csv,请选“CSV UTF-8”)"))?;
    let shape = import::csv_shape(bytes);
    if shape.rows > MAX_LINES {
        return Err(too_many_rows(format_args!("文件有 {} 行", shape.rows)));
    }
    if shape.widest > MAX_COLUMNS {
        return Err(too_many_rows(format_args!("文件有一行含 {} 列", shape.widest)));
    }
    Ok(import::parse_csv(text))
}

// ---------------------------------------------------------------------------------------------
// The zip and its XML
// ---------------------------------------------------------------------------------------------

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// What the XML of the parts holds, counted.
#[derive(Debug, Default)]
struct Tally {
    shared_strings: u64,
    records: HashMap<&'static str, u64>,
}

/// Steps 1 and 2 of the module documentation.
fn check_package(bytes: &[u8]) -> Result<(), Refusal> {
    let broken = |e: &dyn std::fmt::Display| unreadable(format!("无法读取 xlsx 文件({e}),请使用导入模板"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken(&e))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(format_args!("xlsx 文件含 {} 个部件(上限 {MAX_ZIP_ENTRIES})", zip.len())));
    }
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| broken(&e))?;
        declared = declared.saturating_add(entry.size());
        if declared > MAX_EXPANDED_BYTES {
            return Err(too_large(format_args!("xlsx 文件解压后超过 {} MiB", MAX_EXPANDED_BYTES / MIB)));
        }
    }
    let mut expanded: u64 = 0;
    let mut tally = Tally::default();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| broken(&e))?;
        let name = entry.name().map(std::borrow::Cow::into_owned).unwrap_or_default();
        let room = MAX_EXPANDED_BYTES - expanded;
        let mut counted = Counted { inner: entry.take(room + 1), read: 0 };
        let read = if name.ends_with(".xml") || name.ends_with(".rels") {
            scan_xml(BufReader::new(&mut counted), &mut tally)
        } else {
            Ok(())
        }
        .and_then(|()| io::copy(&mut counted, &mut io::sink()).map(drop).map_err(Scan::Io));
        // Past the room, or past what the entry declared (the zip reader refuses to inflate an
        // entry beyond its declared size, with this error): a bomb.
        let liar = matches!(&read, Err(Scan::Io(e)) if e.to_string().contains("larger than its declared"));
        if counted.read > room || liar {
            return Err(too_large(format_args!("xlsx 文件解压后超过 {} MiB", MAX_EXPANDED_BYTES / MIB)));
        }
        match read {
            Ok(()) => {}
            Err(Scan::Refused(refusal)) => return Err(refusal),
            Err(Scan::Io(e)) => return Err(broken(&format_args!("{name}: {e}"))),
        }
        expanded += counted.read;
    }
    Ok(())
}

enum Scan {
    Refused(Refusal),
    Io(io::Error),
}

/// A count declared in an attribute: digits (optionally after `+`), as calamine reads them;
/// anything else declares nothing.
fn declared_count(value: &str) -> Option<u64> {
    let digits = value.trim().trim_start_matches('+');
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().unwrap_or(u64::MAX))
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// A cell reference `A1`…`XFD1048576` as (row, column), both from 0.
fn cell_ref(s: &str) -> Option<(u32, u32)> {
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = s.split_at(letters);
    if !(1..=3).contains(&letters) || !(1..=7).contains(&row.len()) || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = col.bytes().fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    let row: u32 = row.parse().ok()?;
    ((1..=16_384).contains(&col) && (1..=1_048_576).contains(&row)).then(|| (row - 1, col - 1))
}

/// A dimension `A1` or `A1:K5001`, its corners in order.
fn range_ref(s: &str) -> Option<((u32, u32), (u32, u32))> {
    match s.split_once(':') {
        None => cell_ref(s).map(|c| (c, c)),
        Some((a, b)) => {
            let (a, b) = (cell_ref(a)?, cell_ref(b)?);
            (a.0 <= b.0 && a.1 <= b.1).then_some((a, b))
        }
    }
}

/// A value quoted in a message, cut short.
fn shown(s: &str) -> String {
    s.chars().take(32).collect()
}

/// Counts and checks one part's elements (see the module documentation). XML that does not parse
/// is left to calamine (it stops where this stopped); the caller reads what remains.
fn scan_xml<R: BufRead>(input: R, tally: &mut Tally) -> Result<(), Scan> {
    let mut xml = quick_xml::Reader::from_reader(input);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    let mut buf = Vec::new();
    let mut root: Option<String> = None;
    loop {
        buf.clear();
        let e = match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => continue,
            Err(quick_xml::Error::Io(e)) => return Err(Scan::Io(io::Error::new(e.kind(), e.to_string()))),
            Err(_) => return Ok(()),
        };
        let local = e.local_name();
        let local = local.as_ref();
        let root = root.get_or_insert_with(|| local.to_string());
        match (root.as_str(), local) {
            ("sst", "sst") => {
                for name in ["count", "uniqueCount"] {
                    if let Some(n) = attribute(&e, name).as_deref().and_then(declared_count)
                        && n > MAX_SHARED_STRINGS
                    {
                        return Err(Scan::Refused(too_large(format_args!(
                            "共享字符串表声明有 {n} 项(上限 {MAX_SHARED_STRINGS})"
                        ))));
                    }
                }
            }
            ("sst", "si") => {
                tally.shared_strings += 1;
                if tally.shared_strings > MAX_SHARED_STRINGS {
                    return Err(Scan::Refused(too_large(format_args!("共享字符串超过 {MAX_SHARED_STRINGS} 项"))));
                }
            }
            // What calamine computes positions from: well-formed, or it overflows (a panic in
            // debug builds, a wrapped-around position in release builds).
            ("worksheet", "dimension") => {
                let value = attribute(&e, "ref").unwrap_or_default();
                if range_ref(&value).is_none() {
                    return Err(Scan::Refused(unreadable(format!("工作表的范围“{}”无效", shown(&value)))));
                }
            }
            ("worksheet", "c") => {
                if let Some(r) = attribute(&e, "r")
                    && cell_ref(&r).is_none()
                {
                    return Err(Scan::Refused(unreadable(format!("单元格引用“{}”无效", shown(&r)))));
                }
            }
            ("worksheet", "row") => {
                if let Some(r) = attribute(&e, "r")
                    && !r.parse::<u32>().is_ok_and(|n| (1..=1_048_576).contains(&n))
                {
                    return Err(Scan::Refused(unreadable(format!("行号“{}”无效", shown(&r)))));
                }
            }
            ("worksheet", _) => {}
            (_, name) => {
                if let Some(kind) = RECORDS.iter().find(|k| **k == name) {
                    let n = tally.records.entry(kind).or_default();
                    *n += 1;
                    if *n > MAX_RECORDS {
                        return Err(Scan::Refused(too_large(format_args!(
                            "xlsx 文件含超过 {MAX_RECORDS} 个 {kind} 记录"
                        ))));
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The sheet
// ---------------------------------------------------------------------------------------------

/// `B7` for (6, 1).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// A number cell as the digits it shows: integral values below 2^53 exactly, other values as
/// written; above 2^53 the digits are not what was typed.
#[allow(clippy::float_arithmetic, clippy::cast_possible_truncation)]
fn number_cell(f: f64) -> RawCell {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if !f.is_finite() {
        RawCell::Text(f.to_string())
    } else if f.abs() >= EXACT {
        RawCell::Imprecise(format!("{f}"))
    } else if f.fract() == 0.0 {
        RawCell::Number(format!("{}", f as i64))
    } else {
        RawCell::Number(format!("{f}"))
    }
}

fn raw(cell: &Data) -> RawCell {
    match cell {
        Data::Empty => RawCell::Empty,
        Data::String(s) => RawCell::Text(s.clone()),
        Data::Int(i) if i.unsigned_abs() >= (1 << 53) => RawCell::Text(i.to_string()),
        Data::Int(i) => RawCell::Number(i.to_string()),
        Data::Float(f) => number_cell(*f),
        Data::Bool(b) => RawCell::Text(if *b { "是" } else { "否" }.to_string()),
        other => RawCell::Text(other.to_string()),
    }
}

/// The bytes of text a cell holds.
fn text_len(v: &DataRef<'_>) -> usize {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        _ => 0,
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<RawCell>>, Refusal> {
    check_package(bytes)?;
    // Should calamine panic on a file the checks let through: a refusal too. Nothing outlives it.
    std::panic::catch_unwind(|| read_first_sheet(bytes))
        .unwrap_or_else(|_| Err(unreadable("xlsx 文件结构异常,无法读取,请使用导入模板")))
}

/// Step 3 of the module documentation.
fn read_first_sheet(bytes: &[u8]) -> Result<Vec<Vec<RawCell>>, Refusal> {
    let mut book =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(format!("无法读取 xlsx 文件({e}),请使用导入模板")))?;
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err(unreadable("xlsx 文件中没有工作表"));
    };
    let mut reader = match book.worksheet_cells_reader(&first) {
        Ok(reader) => reader,
        // A chart sheet first: no cells.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(unreadable(format!("无法读取第一个工作表({e})"))),
    };
    let declared = reader.dimensions();
    // Backwards (`B2:A1`; debug builds of calamine panic on it, release builds wrap around).
    if declared.start.0 > declared.end.0 || declared.start.1 > declared.end.1 {
        return Err(unreadable("第一个工作表声明的范围无效(起点在终点之后)"));
    }
    let (rows_max, cols_max) = (MAX_LINES as u32, MAX_COLUMNS as u32);
    if declared.end.0 >= rows_max || declared.end.1 >= cols_max {
        let range =
            format!("{}:{}", cell_name(declared.start.0, declared.start.1), cell_name(declared.end.0, declared.end.1));
        return Err(too_many_rows(format_args!("第一个工作表声明的范围为 {range}")));
    }
    // The non-empty cells, in the order of the file: (row, column, value).
    let mut cells: Vec<(u32, u32, RawCell)> = Vec::new();
    let mut text = 0usize;
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => return Err(unreadable(format!("无法读取第一个工作表({e})"))),
        };
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        if r >= rows_max || c >= cols_max {
            return Err(too_many_rows(format_args!("第一个工作表在 {} 有内容", cell_name(r, c))));
        }
        let len = text_len(value);
        if len > MAX_CELL_BYTES {
            return Err(too_large(format_args!(
                "单元格 {} 的内容有 {len} 字节(上限 {MAX_CELL_BYTES})",
                cell_name(r, c)
            )));
        }
        text += len;
        if text > MAX_TEXT_BYTES {
            return Err(too_large(format_args!("第一个工作表的文字超过 {} MiB", MAX_TEXT_BYTES as u64 / MIB)));
        }
        cells.push((r, c, raw(&Data::from(value.clone()))));
    }
    drop(reader);
    if cells.iter().map(|c| c.0).min().is_some_and(|first| first > 0) {
        return Err(unreadable("第一个工作表的第 1 行应为表头(请使用导入模板)"));
    }
    Ok(dense(cells))
}

/// The rows from the first non-empty row to the last, the columns from the first non-empty column
/// to the last (as calamine's `Range` has them).
fn dense(cells: Vec<(u32, u32, RawCell)>) -> Vec<Vec<RawCell>> {
    let (Some(row_start), Some(row_end), Some(col_start), Some(col_end)) = (
        cells.iter().map(|c| c.0).min(),
        cells.iter().map(|c| c.0).max(),
        cells.iter().map(|c| c.1).min(),
        cells.iter().map(|c| c.1).max(),
    ) else {
        return Vec::new();
    };
    let width = (col_end - col_start + 1) as usize;
    let mut rows = vec![vec![RawCell::Empty; width]; (row_end - row_start + 1) as usize];
    for (r, c, value) in cells {
        rows[(r - row_start) as usize][(c - col_start) as usize] = value;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_read_within_excel_s_grid() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("b7"), Some((6, 1)));
        for bad in ["", "A", "1", "A0", "XFE1", "A1048577", "AAAA1", "A12345678", "A1B", "ＡＢ1", "A-1", "$A$1"] {
            assert_eq!(cell_ref(bad), None, "{bad}");
        }
        assert_eq!(range_ref("A1:K5001"), Some(((0, 0), (5000, 10))));
        assert_eq!(range_ref("B2"), Some(((1, 1), (1, 1))));
        assert_eq!(range_ref("B2:A1"), None);
        assert_eq!(range_ref("A1:B2:C3"), None);
        for (r, c, name) in
            [(0, 0, "A1"), (6, 1, "B7"), (0, 25, "Z1"), (0, 26, "AA1"), (1_048_575, 16_383, "XFD1048576")]
        {
            assert_eq!(cell_name(r, c), name);
            assert_eq!(cell_ref(name), Some((r, c)));
        }
    }

    #[test]
    fn declared_counts_are_read_like_calamine_reads_them() {
        assert_eq!(declared_count("4000000000"), Some(4_000_000_000));
        assert_eq!(declared_count(" +12 "), Some(12));
        assert_eq!(declared_count("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(declared_count("-1"), None);
        assert_eq!(declared_count("many"), None);
    }

    fn template() -> Vec<u8> {
        crate::report_xlsx::template_workbook().expect("template")
    }

    #[test]
    fn the_template_passes_and_reads_as_its_header_row() {
        let rows = read_rows(&template(), "t.xlsx").expect("the template reads");
        let expected: Vec<RawCell> = import::COLUMNS.iter().map(|c| RawCell::Text(c.header.to_string())).collect();
        assert_eq!(rows, vec![expected]);
    }

    #[test]
    fn csv_limits_come_before_any_row() {
        let lines = "a\n".repeat(MAX_LINES + 1);
        assert_eq!(read_rows(lines.as_bytes(), "x.csv").expect_err("too many").code(), "too_many_rows");
        assert!(read_rows("a\n".repeat(MAX_LINES).as_bytes(), "x.csv").is_ok());
        let wide = ",".repeat(MAX_COLUMNS);
        assert_eq!(read_rows(wide.as_bytes(), "x.csv").expect_err("too wide").code(), "too_many_rows");
        assert_eq!(read_rows(&[0xff, 0xfe], "x.csv").expect_err("binary").code(), "invalid_file");
    }
}
