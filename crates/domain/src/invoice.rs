//! The invoice register (SPEC §9.1): an invoice number is claimed at most once per enterprise,
//! across retrofit expenses and cloud fees, compared by its [`invoice_key`].

use unicode_normalization::UnicodeNormalization;

/// The key an invoice number is compared by: Unicode NFKC (full-width `ＩＮＶ９` is `INV9`), then
/// white space (any, the ideographic space included), `-` and `_` removed, then upper case — so
/// `INV-9`, `inv 9` and `ＩＮＶ９` are one invoice.
pub fn invoice_key(invoice_no: &str) -> String {
    invoice_no.nfkc().filter(|c| !(c.is_whitespace() || *c == '-' || *c == '_')).flat_map(char::to_uppercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_invoice_written_many_ways_has_one_key() {
        for variant in ["INV-9", "inv 9", "ＩＮＶ９", "Inv_9", " i-n-v 9 ", "ｉｎｖ－９", "INV\u{3000}9"] {
            assert_eq!(invoice_key(variant), "INV9", "{variant:?}");
        }
        assert_ne!(invoice_key("INV-9"), invoice_key("INV-90"));
        assert_eq!(invoice_key("发票 No.12"), "发票NO.12");
        assert_eq!(invoice_key("---"), "");
    }
}
