//! What each index of a record holds: a fixed opening schedule that shows every
//! kind (and the awkward variants tests rely on) within the first 25 resources,
//! then a weighted draw in roughly the proportions of a real multi-year record,
//! where observations dominate.

use crate::random::{weighted, R};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Patient,
    Organization,
    Practitioner,
    Encounter,
    Coverage,
    Condition,
    VitalSign,
    LabResult,
    SocialHistory,
    DiagnosticReport,
    Immunization,
    AllergyIntolerance,
    Medication,
    MedicationRequest,
    MedicationStatement,
    Procedure,
    FamilyMemberHistory,
    DocumentReference,
    CareTeam,
    CarePlan,
    ExplanationOfBenefit,
}

pub(crate) const KIND_COUNT: usize = 21;

impl Kind {
    pub(crate) fn resource_type(self) -> &'static str {
        match self {
            Kind::Patient => "Patient",
            Kind::Organization => "Organization",
            Kind::Practitioner => "Practitioner",
            Kind::Encounter => "Encounter",
            Kind::Coverage => "Coverage",
            Kind::Condition => "Condition",
            Kind::VitalSign | Kind::LabResult | Kind::SocialHistory => "Observation",
            Kind::DiagnosticReport => "DiagnosticReport",
            Kind::Immunization => "Immunization",
            Kind::AllergyIntolerance => "AllergyIntolerance",
            Kind::Medication => "Medication",
            Kind::MedicationRequest => "MedicationRequest",
            Kind::MedicationStatement => "MedicationStatement",
            Kind::Procedure => "Procedure",
            Kind::FamilyMemberHistory => "FamilyMemberHistory",
            Kind::DocumentReference => "DocumentReference",
            Kind::CareTeam => "CareTeam",
            Kind::CarePlan => "CarePlan",
            Kind::ExplanationOfBenefit => "ExplanationOfBenefit",
        }
    }

    pub(crate) fn slot(self) -> usize {
        self as usize
    }
}

/// The variant a scheduled resource must show, so that small records still
/// contain every awkward case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Showcase {
    /// Drawn at random like any later resource.
    None,
    /// Carries the canary and a hostile narrative.
    Canary,
    /// A DocumentReference with a ~20 KB inline attachment.
    InlineAttachment,
}

/// The opening of every record. Index 0 is the Patient; the Organization and
/// Practitioner come next so that later references point backwards.
pub(crate) const SCHEDULE: &[(Kind, Showcase)] = &[
    (Kind::Patient, Showcase::Canary),
    (Kind::Organization, Showcase::None),
    (Kind::Practitioner, Showcase::None),
    (Kind::Coverage, Showcase::None),
    (Kind::Encounter, Showcase::None),
    (Kind::Condition, Showcase::Canary),
    (Kind::VitalSign, Showcase::None),
    (Kind::LabResult, Showcase::None),
    (Kind::SocialHistory, Showcase::None),
    (Kind::DiagnosticReport, Showcase::Canary),
    (Kind::Immunization, Showcase::None),
    (Kind::AllergyIntolerance, Showcase::None),
    (Kind::Medication, Showcase::None),
    (Kind::MedicationRequest, Showcase::None),
    (Kind::MedicationStatement, Showcase::None),
    (Kind::Procedure, Showcase::None),
    (Kind::FamilyMemberHistory, Showcase::None),
    (Kind::DocumentReference, Showcase::Canary),
    (Kind::CareTeam, Showcase::None),
    (Kind::CarePlan, Showcase::Canary),
    (Kind::ExplanationOfBenefit, Showcase::None),
    (Kind::VitalSign, Showcase::None),
    (Kind::LabResult, Showcase::None),
    (Kind::DocumentReference, Showcase::InlineAttachment),
    (Kind::Encounter, Showcase::None),
];

/// Per mille after the schedule. No Patient: a record is one person.
const WEIGHTS: &[(Kind, u32)] = &[
    (Kind::VitalSign, 223),
    (Kind::LabResult, 200),
    (Kind::SocialHistory, 35),
    (Kind::Encounter, 80),
    (Kind::ExplanationOfBenefit, 80),
    (Kind::MedicationRequest, 60),
    (Kind::Condition, 50),
    (Kind::Procedure, 50),
    (Kind::DiagnosticReport, 50),
    (Kind::Immunization, 40),
    (Kind::DocumentReference, 40),
    (Kind::MedicationStatement, 25),
    (Kind::CarePlan, 12),
    (Kind::AllergyIntolerance, 10),
    (Kind::CareTeam, 10),
    (Kind::Practitioner, 10),
    (Kind::Medication, 10),
    (Kind::FamilyMemberHistory, 8),
    (Kind::Organization, 4),
    (Kind::Coverage, 3),
];

/// The kind at `index`, drawing from `r` (the resource's own stream) past the
/// schedule.
pub(crate) fn kind_at(index: usize, r: &mut R) -> (Kind, Showcase) {
    match SCHEDULE.get(index) {
        Some(&scheduled) => scheduled,
        None => (weighted(r, WEIGHTS), Showcase::None),
    }
}

/// The scheduled index of the first resource of `kind` (every kind has one).
pub(crate) fn first_index(kind: Kind) -> usize {
    SCHEDULE.iter().position(|(k, _)| *k == kind).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_holds_every_kind_and_the_weights_sum_to_1000() {
        let mut seen = [false; KIND_COUNT];
        for (k, _) in SCHEDULE {
            seen[k.slot()] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(WEIGHTS.iter().map(|(_, w)| w).sum::<u32>(), 1000);
        assert_eq!(Kind::ExplanationOfBenefit.slot() + 1, KIND_COUNT);
    }
}
