//! The shared pieces of the screens: paging, status badges, money, errors, charts, exports,
//! upload progress and the project timeline.

pub mod chart;
pub mod export;
pub mod form;
pub mod pager;
pub mod projects;
pub mod timeline;
pub mod widgets;
