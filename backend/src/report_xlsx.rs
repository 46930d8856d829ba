//! Workbooks of the programme's operations: the batch progress, 周调度 / 月通报 (a title row, then
//! the same tables the page shows) and the import template (with its instructions and code
//! tables). Pure: views in, bytes out; call on the blocking pool. Cells and money go through
//! [`crate::export`] (one money→number conversion).

use chrono::NaiveDate;
use dtpilot_api_types::dashboard::TargetView;
use dtpilot_api_types::reports::{ProgressItem, ReportKind, ReportRow, ReportView, Stage};
use dtpilot_domain::import::COLUMNS as IMPORT_COLUMNS;
use dtpilot_domain::reference::{County, Industry};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::export::{Cell, CellFormats, could_be_formula, write_cell, write_text};

/// The stages a report table shows as columns (every stage a project can be in but "rejected"
/// and "cancelled", which leave the programme).
pub const REPORT_STAGES: [Stage; 8] = [
    Stage::Drafting,
    Stage::Submitted,
    Stage::UnderReview,
    Stage::Approved,
    Stage::InProgress,
    Stage::AwaitingAcceptance,
    Stage::Accepted,
    Stage::Failed,
];

fn idx<T: TryFrom<usize>>(i: usize) -> Result<T, XlsxError> {
    T::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Writes `title` (merged over the table's width, when given), a bold header row and the rows;
/// freezes the header, repeats it on printed pages, landscape, one page wide.
fn table(
    ws: &mut Worksheet,
    name: &str,
    title: Option<&str>,
    headers: &[(String, u8)],
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let bold = Format::new().set_bold().set_align(FormatAlign::Center).set_text_wrap();
    let title_format = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let formats = CellFormats::new();
    let last_col: u16 = idx(headers.len().saturating_sub(1))?;
    let mut r: u32 = 0;
    if let Some(t) = title {
        if last_col > 0 {
            // A title may begin with a batch's name: quote-prefixed like every string (`write_text`).
            let title_format = if could_be_formula(t) { title_format.set_quote_prefix() } else { title_format };
            ws.merge_range(0, 0, 0, last_col, t, &title_format)?;
        } else {
            write_text(ws, (0, 0), t, Some(&title_format))?;
        }
        ws.set_row_height(0, 24)?;
        r = 1;
    }
    let header_row = r;
    for (c, (h, width)) in headers.iter().enumerate() {
        let c: u16 = idx(c)?;
        ws.set_column_width(c, *width)?;
        write_text(ws, (r, c), h, Some(&bold))?;
    }
    for row in rows {
        r += 1;
        for (c, cell) in row.iter().enumerate() {
            let c: u16 = idx(c)?;
            write_cell(ws, (r, c), cell, &formats)?;
        }
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_repeat_rows(0, header_row)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C第 &P 页,共 &N 页");
    Ok(())
}

fn h(text: &str, width: u8) -> (String, u8) {
    (text.to_string(), width)
}

// ---------------------------------------------------------------------------------------------
// Batch progress
// ---------------------------------------------------------------------------------------------

/// The batch progress (批次进度.xlsx): every member in scope that passes the filters.
pub fn progress_workbook(batch_name: &str, today: NaiveDate, items: &[ProgressItem]) -> Result<Vec<u8>, XlsxError> {
    let headers = [
        h("企业编号", 10),
        h("企业名称", 30),
        h("统一社会信用代码", 22),
        h("县区", 12),
        h("行业", 22),
        h("项目编号", 10),
        h("项目状态", 22),
        h("进度阶段", 16),
        h("下一期限", 14),
        h("是否逾期", 10),
    ];
    let rows: Vec<Vec<Cell>> = items
        .iter()
        .map(|i| {
            vec![
                Cell::Int(i.enterprise_id),
                Cell::Text(i.enterprise_name.clone()),
                Cell::Text(i.credit_code.clone()),
                Cell::Text(i.county.name_zh().into()),
                Cell::Text(i.industry.name_zh().into()),
                i.project_id.map_or(Cell::Empty, Cell::Int),
                i.status.map_or(Cell::Empty, |s| Cell::Text(s.name_zh().into())),
                Cell::Text(i.stage.name_zh().into()),
                i.next_deadline.map_or(Cell::Empty, Cell::Date),
                Cell::Text(if i.overdue { "是" } else { "否" }.into()),
            ]
        })
        .collect();
    let title = format!("{batch_name}推进情况(截至 {today})");
    let mut book = Workbook::new();
    table(book.add_worksheet(), "批次进度", Some(&title), &headers, &rows)?;
    book.save_to_buffer()
}

// ---------------------------------------------------------------------------------------------
// 周调度 / 月通报
// ---------------------------------------------------------------------------------------------

/// The header row of a report table (`first`: 县区 or 行业).
pub fn report_headers(first: &str, kind: ReportKind) -> Vec<(String, u8)> {
    let mut out = vec![h(first, 14), h("在库企业", 10), h("项目数", 10)];
    out.extend(REPORT_STAGES.iter().map(|s| h(s.name_zh(), 12)));
    out.extend([
        h("逾期项目", 10),
        h("本期新增企业", 12),
        h("本期新增项目", 12),
        h("本期审批金额(元)", 16),
        h("本期拨付(元)", 16),
        h("本期追回(元)", 16),
        h("累计审批(元)", 16),
        h("累计拨付(元)", 16),
        h("累计追回(元)", 16),
    ]);
    if kind == ReportKind::Monthly {
        out.extend([h("上期新增项目", 12), h("新增项目环比", 12), h("上期拨付(元)", 16), h("拨付环比", 12)]);
    }
    out
}

/// The cells of a report row, in the order of [`report_headers`].
pub fn report_cells(row: &ReportRow, kind: ReportKind) -> Vec<Cell> {
    let mut out = vec![Cell::Text(row.name.clone()), Cell::Int(row.enterprises), Cell::Int(row.projects)];
    out.extend(REPORT_STAGES.iter().map(|s| Cell::Int(row.stages.get(*s))));
    out.extend([
        Cell::Int(row.overdue),
        Cell::Int(row.period.new_enterprises),
        Cell::Int(row.period.new_projects),
        Cell::Money(row.period.approved),
        Cell::Money(row.period.paid),
        Cell::Money(row.period.recovered),
        Cell::Money(row.approved_total),
        Cell::Money(row.paid_total),
        Cell::Money(row.recovered_total),
    ]);
    if kind == ReportKind::Monthly {
        let prev = row.previous.as_ref();
        let change = row.change.as_ref();
        out.extend([
            prev.map_or(Cell::Empty, |p| Cell::Int(p.new_projects)),
            change.map_or(Cell::Empty, |c| Cell::Text(c.new_projects_percent.clone())),
            prev.map_or(Cell::Empty, |p| Cell::Money(p.paid)),
            change.map_or(Cell::Empty, |c| Cell::Text(c.paid_percent.clone())),
        ]);
    }
    out
}

fn target_rows(targets: &[TargetView]) -> Vec<Vec<Cell>> {
    targets
        .iter()
        .map(|t| {
            vec![
                Cell::Text(t.name.clone()),
                Cell::Int(i64::from(t.target)),
                t.actual.map_or(Cell::Text("暂未统计".into()), Cell::Int),
                Cell::Text(t.source.clone()),
            ]
        })
        .collect()
}

/// 周调度 / 月通报 as a workbook: by county, by industry (each with the total row), and the
/// targets of 附件1 — each sheet under the report's title.
pub fn report_workbook(v: &ReportView) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let total = |mut rows: Vec<Vec<Cell>>| {
        rows.push(report_cells(&v.total, v.kind));
        rows
    };
    let by_county = total(v.by_county.iter().map(|r| report_cells(r, v.kind)).collect());
    table(book.add_worksheet(), "按县区", Some(&v.title), &report_headers("县区", v.kind), &by_county)?;
    let by_industry = total(v.by_industry.iter().map(|r| report_cells(r, v.kind)).collect());
    table(book.add_worksheet(), "按行业", Some(&v.title), &report_headers("行业", v.kind), &by_industry)?;
    let headers = [h("目标", 44), h("目标值", 10), h("当前完成", 10), h("依据", 30)];
    table(book.add_worksheet(), "附件1目标进度", Some(&v.title), &headers, &target_rows(&v.targets))?;
    book.save_to_buffer()
}

// ---------------------------------------------------------------------------------------------
// Import template
// ---------------------------------------------------------------------------------------------

/// The import template: the sheet to fill (its header row, the credit code and phone columns as
/// text), the instructions, and the code tables of counties and industries.
pub fn template_workbook() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let text = Format::new().set_num_format("@");
    let bold = Format::new().set_bold().set_align(FormatAlign::Center).set_text_wrap();
    let ws = book.add_worksheet();
    ws.set_name("企业名单")?;
    for (c, col) in IMPORT_COLUMNS.iter().enumerate() {
        let c: u16 = idx(c)?;
        ws.set_column_width(c, if col.field == "name" { 30 } else { 18 })?;
        if matches!(col.field, "credit_code" | "contact_phone") {
            ws.set_column_format(c, &text)?;
        }
        write_text(ws, (0, c), col.header, Some(&bold))?;
    }
    ws.set_freeze_panes(1, 0)?;

    let help: Vec<Vec<Cell>> = IMPORT_COLUMNS
        .iter()
        .map(|c| vec![Cell::Text(c.header.into()), Cell::Text(c.field.into()), Cell::Text(c.help.into())])
        .chain([
            vec![Cell::Empty, Cell::Empty, Cell::Empty],
            vec![
                Cell::Text("说明".into()),
                Cell::Empty,
                Cell::Text(format!(
                    "第 1 行为表头,勿改;每行一家企业,最多 {} 行;可上传 xlsx,或 UTF-8 编码的 csv(带或不带 BOM)。任何一行有错,整个文件都不导入,并列出全部错误。统一社会信用代码已登记或在文件中重复,均为错误。县级部门只能导入本县区的企业。",
                    dtpilot_domain::import::MAX_ROWS
                )),
            ],
        ])
        .collect();
    table(
        book.add_worksheet(),
        "填写说明",
        Some("中小企业数字化转型城市试点 摸底企业名单 填写说明"),
        &[h("列", 24), h("字段", 22), h("要求", 90)],
        &help,
    )?;

    let mut codes: Vec<Vec<Cell>> = County::ALL
        .iter()
        .map(|c| vec![Cell::Text("县区".into()), Cell::Text(c.code().into()), Cell::Text(c.name_zh().into())])
        .collect();
    codes.extend(
        Industry::ALL
            .iter()
            .map(|i| vec![Cell::Text("行业".into()), Cell::Text(i.code().into()), Cell::Text(i.name_zh().into())]),
    );
    table(book.add_worksheet(), "代码表", None, &[h("类别", 10), h("代码", 22), h("名称", 28)], &codes)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    #[test]
    fn the_template_has_the_headers_the_import_reads() {
        let bytes = template_workbook().expect("template");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
        assert_eq!(book.sheet_names(), ["企业名单", "填写说明", "代码表"]);
        let sheet = book.worksheet_range("企业名单").expect("sheet");
        let headers: Vec<String> = sheet.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
        let expected: Vec<&str> = IMPORT_COLUMNS.iter().map(|c| c.header).collect();
        assert_eq!(headers, expected);
        let codes = book.worksheet_range("代码表").expect("codes");
        assert!(codes.rows().any(|r| r.get(2) == Some(&Data::String("潞州区".into()))));
    }
}
