//! MedicationOrder (→ MedicationRequest), MedicationStatement, MedicationDispense and
//! Medication from DSTU2 to R4.

use serde_json::{json, Value};

use super::common::{code_of, string, Node};
use super::types::dosage;

/// The DSTU2 medication statuses R4 kept with the same code.
fn same_status(code: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed.iter().copied().find(|c| *c == code)
}

/// The required R4 `medication[x]`, marked unknown when the source had neither choice.
fn require_medication(n: &mut Node) {
    if !n.out.contains_key("medicationCodeableConcept")
        && !n.out.contains_key("medicationReference")
    {
        n.require_absent("medicationCodeableConcept", false);
    }
}

/// MedicationOrder → MedicationRequest: `dateWritten` → `authoredOn`, `prescriber` →
/// `requester`, `patient` → `subject`, `reasonEnded` → `statusReason`, one `reason[x]` →
/// the R4 lists, `note` a list, dosage dose and rate into `doseAndRate`, substitution
/// `type` → `allowed[x]`, and the R4 `intent` (`order`: a DSTU2 order is an order).
pub(super) fn medication_order(n: &mut Node) {
    n.copy(&[
        "encounter",
        "medicationCodeableConcept",
        "medicationReference",
        "priorPrescription",
    ]);
    n.lists(&["identifier"]);
    n.rename("dateWritten", "authoredOn");
    n.rename("patient", "subject");
    n.rename("prescriber", "requester");
    n.rename("reasonEnded", "statusReason");
    n.code("status", "status", |c| {
        same_status(
            c,
            &[
                "active",
                "on-hold",
                "completed",
                "entered-in-error",
                "stopped",
                "draft",
            ],
        )
    });
    n.put("intent", string("order"));
    n.repeat("reasonCodeableConcept", "reasonCode");
    n.repeat("reasonReference", "reasonReference");
    n.string_to_notes("note", "note");
    n.each("dosageInstruction", "dosageInstruction", |d| {
        dosage(d, "dose")
    });
    if let Some(request) = n.child("dispenseRequest", |r| {
        r.copy(&[
            "validityPeriod",
            "numberOfRepeatsAllowed",
            "quantity",
            "expectedSupplyDuration",
            "extension",
            "modifierExtension",
        ]);
    }) {
        n.put("dispenseRequest", Value::Object(request));
    }
    if let Some(substitution) = n.child("substitution", |s| {
        s.copy(&["reason", "extension", "modifierExtension"]);
        if let Some(kind) = s.take("type") {
            // v3 ActSubstanceAdminSubstitution `N` is "no substitution"; every other
            // code names a kind of substitution that is allowed.
            if code_of(&kind) == Some("N") {
                s.put("allowedBoolean", Value::Bool(false));
            } else {
                s.put("allowedCodeableConcept", kind);
            }
        }
        s.require_absent("allowedBoolean", true);
    }) {
        n.put("substitution", Value::Object(substitution));
    }
    n.require_code("status", "unknown", "no usable status in the source");
    require_medication(n);
    n.require_absent("subject", false);
}

/// MedicationStatement: `patient` → `subject`, `wasNotTaken` → status `not-taken` with
/// `reasonNotTaken` → `statusReason`, one `reasonForUse[x]` → the R4 lists, `note` a
/// list, `supportingInformation` → `derivedFrom`, dosage `quantity[x]` → `doseAndRate`.
pub(super) fn medication_statement(n: &mut Node) {
    n.copy(&[
        "informationSource",
        "dateAsserted",
        "effectiveDateTime",
        "effectivePeriod",
        "medicationCodeableConcept",
        "medicationReference",
    ]);
    n.lists(&["identifier"]);
    n.rename("patient", "subject");
    n.repeat("supportingInformation", "derivedFrom");
    let not_taken = n.take_bool("wasNotTaken").unwrap_or(false);
    n.code("status", "status", |c| {
        same_status(c, &["active", "completed", "entered-in-error", "intended"])
    });
    if not_taken && n.out.get("status").and_then(Value::as_str) != Some("entered-in-error") {
        n.put("status", string("not-taken"));
    }
    n.repeat("reasonNotTaken", "statusReason");
    n.repeat("reasonForUseCodeableConcept", "reasonCode");
    n.repeat("reasonForUseReference", "reasonReference");
    n.string_to_notes("note", "note");
    n.each("dosage", "dosage", |d| dosage(d, "quantity"));
    n.require_code("status", "unknown", "no usable status in the source");
    require_medication(n);
    n.require_absent("subject", false);
}

/// MedicationDispense: `patient` → `subject`, `dispenser` → `performer.actor`, `note` a
/// list, dosage dose and rate into `doseAndRate`, `substitution.wasSubstituted` (a DSTU2
/// substitution element records one that was made).
pub(super) fn medication_dispense(n: &mut Node) {
    n.copy(&[
        "type",
        "quantity",
        "daysSupply",
        "medicationCodeableConcept",
        "medicationReference",
        "whenPrepared",
        "whenHandedOver",
        "destination",
    ]);
    n.lists(&["authorizingPrescription", "receiver"]);
    n.repeat("identifier", "identifier");
    n.rename("patient", "subject");
    if let Some(actor) = n.take("dispenser") {
        n.put("performer", json!([{ "actor": actor }]));
    }
    n.code("status", "status", |c| {
        same_status(
            c,
            &[
                "in-progress",
                "on-hold",
                "completed",
                "entered-in-error",
                "stopped",
            ],
        )
    });
    n.string_to_notes("note", "note");
    n.each("dosageInstruction", "dosageInstruction", |d| {
        dosage(d, "dose")
    });
    if let Some(mut substitution) = n.child("substitution", |s| {
        s.copy(&[
            "type",
            "reason",
            "responsibleParty",
            "extension",
            "modifierExtension",
        ]);
    }) {
        substitution.insert("wasSubstituted".into(), Value::Bool(true));
        n.put("substitution", Value::Object(substitution));
    }
    n.require_code("status", "unknown", "no usable status in the source");
    require_medication(n);
}

/// Medication: `product.form` → `form`, `product.ingredient` (`item` a Reference,
/// `amount`) → `ingredient` (`itemReference`, `strength`), the first `product.batch` →
/// `batch`; `isBrand` and `package` have no R4 element.
pub(super) fn medication(n: &mut Node) {
    n.copy(&["code", "manufacturer"]);
    let path = n.path_of("product");
    match n.take("product") {
        Some(Value::Object(product)) => {
            let mut p = Node::new(path, product);
            p.copy(&["form"]);
            p.each("ingredient", "ingredient", |i| {
                i.copy(&["extension", "modifierExtension"]);
                i.rename("item", "itemReference");
                i.rename("amount", "strength");
                i.require_absent("itemReference", false);
            });
            p.first_of("batch", "batch");
            let out = p.finish(&mut n.notes);
            for (key, value) in out {
                n.put(&key, value);
            }
        }
        Some(_) => n.note("product", "not an element; left out"),
        None => {}
    }
}
