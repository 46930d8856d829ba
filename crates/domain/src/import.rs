//! Import of enterprise survey lists (摸底企业名单): the template's columns, and the check of every
//! row of a sheet — each cell as the same rules check `POST /enterprises` (GB 32100-2015 credit
//! code, names, phone; county and industry by code or Chinese name). Pure: the server reads the
//! file (xlsx or csv) into [`RawCell`]s, this says what each row is or everything wrong with it.
//!
//! Cell types are not trusted: a number may stand where text is expected (a phone number, a
//! count) and is read as the digits it shows; a code typed as a number so long that the
//! spreadsheet rounded it (an 18-digit credit code) is refused with a message saying so.

use std::collections::HashMap;

use crate::Money;
use crate::enterprise::{contact_name_error, contact_phone_error, credit_code_error, name_error};
use crate::quote::FieldError;
use crate::reference::{County, Industry};

/// The most data rows one file may hold (a county's survey list is a few hundred).
pub const MAX_ROWS: usize = 5000;

/// The most lines a file may have: the header and [`MAX_ROWS`] data rows (SPEC §9.2). A file with
/// more is refused before its rows are built, blank lines included.
pub const MAX_LINES: usize = MAX_ROWS + 1;

/// The most columns a file may have (the template has 11).
pub const MAX_COLUMNS: usize = 64;

/// One cell as the server read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawCell {
    Empty,
    Text(String),
    /// A number cell, written out exactly (`120`, `1234.5`).
    Number(String),
    /// A number cell too large to be exact (above 2^53): digits were lost when it was typed in.
    Imprecise(String),
}

impl RawCell {
    /// The text the cell shows, trimmed (a number's digits).
    fn text(&self) -> &str {
        match self {
            RawCell::Empty => "",
            RawCell::Text(s) | RawCell::Number(s) | RawCell::Imprecise(s) => s.trim(),
        }
    }
}

/// A column of the template: wire field, Chinese header, what it holds (for the instructions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub field: &'static str,
    pub header: &'static str,
    pub help: &'static str,
}

/// The template's columns, in order.
pub const COLUMNS: [Column; 11] = [
    Column { field: "name", header: "企业名称", help: "必填,不超过 100 个字符" },
    Column {
        field: "credit_code",
        header: "统一社会信用代码",
        help: "必填,18 位(GB 32100-2015,含校验位);请将该列设为文本格式",
    },
    Column { field: "county", header: "县区", help: "必填,县区名称或代码(见“代码表”)" },
    Column { field: "industry", header: "行业", help: "必填,行业名称或代码(见“代码表”)" },
    Column { field: "above_designated_size", header: "是否规上企业", help: "必填,是/否" },
    Column { field: "employees", header: "从业人员(人)", help: "必填,非负整数" },
    Column {
        field: "annual_revenue", header: "上年营业收入(元)", help: "必填,金额,最多两位小数,如 30000000.00"
    },
    Column { field: "is_little_giant", header: "是否专精特新“小巨人”", help: "必填,是/否" },
    Column {
        field: "central_fund_excluded",
        header: "是否不享受中央资金",
        help: "必填,是/否(已获中央中小企业发展专项资金支持的“小巨人”或2022年试点企业填“是”)",
    },
    Column { field: "contact_name", header: "联系人", help: "必填,不超过 50 个字符" },
    Column { field: "contact_phone", header: "联系电话", help: "必填,如 13900000000 或 0355-1234567" },
];

/// A row that passed every check: what `POST /enterprises` would be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnterprise {
    pub name: String,
    pub credit_code: String,
    pub county: County,
    pub industry: Industry,
    pub above_designated_size: bool,
    pub employees: u32,
    pub annual_revenue: Money,
    pub is_little_giant: bool,
    pub central_fund_excluded: bool,
    pub contact_name: String,
    pub contact_phone: String,
}

/// An error of the file: its row as the spreadsheet numbers it (1 = the header row), the column's
/// wire field, and a message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u32,
    pub field: String,
    pub message: String,
}

impl RowError {
    fn new(row: u32, field: &str, message: impl Into<String>) -> RowError {
        RowError { row, field: field.to_string(), message: message.into() }
    }
}

/// Header text as compared: without spaces of any kind, full-width brackets as ASCII.
fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '\u{ff08}' => '(',
            '\u{ff09}' => ')',
            '\u{ff02}' | '\u{201c}' | '\u{201d}' => '"',
            other => other,
        })
        .collect()
}

/// Where each column of the template is in the file's header row: a header may also be the wire
/// field name. Every missing column and every unknown or repeated header is an error of row 1.
pub fn map_headers(headers: &[RawCell]) -> Result<[usize; 11], Vec<RowError>> {
    let mut found: [Option<usize>; 11] = [None; 11];
    let mut errors = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let text = normalise_header(h.text());
        if text.is_empty() {
            continue;
        }
        match COLUMNS.iter().position(|c| normalise_header(c.header) == text || c.field == text) {
            Some(k) if found[k].is_none() => found[k] = Some(i),
            Some(k) => errors.push(RowError::new(1, COLUMNS[k].field, format!("表头“{}”重复", COLUMNS[k].header))),
            None => errors.push(RowError::new(1, "(header)", format!("无法识别的表头“{}”", h.text()))),
        }
    }
    for (k, f) in found.iter().enumerate() {
        if f.is_none() {
            errors.push(RowError::new(1, COLUMNS[k].field, format!("缺少“{}”列", COLUMNS[k].header)));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = [0; 11];
    for (k, f) in found.iter().enumerate() {
        out[k] = f.unwrap_or_default();
    }
    Ok(out)
}

/// A row with nothing in it (skipped, like Excel's trailing blank rows).
pub fn is_blank(row: &[RawCell]) -> bool {
    row.iter().all(|c| c.text().is_empty())
}

fn yes_no(cell: &RawCell) -> Option<bool> {
    match cell.text().to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" => Some(true),
        "否" | "n" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn county_of(text: &str) -> Option<County> {
    County::from_code(&text.to_lowercase()).or_else(|| County::ALL.iter().copied().find(|c| c.name_zh() == text))
}

fn industry_of(text: &str) -> Option<Industry> {
    Industry::from_code(&text.to_lowercase()).or_else(|| Industry::ALL.iter().copied().find(|i| i.name_zh() == text))
}

/// The checks of one data row (`row`: its spreadsheet number). `only_county`: the importer is a
/// county bureau and may import only its own county's enterprises.
pub fn check_row(
    row: u32,
    cells: &[RawCell],
    columns: &[usize; 11],
    only_county: Option<County>,
) -> Result<NewEnterprise, Vec<RowError>> {
    let empty = RawCell::Empty;
    let cell = |k: usize| cells.get(columns[k]).unwrap_or(&empty);
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| errors.push(RowError::new(row, field, message));
    let required = |k: usize| -> Option<&str> {
        let t = cell(k).text();
        (!t.is_empty()).then_some(t)
    };

    let name = cell(0).text().to_string();
    if let Some(e) = name_error(&name) {
        err("name", e.message);
    }

    let credit_code = cell(1).text().to_uppercase();
    if let RawCell::Imprecise(_) = cell(1) {
        err(
            "credit_code",
            "统一社会信用代码被表格当作数字保存,末几位已丢失,请将该列设为文本格式后重新填写".to_string(),
        );
    } else if let Some(e) = credit_code_error(&credit_code) {
        err("credit_code", e.message);
    }

    let county = match required(2) {
        None => {
            err("county", "县区不能为空".to_string());
            None
        }
        Some(t) => match county_of(t) {
            None => {
                err("county", format!("无法识别的县区“{t}”(填写名称或代码,见“代码表”)"));
                None
            }
            Some(c) if only_county.is_some_and(|own| own != c) => {
                let own = only_county.map_or("", County::name_zh);
                err("county", format!("县级部门只能导入本县区({own})的企业,此行为{}", c.name_zh()));
                None
            }
            Some(c) => Some(c),
        },
    };

    let industry = match required(3).map(|t| (t, industry_of(t))) {
        None => {
            err("industry", "行业不能为空".to_string());
            None
        }
        Some((t, None)) => {
            err("industry", format!("无法识别的行业“{t}”(填写名称或代码,见“代码表”)"));
            None
        }
        Some((_, i)) => i,
    };

    let mut flag = |k: usize| {
        let v = yes_no(cell(k));
        if v.is_none() {
            err(COLUMNS[k].field, format!("“{}”应填“是”或“否”", COLUMNS[k].header));
        }
        v
    };
    let above = flag(4);
    let little_giant = flag(7);
    let excluded = flag(8);

    let employees = match cell(5).text() {
        "" => {
            err("employees", "从业人员不能为空".to_string());
            None
        }
        t => match t.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                err("employees", format!("从业人员应为非负整数,而不是“{t}”"));
                None
            }
        },
    };

    let revenue = match cell(6).text().replace([',', '\u{ff0c}'], "") {
        t if t.is_empty() => {
            err("annual_revenue", "营业收入不能为空".to_string());
            None
        }
        t => match Money::parse_wire(&t) {
            Ok(m) => Some(m),
            Err(_) => {
                err("annual_revenue", format!("营业收入应为金额(元,最多两位小数,如 30000000.00),而不是“{t}”"));
                None
            }
        },
    };

    let contact_name = cell(9).text().to_string();
    if let Some(e) = contact_name_error(&contact_name) {
        err("contact_name", e.message);
    }
    let contact_phone = cell(10).text().to_string();
    if let Some(e) = contact_phone_error(&contact_phone) {
        err("contact_phone", e.message);
    }

    match (county, industry, above, employees, revenue, little_giant, excluded) {
        (Some(county), Some(industry), Some(above), Some(employees), Some(revenue), Some(lg), Some(ex))
            if errors.is_empty() =>
        {
            Ok(NewEnterprise {
                name: name.trim().to_string(),
                credit_code,
                county,
                industry,
                above_designated_size: above,
                employees,
                annual_revenue: revenue,
                is_little_giant: lg,
                central_fund_excluded: ex,
                contact_name,
                contact_phone,
            })
        }
        _ => Err(errors),
    }
}

/// The outcome of checking a whole sheet: the rows to create, or every error found (nothing is
/// imported then). `existing` says whether a credit code is already registered.
pub fn check_sheet(
    rows: &[Vec<RawCell>],
    only_county: Option<County>,
    existing: impl Fn(&str) -> bool,
) -> Result<Vec<NewEnterprise>, Vec<RowError>> {
    let Some((header, data)) = rows.split_first() else {
        return Err(vec![RowError::new(1, "file", "文件是空的(第 1 行应为表头)")]);
    };
    let columns = map_headers(header)?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut counted = 0usize;
    for (i, cells) in data.iter().enumerate() {
        let row = u32::try_from(i + 2).unwrap_or(u32::MAX);
        if is_blank(cells) {
            continue;
        }
        counted += 1;
        match check_row(row, cells, &columns, only_county) {
            Ok(e) => {
                if let Some(first) = seen.get(&e.credit_code) {
                    errors.push(RowError::new(row, "credit_code", format!("统一社会信用代码与第 {first} 行重复")));
                } else if existing(&e.credit_code) {
                    errors.push(RowError::new(row, "credit_code", "统一社会信用代码已登记(企业已在系统中)"));
                } else {
                    seen.insert(e.credit_code.clone(), row);
                    out.push(e);
                }
            }
            Err(mut es) => errors.append(&mut es),
        }
    }
    if counted == 0 && errors.is_empty() {
        errors.push(RowError::new(2, "file", "文件中没有企业数据行"));
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Errors that are one per field (for the 422 of the one-field checks).
pub fn as_field_errors(errors: &[RowError]) -> Vec<FieldError> {
    errors.iter().map(|e| FieldError::new(e.field.clone(), format!("第 {} 行:{}", e.row, e.message))).collect()
}

/// The rows of a CSV text (RFC 4180: comma-separated, fields optionally in double quotes with
/// `""` for a quote, CRLF or LF line ends; a leading UTF-8 BOM is dropped). Every cell is text.
pub fn parse_csv(text: &str) -> Vec<Vec<RawCell>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let cell = |f: &mut String| if f.trim().is_empty() { RawCell::Empty } else { RawCell::Text(std::mem::take(f)) };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => {
                row.push(cell(&mut field));
                field.clear();
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(cell(&mut field));
                field.clear();
                rows.push(std::mem::take(&mut row));
            }
            other => field.push(other),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(cell(&mut field));
        rows.push(row);
    }
    rows
}

/// The shape of a CSV text as [`parse_csv`] would split it, counted on the raw bytes without
/// building anything: how many rows, and how many cells the widest row has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CsvShape {
    pub rows: usize,
    pub widest: usize,
}

impl CsvShape {
    /// Within [`MAX_LINES`] rows and [`MAX_COLUMNS`] columns.
    pub fn fits(&self) -> bool {
        self.rows <= MAX_LINES && self.widest <= MAX_COLUMNS
    }
}

/// [`CsvShape`] of `bytes` (UTF-8 or not: every delimiter is ASCII, which no byte of a multi-byte
/// UTF-8 character can be). Linear, allocates nothing: the check that comes before [`parse_csv`],
/// whose rows cost far more than the bytes they come from (a file of 5 MiB of newlines would be
/// five million rows).
pub fn csv_shape(bytes: &[u8]) -> CsvShape {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut shape = CsvShape::default();
    let mut cells = 1usize; // cells of the current row so far, the one being read included
    let mut field_has_text = false;
    let mut row_has_cells = false;
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if quoted {
            match b {
                b'"' if bytes.get(i) == Some(&b'"') => {
                    i += 1;
                    field_has_text = true;
                }
                b'"' => quoted = false,
                _ => field_has_text = true,
            }
            continue;
        }
        match b {
            b'"' => quoted = true,
            b',' => {
                cells += 1;
                row_has_cells = true;
                field_has_text = false;
            }
            b'\r' if bytes.get(i) == Some(&b'\n') => {}
            b'\n' | b'\r' => {
                shape.rows += 1;
                shape.widest = shape.widest.max(cells);
                cells = 1;
                row_has_cells = false;
                field_has_text = false;
            }
            _ => field_has_text = true,
        }
    }
    if field_has_text || row_has_cells {
        shape.rows += 1;
        shape.widest = shape.widest.max(cells);
    }
    shape
}

/// The data rows (not blank) of a sheet whose first row is the header.
pub fn data_rows(rows: &[Vec<RawCell>]) -> usize {
    rows.iter().skip(1).filter(|r| !is_blank(r)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> RawCell {
        RawCell::Text(s.to_string())
    }

    fn header() -> Vec<RawCell> {
        COLUMNS.iter().map(|c| t(c.header)).collect()
    }

    /// A valid row (credit code 91140400MA0E00001 + its check character).
    fn row(code: &str) -> Vec<RawCell> {
        vec![
            t("潞州精工电气有限公司"),
            t(code),
            t("潞州区"),
            t("power_equipment"),
            t("是"),
            RawCell::Number("120".into()),
            RawCell::Number("30000000".into()),
            t("否"),
            t("否"),
            t("李工"),
            RawCell::Number("13900000000".into()),
        ]
    }

    fn code(n: u32) -> String {
        let body = format!("91140400MA0E{n:05}");
        let check = crate::validation::credit_code_check_char(&body).expect("body");
        format!("{body}{check}")
    }

    #[test]
    fn a_valid_sheet_gives_its_rows() {
        let rows = vec![header(), row(&code(1)), vec![RawCell::Empty; 11], row(&code(2))];
        let out = check_sheet(&rows, None, |_| false).expect("valid");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].county, County::ALL[0]);
        assert_eq!(out[0].industry, Industry::PowerEquipment);
        assert_eq!(out[0].employees, 120);
        assert_eq!(out[0].annual_revenue, Money::yuan(30_000_000));
        assert_eq!(out[0].contact_phone, "13900000000");
    }

    #[test]
    fn every_error_of_every_row_is_reported() {
        let mut bad = row("91140400MA0E000010");
        bad[0] = t("");
        bad[4] = t("也许");
        bad[5] = RawCell::Number("12.5".into());
        bad[6] = t("三千万");
        let mut bad2 = row(&code(3));
        bad2[2] = t("外星县");
        let rows = vec![header(), bad, bad2];
        let errors = check_sheet(&rows, None, |_| false).expect_err("invalid");
        let got: Vec<(u32, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(
            got,
            [
                (2, "name"),
                (2, "credit_code"),
                (2, "above_designated_size"),
                (2, "employees"),
                (2, "annual_revenue"),
                (3, "county")
            ]
        );
        assert!(errors.iter().all(|e| !e.message.is_empty()));
    }

    #[test]
    fn duplicates_in_the_file_and_in_the_register_are_errors() {
        let rows = vec![header(), row(&code(1)), row(&code(1)), row(&code(2))];
        let registered = code(2);
        let errors = check_sheet(&rows, None, |c| c == registered).expect_err("duplicates");
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].row, errors[0].message.contains("第 2 行")), (3, true));
        assert_eq!(errors[1].row, 4);
        assert!(errors[1].message.contains("已登记"));
    }

    #[test]
    fn a_county_imports_only_its_own_county() {
        let own = County::ALL[1];
        let errors = check_sheet(&[header(), row(&code(1))], Some(own), |_| false).expect_err("other county");
        assert_eq!(errors[0].field, "county");
        assert!(errors[0].message.contains(own.name_zh()));
        assert!(check_sheet(&[header(), row(&code(1))], Some(County::ALL[0]), |_| false).is_ok());
    }

    #[test]
    fn cell_types_are_not_trusted() {
        let mut r = row(&code(1));
        r[1] = RawCell::Imprecise("9.11404e17".into());
        let errors = check_sheet(&[header(), r], None, |_| false).expect_err("imprecise");
        assert!(errors[0].message.contains("文本格式"));
        // A lower-case code, a code as an exact number cell, "1"/"0" and numbers as text are fine.
        let mut r = row(&code(1).to_lowercase());
        r[4] = RawCell::Number("1".into());
        r[5] = t(" 120 ");
        r[6] = t("30,000,000.50");
        assert!(check_sheet(&[header(), r], None, |_| false).is_ok());
    }

    #[test]
    fn headers_may_come_in_any_order_and_must_all_be_there() {
        let mut h = header();
        h.reverse();
        let mut r = row(&code(1));
        r.reverse();
        assert!(check_sheet(&[h, r], None, |_| false).is_ok());
        let mut h = header();
        h.pop();
        h.push(t("备注"));
        let errors = check_sheet(&[h], None, |_| false).expect_err("headers");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["(header)", "contact_phone"]);
        assert!(errors.iter().all(|e| e.row == 1));
        assert!(check_sheet(&[], None, |_| false).is_err());
        assert_eq!(check_sheet(&[header()], None, |_| false).expect_err("no rows")[0].field, "file");
    }
    #[test]
    fn csv_with_bom_quotes_and_crlf() {
        let rows = parse_csv("\u{feff}a,\"b,\"\"c\"\"\"\r\n1,,3\n");
        assert_eq!(rows, vec![vec![t("a"), t("b,\"c\"")], vec![t("1"), RawCell::Empty, t("3")],]);
        assert_eq!(parse_csv("x,y"), vec![vec![t("x"), t("y")]]);
        assert_eq!(data_rows(&parse_csv("h\n1\n,\n2\n")), 2);
    }

    #[test]
    fn the_csv_shape_is_what_parse_csv_makes() {
        let texts = [
            "",
            "\u{feff}",
            "a",
            "a,b\n",
            "a,b\r\n1,2,3\r\n",
            "\u{feff}a,\"b,\"\"c\"\"\"\r\n1,,3\n",
            "h\n1\n,\n2\n",
            "\"multi\nline\",x\ny",
            "\"\"",
            "x,\n\n\n",
            "\r\r\n\n",
            "a,\"unterminated\n,,,\n",
            "名称,代码\n潞州精工,91\n",
        ];
        for text in texts {
            let rows = parse_csv(text);
            let widest = rows.iter().map(Vec::len).max().unwrap_or(0);
            assert_eq!(csv_shape(text.as_bytes()), CsvShape { rows: rows.len(), widest }, "{text:?}");
        }
        let newlines = vec![b'\n'; 5 * 1024 * 1024];
        let shape = csv_shape(&newlines);
        assert_eq!(shape.rows, 5 * 1024 * 1024);
        assert!(!shape.fits());
        assert!(!csv_shape(",".repeat(MAX_COLUMNS).as_bytes()).fits());
        assert!(csv_shape(",".repeat(MAX_COLUMNS - 1).as_bytes()).fits());
        assert!(csv_shape("a\n".repeat(MAX_LINES).as_bytes()).fits());
        assert!(!csv_shape("a\n".repeat(MAX_LINES + 1).as_bytes()).fits());
    }

    #[test]
    fn a_csv_survey_list_checks_like_a_sheet() {
        let header: Vec<&str> = COLUMNS.iter().map(|c| c.header).collect();
        let text = format!(
            "{}\r\n潞州精工电气有限公司,{},潞州区,智能电力设备制造业,是,120,30000000,否,否,李工,13900000000\r\n",
            header.join(","),
            code(1)
        );
        let out = check_sheet(&parse_csv(&text), None, |_| false).expect("valid");
        assert_eq!(out[0].industry, Industry::PowerEquipment);
    }
}
