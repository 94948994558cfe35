//! The table every list uses: a caption for screen readers, column headers, an empty message,
//! and optionally rows that open something. The row's first cell should hold a real link (for
//! keyboards and screen readers); a click anywhere else on the row follows the same link.
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Renders one cell of a row.
pub type CellFn<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;

/// One column: its header and how a row fills it.
pub struct Column<T> {
    pub header: &'static str,
    pub cell: CellFn<T>,
    /// Right-aligned (numbers).
    pub numeric: bool,
}

impl<T> Column<T> {
    /// A column with text cells.
    pub fn text(header: &'static str, cell: impl Fn(&T) -> String + Send + Sync + 'static) -> Self {
        Column {
            header,
            cell: Arc::new(move |row| cell(row).into_any()),
            numeric: false,
        }
    }

    /// A column of numbers, right-aligned.
    pub fn number(header: &'static str, cell: impl Fn(&T) -> u64 + Send + Sync + 'static) -> Self {
        Column {
            header,
            cell: Arc::new(move |row| crate::format::count(cell(row)).into_any()),
            numeric: true,
        }
    }

    /// A column with any view.
    pub fn view(
        header: &'static str,
        cell: impl Fn(&T) -> AnyView + Send + Sync + 'static,
    ) -> Self {
        Column {
            header,
            cell: Arc::new(cell),
            numeric: false,
        }
    }
}

/// A table of `rows`.
#[component]
pub fn DataTable<T>(
    /// What the table lists, read by screen readers.
    #[prop(into)]
    caption: String,
    columns: Vec<Column<T>>,
    rows: Vec<T>,
    /// Shown in place of the rows when there are none.
    #[prop(into)]
    empty: String,
    /// A click anywhere on a row follows the row's first link.
    #[prop(optional)]
    clickable_rows: bool,
) -> impl IntoView
where
    T: 'static,
{
    // Only this loop depends on `T`; the markup is built once, in `table`, for every row type.
    let cells = rows
        .iter()
        .map(|row| columns.iter().map(|c| (c.cell)(row)).collect())
        .collect();
    let headers = columns.iter().map(|c| (c.header, c.numeric)).collect();
    table(caption, headers, cells, empty, clickable_rows)
}

fn table(
    caption: String,
    headers: Vec<(&'static str, bool)>,
    rows: Vec<Vec<AnyView>>,
    empty: String,
    clickable_rows: bool,
) -> AnyView {
    let numeric: Vec<bool> = headers.iter().map(|h| h.1).collect();
    let span = headers.len().to_string();
    let headers = headers
        .into_iter()
        .map(|(header, numeric)| {
            view! { <th scope="col" class:roster-table__num=numeric>{header}</th> }
        })
        .collect_view();
    let body = if rows.is_empty() {
        view! {
            <tr>
                <td colspan=span class="roster-table__empty">{empty}</td>
            </tr>
        }
        .into_any()
    } else {
        rows.into_iter()
            .map(|row| {
                let cells = row
                    .into_iter()
                    .zip(numeric.iter().copied())
                    .map(|(cell, numeric)| {
                        view! { <td class:roster-table__num=numeric>{cell}</td> }
                    })
                    .collect_view();
                view! {
                    <tr class:roster-table__row--link=clickable_rows on:click=move |ev| follow_row_link(clickable_rows, ev)>
                        {cells}
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="roster-table-wrap">
            <table class="roster-table">
                <caption class="roster-visually-hidden">{caption}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A click on a clickable row, away from its controls, follows the row's first link.
fn follow_row_link(clickable_rows: bool, ev: web_sys::MouseEvent) {
    if !clickable_rows {
        return;
    }
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    // Clicks on the link itself, or while selecting text, are left alone.
    let on_control = target
        .as_ref()
        .and_then(|el| el.closest("a, button, input, select").ok().flatten())
        .is_some();
    let selecting = web_sys::window()
        .and_then(|w| w.get_selection().ok().flatten())
        .is_some_and(|s| !s.is_collapsed());
    if on_control || selecting {
        return;
    }
    // Clicking the row's link lets the router handle it like any link.
    let link = target
        .and_then(|el| el.closest("tr").ok().flatten())
        .and_then(|tr| tr.query_selector("a[href]").ok().flatten())
        .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(link) = link {
        link.click();
    }
}
