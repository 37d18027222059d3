//! The International Patient Summary's sections and which record categories fill
//! each. The three required sections (medications, allergies, problems) are
//! always written; the recommended ones only when they have records. Care
//! teams, documents, claims and other records have no IPS section: they are
//! still entries of the Bundle, and the printable page lists them apart.

/// One IPS section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// LOINC code of the section.
    pub code: &'static str,
    /// LOINC display of the code.
    pub loinc_display: &'static str,
    pub title: &'static str,
    /// The thing a clinician reads in "No information about ...".
    pub subject: &'static str,
    pub required: bool,
    /// Category keys whose records go here.
    pub categories: &'static [&'static str],
}

pub const SECTIONS: [Section; 10] = [
    Section {
        code: "10160-0",
        loinc_display: "History of Medication use Narrative",
        title: "Medication Summary",
        subject: "medications",
        required: true,
        categories: &["medication_request", "medication_statement"],
    },
    Section {
        code: "48765-2",
        loinc_display: "Allergies and adverse reactions Document",
        title: "Allergies and Intolerances",
        subject: "allergies or intolerances",
        required: true,
        categories: &["allergy_intolerance"],
    },
    Section {
        code: "11450-4",
        loinc_display: "Problem list - Reported",
        title: "Problem List",
        subject: "problems",
        required: true,
        categories: &["condition"],
    },
    Section {
        code: "11369-6",
        loinc_display: "History of Immunization Narrative",
        title: "History of Immunizations",
        subject: "immunizations",
        required: false,
        categories: &["immunization"],
    },
    Section {
        code: "30954-2",
        loinc_display: "Relevant diagnostic tests/laboratory data Narrative",
        title: "Results",
        subject: "results",
        required: false,
        categories: &["labs", "diagnostic_report"],
    },
    Section {
        code: "47519-4",
        loinc_display: "History of Procedures Document",
        title: "History of Procedures",
        subject: "procedures",
        required: false,
        categories: &["procedure"],
    },
    Section {
        code: "8716-3",
        loinc_display: "Vital signs",
        title: "Vital Signs",
        subject: "vital signs",
        required: false,
        categories: &["vitals"],
    },
    Section {
        code: "10157-6",
        loinc_display: "History of family member diseases Narrative",
        title: "Family History",
        subject: "family history",
        required: false,
        categories: &["family_member_history"],
    },
    Section {
        code: "18776-5",
        loinc_display: "Plan of care note",
        title: "Plan of Care",
        subject: "plans of care",
        required: false,
        categories: &["care_plan"],
    },
    Section {
        code: "48768-6",
        loinc_display: "Payment sources Document",
        title: "Payers",
        subject: "payers",
        required: false,
        categories: &["coverage"],
    },
];

/// The section a category's records go in, if any.
pub fn section_of(category: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.categories.contains(&category))
}

/// The sections to write given how many records each has: required ones always,
/// the others when they have at least one record. In table order.
pub fn written(count: impl Fn(&Section) -> u64) -> Vec<(&'static Section, u64)> {
    SECTIONS
        .iter()
        .map(|s| (s, count(s)))
        .filter(|(s, n)| s.required || *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ownchart_fhir::Category;

    #[test]
    fn every_category_goes_to_at_most_one_section_and_the_required_come_first() {
        for c in Category::ALL {
            let n = SECTIONS
                .iter()
                .filter(|s| s.categories.contains(&c.key()))
                .count();
            assert!(n <= 1, "{}", c.key());
        }
        for s in SECTIONS {
            for k in s.categories {
                assert!(Category::from_key(k).is_some(), "{k}");
            }
        }
        let codes: Vec<_> = SECTIONS
            .iter()
            .filter(|s| s.required)
            .map(|s| s.code)
            .collect();
        assert_eq!(codes, ["10160-0", "48765-2", "11450-4"]);
        assert_eq!(section_of("labs").map(|s| s.code), Some("30954-2"));
        assert_eq!(
            section_of("diagnostic_report").map(|s| s.code),
            Some("30954-2")
        );
        assert_eq!(section_of("care_team"), None);
        assert_eq!(section_of("other"), None);
    }

    #[test]
    fn required_sections_are_written_empty_and_optional_ones_only_with_records() {
        let got = written(|s| if s.code == "8716-3" { 2 } else { 0 });
        let codes: Vec<_> = got.iter().map(|(s, n)| (s.code, *n)).collect();
        assert_eq!(
            codes,
            [
                ("10160-0", 0),
                ("48765-2", 0),
                ("11450-4", 0),
                ("8716-3", 2)
            ]
        );
    }
}
