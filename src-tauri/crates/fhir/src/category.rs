//! The 16 record categories the product shows (seed 002), plus "other" for every
//! resource a server returns outside them (kept, never dropped).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Patient,
    Immunization,
    AllergyIntolerance,
    MedicationRequest,
    MedicationStatement,
    Vitals,
    Labs,
    DiagnosticReport,
    Condition,
    Procedure,
    FamilyMemberHistory,
    DocumentReference,
    CareTeam,
    CarePlan,
    ExplanationOfBenefit,
    Coverage,
    Other,
}

impl Category {
    /// Every category in display order, "other" last.
    pub const ALL: [Category; 17] = [
        Category::Patient,
        Category::Immunization,
        Category::AllergyIntolerance,
        Category::MedicationRequest,
        Category::MedicationStatement,
        Category::Vitals,
        Category::Labs,
        Category::DiagnosticReport,
        Category::Condition,
        Category::Procedure,
        Category::FamilyMemberHistory,
        Category::DocumentReference,
        Category::CareTeam,
        Category::CarePlan,
        Category::ExplanationOfBenefit,
        Category::Coverage,
        Category::Other,
    ];

    /// The stable key stored in the vault and used by the UI.
    pub fn key(self) -> &'static str {
        match self {
            Category::Patient => "patient",
            Category::Immunization => "immunization",
            Category::AllergyIntolerance => "allergy_intolerance",
            Category::MedicationRequest => "medication_request",
            Category::MedicationStatement => "medication_statement",
            Category::Vitals => "vitals",
            Category::Labs => "labs",
            Category::DiagnosticReport => "diagnostic_report",
            Category::Condition => "condition",
            Category::Procedure => "procedure",
            Category::FamilyMemberHistory => "family_member_history",
            Category::DocumentReference => "document_reference",
            Category::CareTeam => "care_team",
            Category::CarePlan => "care_plan",
            Category::ExplanationOfBenefit => "explanation_of_benefit",
            Category::Coverage => "coverage",
            Category::Other => "other",
        }
    }

    /// The label a patient reads.
    pub fn label(self) -> &'static str {
        match self {
            Category::Patient => "Patient details",
            Category::Immunization => "Immunizations",
            Category::AllergyIntolerance => "Allergies",
            Category::MedicationRequest => "Prescriptions",
            Category::MedicationStatement => "Medications taken",
            Category::Vitals => "Vital signs",
            Category::Labs => "Lab results",
            Category::DiagnosticReport => "Reports",
            Category::Condition => "Conditions",
            Category::Procedure => "Procedures",
            Category::FamilyMemberHistory => "Family history",
            Category::DocumentReference => "Documents",
            Category::CareTeam => "Care teams",
            Category::CarePlan => "Care plans",
            Category::ExplanationOfBenefit => "Claims",
            Category::Coverage => "Insurance coverage",
            Category::Other => "Other records",
        }
    }

    pub fn from_key(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The category of a resource from its type and, for Observations, whether its
    /// category codes say vital signs or laboratory (vital signs win if both).
    pub fn classify(resource_type: &str, vital_signs: bool, laboratory: bool) -> Category {
        match resource_type {
            "Patient" => Category::Patient,
            "Immunization" => Category::Immunization,
            "AllergyIntolerance" => Category::AllergyIntolerance,
            // DSTU2 called prescriptions MedicationOrder.
            "MedicationRequest" | "MedicationOrder" => Category::MedicationRequest,
            "MedicationStatement" => Category::MedicationStatement,
            "Observation" if vital_signs => Category::Vitals,
            "Observation" if laboratory => Category::Labs,
            "DiagnosticReport" => Category::DiagnosticReport,
            "Condition" => Category::Condition,
            "Procedure" => Category::Procedure,
            "FamilyMemberHistory" => Category::FamilyMemberHistory,
            "DocumentReference" => Category::DocumentReference,
            "CareTeam" => Category::CareTeam,
            "CarePlan" => Category::CarePlan,
            "ExplanationOfBenefit" => Category::ExplanationOfBenefit,
            "Coverage" => Category::Coverage,
            _ => Category::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        let mut keys: Vec<_> = Category::ALL.iter().map(|c| c.key()).collect();
        for c in Category::ALL {
            assert_eq!(Category::from_key(c.key()), Some(c));
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 17);
        assert_eq!(Category::from_key("nonsense"), None);
    }

    #[test]
    fn observations_split_by_their_category_codes() {
        assert_eq!(
            Category::classify("Observation", true, true),
            Category::Vitals
        );
        assert_eq!(
            Category::classify("Observation", false, true),
            Category::Labs
        );
        assert_eq!(
            Category::classify("Observation", false, false),
            Category::Other
        );
        assert_eq!(
            Category::classify("MedicationOrder", false, false),
            Category::MedicationRequest
        );
        assert_eq!(
            Category::classify("Encounter", false, false),
            Category::Other
        );
    }
}
