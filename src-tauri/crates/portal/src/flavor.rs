//! The two FHIR versions the portal serves from the same records: R4 at `/fhir/r4` and
//! DSTU2 at `/fhir/dstu2`, and which resource types each one offers under which name.

/// A FHIR base of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Flavor {
    R4,
    Dstu2,
}

/// Every type the records hold (R4 names), in the order the metadata lists them.
pub(crate) const R4_TYPES: &[&str] = &[
    "Patient",
    "AllergyIntolerance",
    "CarePlan",
    "CareTeam",
    "Condition",
    "Coverage",
    "DiagnosticReport",
    "DocumentReference",
    "Encounter",
    "ExplanationOfBenefit",
    "FamilyMemberHistory",
    "Goal",
    "Immunization",
    "Medication",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "Organization",
    "Practitioner",
    "Procedure",
];

/// Types that are only read, never searched: attachments that resources link to.
pub(crate) const READ_ONLY_TYPES: &[&str] = &["Binary"];

/// R4 types with no faithful DSTU2 form: not offered on the DSTU2 base.
const NOT_IN_DSTU2: &[&str] = &["CareTeam", "ExplanationOfBenefit"];

impl Flavor {
    pub(crate) const ALL: [Flavor; 2] = [Flavor::R4, Flavor::Dstu2];

    /// The base's path below the origin.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Flavor::R4 => "/fhir/r4",
            Flavor::Dstu2 => "/fhir/dstu2",
        }
    }

    pub(crate) fn fhir_version(self) -> &'static str {
        match self {
            Flavor::R4 => "4.0.1",
            Flavor::Dstu2 => "1.0.2",
        }
    }

    /// The media type of FHIR JSON in this version.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Flavor::R4 => "application/fhir+json; charset=utf-8",
            Flavor::Dstu2 => "application/json+fhir; charset=utf-8",
        }
    }

    /// This base's name for an R4 type, or `None` when the base does not offer it.
    pub(crate) fn name_of(self, r4_type: &str) -> Option<&'static str> {
        let known = R4_TYPES.iter().find(|t| **t == r4_type)?;
        match self {
            Flavor::R4 => Some(known),
            Flavor::Dstu2 if NOT_IN_DSTU2.contains(known) => None,
            Flavor::Dstu2 if *known == "MedicationRequest" => Some("MedicationOrder"),
            Flavor::Dstu2 => Some(known),
        }
    }

    /// The R4 type behind a type name used on this base, if the base offers it.
    pub(crate) fn r4_type_of(self, name: &str) -> Option<&'static str> {
        R4_TYPES
            .iter()
            .copied()
            .find(|t| self.name_of(t) == Some(name))
    }

    /// Whether a scope may name this type: a searchable type or a read-only one.
    pub(crate) fn scope_type(self, name: &str) -> bool {
        self.r4_type_of(name).is_some() || READ_ONLY_TYPES.contains(&name)
    }

    /// The types this base offers, in its own names.
    pub(crate) fn offered(self) -> impl Iterator<Item = &'static str> {
        R4_TYPES.iter().filter_map(move |t| self.name_of(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dstu2_renames_medication_request_and_leaves_out_r4_only_types() {
        assert_eq!(
            Flavor::Dstu2.r4_type_of("MedicationOrder"),
            Some("MedicationRequest")
        );
        assert_eq!(Flavor::Dstu2.r4_type_of("MedicationRequest"), None);
        assert_eq!(Flavor::Dstu2.r4_type_of("CareTeam"), None);
        assert_eq!(Flavor::R4.r4_type_of("MedicationOrder"), None);
        assert_eq!(Flavor::R4.offered().count(), 20);
        assert_eq!(Flavor::Dstu2.offered().count(), 18);
    }
}
