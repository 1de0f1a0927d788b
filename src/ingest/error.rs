//! Input errors: every refusal names the file, the line (and field), what was expected, what was
//! found, and a hint.

use std::fmt;

/// A record or file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    /// 1-based line number, when the problem is on a line.
    pub line: Option<u64>,
    pub field: Option<String>,
    pub expected: String,
    pub found: String,
    pub hint: Option<String>,
}

impl InputError {
    pub fn new(expected: impl Into<String>, found: impl Into<String>) -> InputError {
        InputError {
            file: String::new(),
            line: None,
            field: None,
            expected: expected.into(),
            found: found.into(),
            hint: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> InputError {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> InputError {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(mut self, file: &str, line: Option<u64>) -> InputError {
        if self.file.is_empty() {
            self.file = file.to_string();
        }
        if self.line.is_none() {
            self.line = line;
        }
        self
    }

    /// The location and problem on one line, without the hint.
    pub fn headline(&self) -> String {
        let mut text = self.file.clone();
        if let Some(line) = self.line {
            text.push_str(&format!(":{line}"));
        }
        text.push_str(": ");
        if let Some(field) = &self.field {
            text.push_str(&format!("field {field}: "));
        }
        text.push_str(&format!("expected {}, found {}", self.expected, self.found));
        text
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.headline())?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Shortens found text for messages: one line, at most 60 characters.
pub fn shown(text: &[u8]) -> String {
    let text = String::from_utf8_lossy(text);
    let line = text.lines().next().unwrap_or("");
    if text.is_empty() {
        return "nothing".into();
    }
    let mut shown: String = line.chars().take(60).collect();
    if line.chars().count() > 60 || text.lines().count() > 1 {
        shown.push('…');
    }
    format!("{shown:?}")
}
