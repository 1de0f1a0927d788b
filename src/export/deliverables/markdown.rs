//! Markdown and Mermaid escaping, and a table writer. A name from the estate or the plan may hold
//! anything (`|`, line breaks, `<`, quotes); these keep it from breaking the document around it.

use std::fmt::Write as _;

/// Text for one Markdown table cell (or one line of prose): `\` → `\\`, `|` → `\|`, `<` →
/// `&lt;`, and line breaks and other control characters → a space. Leading and trailing spaces
/// are trimmed, as a table would; an empty result stays empty.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => out.push(' '),
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Text as inline code (a selector, a control): in backticks, with a longer fence when the text
/// holds backticks, and escaped for a table cell.
pub fn code(text: &str) -> String {
    let flat = cell(text);
    if flat.is_empty() {
        return String::new();
    }
    let mut run = 0;
    let mut longest = 0;
    for c in flat.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// `1 zone`, `2 zones`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A Markdown table: the header, the alignment row, then the rows. Cells are escaped here.
pub fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
        out.push('|');
        for text in cells {
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    };
    line(out, &mut header.iter().map(|h| cell(h)));
    line(out, &mut header.iter().map(|_| "---".to_string()));
    for row in rows {
        line(out, &mut row.iter().map(|c| cell(c)));
    }
}

/// A Mermaid label in double quotes: `#` → `#35;`, `"` → `#quot;`, `<` and `>` as entities,
/// line breaks and control characters → a space.
pub fn mermaid_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_in_their_cell() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("one\ntwo\r\nthree"), "one two  three");
        assert_eq!(cell("a\\|b"), "a\\\\\\|b");
        assert_eq!(cell("<script>"), "&lt;script>");
        assert_eq!(cell("say \"hi\": x"), "say \"hi\": x");
        let mut out = String::new();
        table(&mut out, &["name"], &[vec!["x|y\nz".into()]]);
        assert_eq!(out, "| name |\n| --- |\n| x\\|y z |\n");
        assert_eq!(out.lines().nth(2).map(|l| l.matches(" |").count()), Some(1));
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("{app: web}"), "`{app: web}`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code(""), "");
    }

    #[test]
    fn mermaid_labels_are_quoted() {
        assert_eq!(mermaid_label("a \"b\" #1"), "\"a #quot;b#quot; #35;1\"");
        assert_eq!(mermaid_label("x\ny<z>"), "\"x y#lt;z#gt;\"");
    }
}
