//! Excel workbooks (xlsx) of what a bureau prints: the project list, the payment instructions and
//! the public notices. Pure: rows in, bytes out — the routes (`crate::routes::exports`) load the
//! rows within the caller's scope and call these on the blocking pool.
//!
//! Each workbook has one sheet: a bold header row in Chinese, frozen and repeated on every printed
//! page, an autofilter, set column widths, landscape and one page wide. Money is written as numbers
//! with the format `#,##0.00` (so a bureau can sum a column) through [`money_number`], the one place
//! an amount becomes a float; dates are Excel dates (`yyyy-mm-dd`).
//!
//! Every string of every workbook dtpilot writes goes through [`write_text`] (data cells through
//! [`write_cell`]): a text that Excel or another spreadsheet would take for a formula once edited
//! or saved as csv (SPEC §9.2: beginning with `=`, `+`, `-`, `@`, a tab or a carriage return — an
//! enterprise named `=HYPERLINK(…)`) is written with Excel's quote prefix, so it stays text.

use chrono::{Datelike, NaiveDate};
use dtpilot_api_types::workflow::{NoticeView, PaymentView, ProjectView};
use dtpilot_domain::Money;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// The content type of an xlsx file.
pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most rows one export holds; more answers 422 asking to narrow the filters.
pub const MAX_ROWS: i64 = 100_000;

/// The number format of money cells.
pub const MONEY_FORMAT: &str = "#,##0.00";

/// The number format of date cells.
pub const DATE_FORMAT: &str = "yyyy-mm-dd";

/// The amount as the nearest `f64` — the only conversion of money to floating point, at the xlsx
/// boundary (a spreadsheet number is an IEEE double by nature; everywhere else money is `Money`, a
/// decimal at two places, or integer fen in the database).
///
/// Why this reads back as exactly the amount: for every amount below one trillion yuan (SPEC §3's
/// bound on every input, so also on each project's figures), `|fen| < 10^14 < 2^53`, so
/// `fen as f64` is exact, `100.0` is exact, and IEEE division is correctly rounded: the result is
/// the double nearest to `fen / 100`, within 2^-14 of it — far inside half a fen. So the cell,
/// shown with two decimals (Excel keeps 15 significant digits; an amount has at most 14), is the
/// amount to the fen; `money_numbers_read_back_as_the_exact_amounts` checks it.
#[allow(clippy::float_arithmetic)]
pub fn money_number(amount: Money) -> f64 {
    amount.to_fen() as f64 / 100.0
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Money(Money),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }

    fn money(m: Option<Money>) -> Cell {
        m.map_or(Cell::Empty, Cell::Money)
    }
}

/// A column: its Chinese header and width (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    pub width: u8,
}

const fn col(header: &'static str, width: u8) -> Column {
    Column { header, width }
}

/// One sheet: its name, columns and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell>>,
}

/// The project list (`GET /exports/projects`).
pub const PROJECT_COLUMNS: &[Column] = &[
    col("项目编号", 10),
    col("企业名称", 30),
    col("县区", 12),
    col("批次", 12),
    col("服务商", 26),
    col("合同编号", 18),
    col("合同金额(元)", 16),
    col("计划合规投资(元)", 18),
    col("目标水平", 10),
    col("状态", 20),
    col("计划补助(元)", 16),
    col("预拨资金(元)", 16),
    col("已拨付(元)", 16),
    col("已追回(元)", 16),
    col("最终补助(元)", 16),
    col("计划完成期限", 14),
    col("是否逾期", 10),
];

/// The payment instructions (`GET /exports/payments`).
pub const PAYMENT_COLUMNS: &[Column] = &[
    col("指令编号", 10),
    col("类型", 12),
    col("项目编号", 10),
    col("收付款方", 30),
    col("方向(拨付/追回)", 16),
    col("金额(元)", 16),
    col("中央资金(元)", 16),
    col("市级资金(元)", 16),
    col("县级资金(元)", 16),
    col("状态", 16),
    col("支付日期", 14),
    col("凭证号", 18),
];

/// The public notices (`GET /exports/notices`).
pub const NOTICE_COLUMNS: &[Column] = &[
    col("公示编号", 10),
    col("开始日期", 14),
    col("结束日期", 14),
    col("状态", 10),
    col("项目数", 10),
    col("项目编号", 40),
    col("异议数", 10),
];

fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

/// The project list; `batch_name` names a batch by its id.
pub fn projects_sheet(views: &[ProjectView], batch_name: impl Fn(i64) -> String) -> Sheet {
    let rows = views
        .iter()
        .map(|p| {
            vec![
                Cell::Int(p.id),
                Cell::text(&p.enterprise_name),
                Cell::text(p.county.name_zh()),
                Cell::Text(batch_name(p.batch_id)),
                Cell::text(&p.provider_name),
                Cell::text(&p.contract_no),
                Cell::Money(p.contract_amount),
                Cell::Money(p.planned_eligible_investment),
                Cell::Int(i64::from(p.target_level.get())),
                Cell::text(p.status.name_zh()),
                Cell::Money(p.planned_subsidy),
                Cell::Money(p.prepayment),
                Cell::Money(p.subsidy.paid_total),
                Cell::Money(p.subsidy.recovered_total),
                Cell::money(p.subsidy.final_subsidy),
                Cell::date(p.next_deadline),
                Cell::text(yes_no(p.overdue)),
            ]
        })
        .collect();
    Sheet { name: "项目清单", columns: PROJECT_COLUMNS, rows }
}

/// The payment instructions.
pub fn payments_sheet(payments: &[PaymentView]) -> Sheet {
    let rows = payments
        .iter()
        .map(|p| {
            vec![
                Cell::Int(p.id),
                Cell::text(p.kind.name_zh()),
                p.project_id.map_or(Cell::Empty, Cell::Int),
                Cell::text(&p.payee),
                Cell::text(p.direction.name_zh()),
                Cell::Money(p.amount),
                Cell::Money(p.funds.central),
                Cell::Money(p.funds.city),
                Cell::Money(p.funds.county),
                Cell::text(p.status.name_zh()),
                Cell::date(p.paid_on),
                p.voucher_no.as_deref().map_or(Cell::Empty, Cell::text),
            ]
        })
        .collect();
    Sheet { name: "支付指令", columns: PAYMENT_COLUMNS, rows }
}

/// A notice's status as the bureaus name it.
fn notice_status_zh(code: &str) -> String {
    match code {
        "open" => "公示中".into(),
        "closed" => "已办结".into(),
        other => other.into(),
    }
}

/// The public notices, with their projects' ids (`、`-separated) and objection counts.
pub fn notices_sheet(notices: &[NoticeView]) -> Sheet {
    let rows = notices
        .iter()
        .map(|n| {
            let ids: Vec<String> = n.project_ids.iter().map(ToString::to_string).collect();
            vec![
                Cell::Int(n.id),
                Cell::Date(n.starts_on),
                Cell::Date(n.ends_on),
                Cell::Text(notice_status_zh(&n.status)),
                Cell::Int(i64::try_from(n.project_ids.len()).unwrap_or(i64::MAX)),
                Cell::Text(ids.join("、")),
                Cell::Int(i64::try_from(n.objections.len()).unwrap_or(i64::MAX)),
            ]
        })
        .collect();
    Sheet { name: "公示清单", columns: NOTICE_COLUMNS, rows }
}

pub(crate) fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let (Ok(year), Ok(month), Ok(day)) = (u16::try_from(d.year()), u8::try_from(d.month()), u8::try_from(d.day()))
    else {
        return Err(XlsxError::DateTimeRangeError(d.to_string()));
    };
    ExcelDateTime::from_ymd(year, month, day)
}

/// The xlsx file of `sheet`, built in memory (call it on the blocking pool: a large export takes
/// a while).
pub fn workbook(sheet: &Sheet) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_align(FormatAlign::Center).set_text_wrap();
    let formats = CellFormats::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet.name)?;
    for (c, column) in sheet.columns.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.set_column_width(c, column.width)?;
        write_text(ws, (0, c), column.header, Some(&header))?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            write_cell(ws, (r, c), cell, &formats)?;
        }
    }
    let last_row = u32::try_from(sheet.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    let last_col = u16::try_from(sheet.columns.len().saturating_sub(1)).map_err(|_| XlsxError::RowColumnLimitError)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last_row, last_col)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C第 &P 页,共 &N 页");
    book.save_to_buffer()
}

/// Whether a spreadsheet would take `text` for a formula (when the cell is edited, or the sheet
/// saved as csv and opened again): it begins with `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn could_be_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Writes the string `text` at (row, column), with `format` if any — and with Excel's quote prefix
/// when it [could be a formula](could_be_formula): the one way a string enters a dtpilot workbook.
pub(crate) fn write_text(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    text: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match (could_be_formula(text), format) {
        (true, Some(f)) => ws.write_string_with_format(r, c, text, &f.clone().set_quote_prefix()),
        (true, None) => ws.write_string_with_format(r, c, text, &Format::new().set_quote_prefix()),
        (false, Some(f)) => ws.write_string_with_format(r, c, text, f),
        (false, None) => ws.write_string(r, c, text),
    }?;
    Ok(())
}

/// The formats of data cells: money, dates.
pub(crate) struct CellFormats {
    money: Format,
    date: Format,
}

impl CellFormats {
    pub(crate) fn new() -> CellFormats {
        CellFormats {
            money: Format::new().set_num_format(MONEY_FORMAT),
            date: Format::new().set_num_format(DATE_FORMAT).set_align(FormatAlign::Left),
        }
    }
}

/// One cell of a data row at (row, column), with the workbook's money and date formats (every
/// sheet dtpilot writes: the exports, the 周调度 / 月通报 and the import template). Money and
/// numbers stay numbers (a negative amount is a number, never text).
pub(crate) fn write_cell(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    cell: &Cell,
    formats: &CellFormats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) => write_text(ws, (r, c), s, None)?,
        // Ids, levels and counts: far below 2^53, so exact as a number (anything larger would be
        // written as text rather than rounded).
        Cell::Int(n) if n.unsigned_abs() < (1 << 53) => {
            ws.write_number(r, c, *n as f64)?;
        }
        Cell::Int(n) => write_text(ws, (r, c), &n.to_string(), None)?,
        Cell::Money(m) => {
            ws.write_number_with_format(r, c, money_number(*m), &formats.money)?;
        }
        Cell::Date(d) => {
            ws.write_datetime_with_format(r, c, excel_date(*d)?, &formats.date)?;
        }
        Cell::Empty => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use dtpilot_api_types::workflow::{FundsView, ObjectionView, SubsidyView};
    use dtpilot_domain::DigitalLevel;
    use dtpilot_domain::ledger::{Direction, PaymentKind, PaymentStatus};
    use dtpilot_domain::reference::County;
    use dtpilot_domain::state::ProjectState;

    use super::*;

    fn m(s: &str) -> Money {
        Money::parse_wire(s).expect("money")
    }

    fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, d).expect("date")
    }

    /// The cells of the only sheet, as calamine reads them.
    fn read(bytes: &[u8]) -> (String, Vec<Vec<Data>>) {
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
        let names = book.sheet_names();
        assert_eq!(names.len(), 1);
        let range = book.worksheet_range(&names[0]).expect("the sheet");
        (names[0].clone(), range.rows().map(<[Data]>::to_vec).collect())
    }

    /// A number cell as the amount it shows with two decimals.
    fn amount(cell: &Data) -> Money {
        match cell {
            Data::Float(f) => m(&format!("{f:.2}")),
            Data::Int(i) => Money::from_fen(i * 100),
            other => panic!("not a number: {other:?}"),
        }
    }

    fn text(cell: &Data) -> String {
        match cell {
            Data::String(s) => s.clone(),
            Data::Empty => String::new(),
            other => panic!("not text: {other:?}"),
        }
    }

    fn int(cell: &Data) -> i64 {
        match cell {
            Data::Float(f) => format!("{f}").parse().expect("an integer"),
            Data::Int(i) => *i,
            other => panic!("not a number: {other:?}"),
        }
    }

    fn day(cell: &Data) -> NaiveDate {
        match cell {
            Data::DateTime(d) => d.as_datetime().expect("a date").date(),
            other => panic!("not a date: {other:?}"),
        }
    }

    fn project(id: i64, status: ProjectState, money: &str) -> ProjectView {
        let amount = m(money);
        ProjectView {
            id,
            enterprise_id: 7,
            enterprise_name: "长治示例电气有限公司".into(),
            batch_id: 1,
            provider_id: 3,
            provider_name: "示例服务商".into(),
            county: County::Luzhou,
            contract_no: "HT-001".into(),
            contract_amount: amount,
            planned_eligible_investment: amount,
            target_level: DigitalLevel::new(2).expect("level"),
            overlapping_support_declared: false,
            diagnosis_id: None,
            status,
            policy: "changzhi-2025@1".into(),
            planned_subsidy: m("300000.00"),
            prepayment: m("150000.00"),
            cancel_reason: None,
            next_deadline: Some(date(2026, 5, 31)),
            overdue: true,
            subsidy: SubsidyView {
                planned_subsidy: m("300000.00"),
                prepayment: m("150000.00"),
                eligible_investment: m("0.00"),
                achieved_level: None,
                final_subsidy: None,
                paid_total: m("150000.01"),
                recovered_total: m("0.07"),
                balance_due: m("0.00"),
                recovery_due: m("0.00"),
                rules_applied: vec![],
            },
            history: vec![],
            version: 1,
            evaluation_detail: None,
            computed_level: None,
            level_mismatch: false,
            products: vec![],
        }
    }

    /// Amounts that are not exact binary fractions, the largest allowed, and a few around.
    const AMOUNTS: &[&str] = &[
        "0.01",
        "0.10",
        "0.29",
        "1.15",
        "123456.78",
        "600000.00",
        "90071992547.41",
        "999999999999.99",
        "333333333333.33",
        "70368744177.64",
    ];

    #[test]
    fn money_numbers_read_back_as_the_exact_amounts() {
        for a in AMOUNTS {
            let money = m(a);
            assert_eq!(format!("{:.2}", money_number(money)), *a, "{a}");
            // The shortest decimal that reads back as the same double is the amount itself.
            let shortest = m(&money_number(money).to_string());
            assert_eq!(shortest, money, "{a}");
        }
    }

    #[test]
    fn the_project_list_reads_back_with_chinese_headers_and_exact_money() {
        let views: Vec<ProjectView> =
            AMOUNTS.iter().enumerate().map(|(i, a)| project(i as i64 + 1, ProjectState::InProgress, a)).collect();
        let sheet = projects_sheet(&views, |id| format!("第{id}批"));
        let bytes = workbook(&sheet).expect("xlsx");
        let (name, rows) = read(&bytes);
        assert_eq!(name, "项目清单");
        let headers: Vec<String> = rows[0].iter().map(text).collect();
        assert_eq!(
            headers,
            [
                "项目编号",
                "企业名称",
                "县区",
                "批次",
                "服务商",
                "合同编号",
                "合同金额(元)",
                "计划合规投资(元)",
                "目标水平",
                "状态",
                "计划补助(元)",
                "预拨资金(元)",
                "已拨付(元)",
                "已追回(元)",
                "最终补助(元)",
                "计划完成期限",
                "是否逾期"
            ]
        );
        assert_eq!(rows.len(), AMOUNTS.len() + 1);
        for (row, a) in rows[1..].iter().zip(AMOUNTS) {
            assert_eq!(amount(&row[6]), m(a), "contract amount {a}");
            assert_eq!(amount(&row[7]), m(a), "planned investment {a}");
        }
        let first = &rows[1];
        assert_eq!(int(&first[0]), 1);
        assert_eq!(
            (text(&first[1]), text(&first[2]), text(&first[3]), text(&first[4])),
            ("长治示例电气有限公司".into(), "潞州区".into(), "第1批".into(), "示例服务商".into())
        );
        assert_eq!((int(&first[8]), text(&first[9])), (2, "改造实施中".into()));
        assert_eq!((amount(&first[12]), amount(&first[13])), (m("150000.01"), m("0.07")));
        assert_eq!(first[14], Data::Empty, "no final subsidy yet");
        assert_eq!((day(&first[15]), text(&first[16])), (date(2026, 5, 31), "是".into()));
    }

    #[test]
    fn payments_and_notices_read_back() {
        let payment = PaymentView {
            id: 41,
            kind: PaymentKind::Recovery,
            project_id: Some(9),
            enterprise_id: Some(7),
            provider_id: None,
            payee: "长治示例电气有限公司".into(),
            amount: m("175000.03"),
            direction: Direction::In,
            funds: FundsView { central: m("87500.01"), city: m("43750.01"), county: m("43750.01") },
            status: PaymentStatus::Paid,
            approved_by: Some(2),
            paid_on: Some(date(2026, 3, 2)),
            voucher_no: Some("PZ-001".into()),
        };
        let (name, rows) = read(&workbook(&payments_sheet(&[payment])).expect("xlsx"));
        assert_eq!(name, "支付指令");
        assert_eq!(rows[0].iter().map(text).collect::<Vec<_>>()[4], "方向(拨付/追回)");
        let r = &rows[1];
        assert_eq!((int(&r[0]), text(&r[1]), int(&r[2]), text(&r[4])), (41, "追回".into(), 9, "追回".into()));
        assert_eq!(
            [amount(&r[5]), amount(&r[6]), amount(&r[7]), amount(&r[8])],
            [m("175000.03"), m("87500.01"), m("43750.01"), m("43750.01")]
        );
        assert_eq!((text(&r[9]), day(&r[10]), text(&r[11])), ("已执行".into(), date(2026, 3, 2), "PZ-001".into()));

        let notice = NoticeView {
            id: 5,
            starts_on: date(2026, 1, 5),
            ends_on: date(2026, 1, 11),
            status: "closed".into(),
            project_ids: vec![3, 8],
            upheld_project_ids: vec![8],
            objections: vec![ObjectionView {
                id: 1,
                project_id: 8,
                content: "合同金额与实际不符".into(),
                received_on: date(2026, 1, 8),
                upheld: Some(true),
            }],
        };
        let (name, rows) = read(&workbook(&notices_sheet(&[notice])).expect("xlsx"));
        assert_eq!(name, "公示清单");
        assert_eq!(
            rows[0].iter().map(text).collect::<Vec<_>>(),
            ["公示编号", "开始日期", "结束日期", "状态", "项目数", "项目编号", "异议数"]
        );
        let r = &rows[1];
        assert_eq!(
            (int(&r[0]), day(&r[1]), day(&r[2]), text(&r[3])),
            (5, date(2026, 1, 5), date(2026, 1, 11), "已办结".into())
        );
        assert_eq!((int(&r[4]), text(&r[5]), int(&r[6])), (2, "3、8".into(), 1));
    }

    #[test]
    fn an_empty_export_still_has_its_headers() {
        let (_, rows) = read(&workbook(&payments_sheet(&[])).expect("xlsx"));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), PAYMENT_COLUMNS.len());
    }

    #[test]
    fn the_header_row_is_frozen_bold_and_the_columns_have_widths() {
        let notice = NoticeView {
            id: 1,
            starts_on: date(2026, 1, 5),
            ends_on: date(2026, 1, 11),
            status: "open".into(),
            project_ids: vec![3],
            upheld_project_ids: vec![],
            objections: vec![],
        };
        let bytes = workbook(&notices_sheet(&[notice])).expect("xlsx");
        let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
            "{sheet}"
        );
        assert!(sheet.contains(r#"<col min="6" max="6" width="40.7109375" customWidth="1"/>"#), "{sheet}");
        assert!(sheet.contains(r#"<autoFilter ref="A1:G2"/>"#), "{sheet}");
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(styles.contains("<b/>"), "a bold font: {styles}");
        assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#), "{styles}");
        // The header cells use the bold style (s="1"), the first style after the default.
        assert!(sheet.contains(r#"<c r="A1" s="1" t="s">"#), "{sheet}");
    }

    #[test]
    fn text_that_could_be_a_formula_is_quote_prefixed_and_numbers_stay_numbers() {
        for risky in ["=1+1", "=HYPERLINK(\"http://x\")", "+86 139", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(could_be_formula(risky), "{risky:?}");
        }
        for plain in ["", "长治示例电气有限公司", "HT-001", " =1", "1-2", "a=b"] {
            assert!(!could_be_formula(plain), "{plain:?}");
        }
        const COLUMNS: &[Column] = &[col("a", 10), col("b", 10), col("c", 10), col("d", 10), col("e", 10)];
        let sheet = Sheet {
            name: "t",
            columns: COLUMNS,
            rows: vec![vec![
                Cell::text("=HYPERLINK(\"http://evil.example\",\"x\")"),
                Cell::text("普通"),
                Cell::Money(Money::from_fen(-1234)),
                Cell::Int(-5),
                Cell::Int(-(1 << 60)),
            ]],
        };
        let bytes = workbook(&sheet).expect("xlsx");
        let (_, rows) = read(&bytes);
        assert_eq!(text(&rows[1][0]), "=HYPERLINK(\"http://evil.example\",\"x\")");
        assert_eq!(text(&rows[1][1]), "普通");
        assert!(
            matches!(rows[1][2], Data::Float(f) if format!("{f:.2}") == "-12.34"),
            "a negative amount is a number: {:?}",
            rows[1][2]
        );
        assert_eq!(int(&rows[1][3]), -5);
        assert_eq!(text(&rows[1][4]), (-(1i64 << 60)).to_string(), "too large for a double: text");
        let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
        let styles = zip_entry(&bytes, "xl/styles.xml");
        let xfs: Vec<&str> = styles.split("<cellXfs").nth(1).expect("cellXfs").split("<xf ").skip(1).collect();
        let quoted = |cell: &str| {
            let s: usize = xml
                .split(&format!(r#"<c r="{cell}" s=""#))
                .nth(1)
                .map_or(0, |t| t.split('"').next().expect("s").parse().expect("index"));
            xfs[s].contains(r#"quotePrefix="1""#)
        };
        assert!(quoted("A2") && quoted("E2"), "{xml}\n{styles}");
        assert!(!quoted("B2") && !quoted("C2") && !quoted("D2") && !quoted("A1"), "{xml}\n{styles}");
    }

    /// A file of the xlsx (zip) container, as text: calamine reads the cells; the layout (panes,
    /// widths, fonts) is checked in the XML.
    fn zip_entry(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut file = archive.by_name(name).expect(name);
        let mut out = String::new();
        file.read_to_string(&mut out).expect("utf-8");
        out
    }
}
