//! Errors reading FHIR content. Messages describe where and what kind of problem,
//! never the content itself (a record's text must not reach a log).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FhirError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not valid JSON{}: {detail}", line_suffix(*.line))]
    Malformed { line: Option<usize>, detail: String },
    #[error("the file is JSON but not FHIR: {0}")]
    NotFhir(String),
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

impl FhirError {
    /// Describes a serde_json error by position and kind only: its message never
    /// quotes the input.
    pub(crate) fn malformed(line: Option<usize>, e: &serde_json::Error) -> Self {
        let kind = match e.classify() {
            serde_json::error::Category::Eof => "it ends too early (truncated?)",
            serde_json::error::Category::Syntax => "a syntax error",
            serde_json::error::Category::Data => "an unexpected value",
            serde_json::error::Category::Io => "a read error",
        };
        FhirError::Malformed {
            line,
            detail: format!("{kind} at line {} column {}", e.line(), e.column()),
        }
    }
}

pub type Result<T> = std::result::Result<T, FhirError>;
