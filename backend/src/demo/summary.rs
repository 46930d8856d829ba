//! What the demo made, read back through the API, and the table of accounts it prints.

use std::fmt::{self, Write as _};

use dtpilot_domain::state::{ProjectState, Role};

use super::*;

// ---------------------------------------------------------------------------------------------
// The summary
// ---------------------------------------------------------------------------------------------

/// One demo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub display_name: String,
    /// What the account is scoped to or shows, for people.
    pub note: String,
}

/// What [`seed`] made, counted through the API at the end.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    /// Every account (password [`PASSWORD`]).
    pub accounts: Vec<DemoAccount>,
    pub enterprises: usize,
    /// Counties and industries with at least one enterprise (`GET /enterprises?county=…`).
    pub counties: usize,
    pub industries: usize,
    pub providers: usize,
    pub batches: usize,
    pub notices_closed: usize,
    pub notices_open: usize,
    /// `GET /projects?status=…` totals, in lifecycle order.
    pub projects_by_state: Vec<(ProjectState, i64)>,
    /// `GET /payments?status=…` totals.
    pub payments_by_status: Vec<(String, i64)>,
    /// Which enterprise account shows which state first: (username, state, enterprise name).
    pub guide: Vec<(String, ProjectState, String)>,
    /// Requests made to the application.
    pub requests: usize,
    pub elapsed_ms: u128,
}

impl DemoSummary {
    pub fn projects(&self) -> i64 {
        self.projects_by_state.iter().map(|(_, n)| n).sum()
    }

    /// The states without a project (empty when the demo is complete).
    pub fn missing_states(&self) -> Vec<ProjectState> {
        self.projects_by_state.iter().filter(|(_, n)| *n == 0).map(|(s, _)| *s).collect()
    }

    /// What `serve --demo` prints at start: every account with its password, and a guide.
    pub fn banner(&self) -> String {
        let rule = "=".repeat(96);
        let mut out = String::new();
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(
            out,
            " dtpilot 演示数据 / DEMO DATA — 全部为虚构数据,仅供演示 / fictional, for demonstration only"
        );
        let _ = writeln!(out, " 所有账号的密码 / password of every account:  {PASSWORD}");
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(out, " {:<18} {:<11} {:<16} 名称 / name — 说明 / notes", "用户名 username", "role", "角色");
        let section = |r: Role| match r {
            Role::County | Role::Provider | Role::Enterprise => Some(r),
            _ => None,
        };
        let mut last = None;
        for a in &self.accounts {
            if last.is_some() && last != Some(section(a.role)) {
                let _ = writeln!(out, " {}", "-".repeat(94));
            }
            last = Some(section(a.role));
            let note = if a.note.is_empty() { String::new() } else { format!(" — {}", a.note) };
            let _ = writeln!(
                out,
                " {:<18} {:<11} {:<16} {}{note}",
                a.username,
                a.role.code(),
                a.role.name_zh(),
                a.display_name
            );
        }
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(out, " 各状态示例 / where to see each project state (log in as):");
        for (username, state, name) in &self.guide {
            let _ = writeln!(out, "   {username:<8} {:<20} {:<16} {name}", state.code(), state.name_zh());
        }
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(out, " {self}");
        let _ = write!(out, "{rule}");
        out
    }
}

impl fmt::Display for DemoSummary {
    /// One line: what was made, and how fast.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let states: Vec<String> = self.projects_by_state.iter().map(|(s, n)| format!("{s} {n}")).collect();
        let payments: Vec<String> = self.payments_by_status.iter().map(|(s, n)| format!("{s} {n}")).collect();
        write!(
            f,
            "{} accounts, {} enterprises ({} counties, {} industries), {} providers, {} batches, {} projects [{}], \
             payments [{}], notices {} closed / {} open; {} requests in {} ms",
            self.accounts.len(),
            self.enterprises,
            self.counties,
            self.industries,
            self.providers,
            self.batches,
            self.projects(),
            states.join(", "),
            payments.join(", "),
            self.notices_closed,
            self.notices_open,
            self.requests,
            self.elapsed_ms
        )
    }
}
