//! Batch progress (`GET /batches/{id}/progress`), 周调度 / 月通报 (`GET /reports/weekly`,
//! `/reports/monthly`) and the import of enterprise survey lists (`POST /imports/enterprises`).

use chrono::{NaiveDate, NaiveDateTime};
use dtpilot_domain::Money;
use dtpilot_domain::reference::{County, Industry};
pub use dtpilot_domain::report::{ReportKind, Stage};
use dtpilot_domain::state::ProjectState;
use serde::{Deserialize, Serialize};

use crate::dashboard::TargetView;

/// One member enterprise of a batch and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressItem {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub county: County,
    pub industry: Industry,
    /// Its project in this batch (the one not rejected, else the latest), if it applied.
    pub project_id: Option<i64>,
    pub status: Option<ProjectState>,
    pub stage: Stage,
    /// The batch date the project works towards (SPEC §5), if any.
    pub next_deadline: Option<NaiveDate>,
    /// Past that date today (China Standard Time).
    pub overdue: bool,
}

/// A page of a batch's progress, with the batch's name and the day it was judged on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchProgressView {
    pub batch_id: i64,
    pub batch_name: String,
    pub today: NaiveDate,
    pub items: Vec<ProgressItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Projects by reporting stage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageCounts {
    pub drafting: i64,
    pub submitted: i64,
    pub under_review: i64,
    pub approved: i64,
    pub in_progress: i64,
    pub awaiting_acceptance: i64,
    pub accepted: i64,
    pub failed: i64,
    pub rejected: i64,
    pub cancelled: i64,
}

impl StageCounts {
    pub fn add(&mut self, stage: Stage, n: i64) {
        let slot = match stage {
            Stage::None => return,
            Stage::Drafting => &mut self.drafting,
            Stage::Submitted => &mut self.submitted,
            Stage::UnderReview => &mut self.under_review,
            Stage::Approved => &mut self.approved,
            Stage::InProgress => &mut self.in_progress,
            Stage::AwaitingAcceptance => &mut self.awaiting_acceptance,
            Stage::Accepted => &mut self.accepted,
            Stage::Failed => &mut self.failed,
            Stage::Rejected => &mut self.rejected,
            Stage::Cancelled => &mut self.cancelled,
        };
        *slot += n;
    }

    pub fn get(&self, stage: Stage) -> i64 {
        match stage {
            Stage::None => 0,
            Stage::Drafting => self.drafting,
            Stage::Submitted => self.submitted,
            Stage::UnderReview => self.under_review,
            Stage::Approved => self.approved,
            Stage::InProgress => self.in_progress,
            Stage::AwaitingAcceptance => self.awaiting_acceptance,
            Stage::Accepted => self.accepted,
            Stage::Failed => self.failed,
            Stage::Rejected => self.rejected,
            Stage::Cancelled => self.cancelled,
        }
    }
}

/// What happened within a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodFigures {
    /// Enterprises that joined a batch in the period.
    pub new_enterprises: i64,
    /// Projects created (applications started) in the period.
    pub new_projects: i64,
    /// Out-going instructions approved by the city in the period.
    pub approved: Money,
    /// Out-going instructions paid in the period (by `paid_on`).
    pub paid: Money,
    /// Recoveries received in the period (by `paid_on`).
    pub recovered: Money,
}

impl PeriodFigures {
    pub fn zero() -> PeriodFigures {
        PeriodFigures {
            new_enterprises: 0,
            new_projects: 0,
            approved: Money::ZERO,
            paid: Money::ZERO,
            recovered: Money::ZERO,
        }
    }
}

/// Change against the previous period (月通报): differences and percentages (`—` where the
/// previous figure was zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodChange {
    pub new_enterprises: i64,
    pub new_enterprises_percent: String,
    pub new_projects: i64,
    pub new_projects_percent: String,
    /// The difference in paid money, a signed amount (`-1200.00`).
    pub paid: String,
    pub paid_percent: String,
}

/// One row of a report table (a county, an industry, or the total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    pub key: String,
    pub name: String,
    /// Enterprises in the programme (members of a batch).
    pub enterprises: i64,
    /// Projects not rejected or cancelled.
    pub projects: i64,
    pub stages: StageCounts,
    /// Projects past their batch's deadline today (SPEC §5).
    pub overdue: i64,
    pub period: PeriodFigures,
    /// The previous period (月通报 only).
    pub previous: Option<PeriodFigures>,
    /// 月通报 only.
    pub change: Option<PeriodChange>,
    /// Cumulative: out-going instructions approved (approved or paid).
    pub approved_total: Money,
    pub paid_total: Money,
    pub recovered_total: Money,
}

/// 周调度 / 月通报.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub kind: ReportKind,
    /// The title row (`…周调度(2026年11月23日至2026年11月29日)`).
    pub title: String,
    /// 全市 or the county's name.
    pub scope: String,
    pub county: Option<County>,
    pub industry: Option<Industry>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub previous_start: Option<NaiveDate>,
    pub previous_end: Option<NaiveDate>,
    /// The day (China Standard Time) overdue marks are judged on.
    pub today: NaiveDate,
    pub by_county: Vec<ReportRow>,
    pub by_industry: Vec<ReportRow>,
    pub total: ReportRow,
    /// 实施方案 附件1: the targets against the records (over the caller's scope, cumulative).
    pub targets: Vec<TargetView>,
}

/// One problem of an import file: its spreadsheet row (1 = the header row), the column's field,
/// and what is wrong, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportError {
    pub row: u32,
    pub field: String,
    pub message: String,
}

/// The answer of an import: how many enterprises were created (all rows, or — with errors — none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub id: i64,
    pub created: i64,
    /// Ids of the created enterprises, in the file's order.
    pub enterprise_ids: Vec<i64>,
    pub errors: Vec<ImportError>,
}

/// The 422 of an import: problem+json whose `errors` carry the row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    pub created: i64,
    pub errors: Vec<ImportError>,
}

/// One import of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportView {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub created: i64,
    /// The importer's county (a county bureau), else none (the city).
    pub county: Option<County>,
    pub imported_by: String,
    pub imported_at: NaiveDateTime,
}
