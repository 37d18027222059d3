//! Telling DSTU2 from R4. Servers rarely say which version a file is, so the
//! shapes that changed between the two are the evidence: DSTU2-only resource types
//! and fields that were plain strings or single objects in DSTU2 and became
//! CodeableConcepts or arrays in R4.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FhirVersion {
    #[serde(rename = "R4")]
    R4,
    #[serde(rename = "DSTU2")]
    Dstu2,
}

impl FhirVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            FhirVersion::R4 => "R4",
            FhirVersion::Dstu2 => "DSTU2",
        }
    }

    /// A file is DSTU2 when any of its resources carries a DSTU2 marker.
    pub fn of_file(any_dstu2_marker: bool) -> FhirVersion {
        if any_dstu2_marker {
            FhirVersion::Dstu2
        } else {
            FhirVersion::R4
        }
    }
}

/// Resource types that exist in DSTU2 and were renamed or removed by R4.
pub(crate) fn is_dstu2_only_type(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "MedicationOrder"
            | "DiagnosticOrder"
            | "DeviceUseRequest"
            | "Order"
            | "OrderResponse"
            | "Conformance"
            | "Supply"
    )
}
