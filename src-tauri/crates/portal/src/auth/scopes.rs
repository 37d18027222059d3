//! SMART scopes: what an app asks for, what the portal grants, and what a token allows.
//! Patient-level resource scopes only (`patient/...`): v2 `patient/X.rs` on R4 (only the
//! read `r` and search `s` permissions are ever granted), v1 `patient/X.read` on both
//! bases, plus `launch/patient` and `offline_access`. Everything else (`user/`, `system/`,
//! `openid`, `fhirUser`, granular `?category=` scopes, write access) is dropped, as a
//! real read-only patient portal would.

use crate::config::FEWER_SCOPE_TYPES;
use crate::flavor::Flavor;

/// What a resource scope allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Perms {
    pub read: bool,
    pub search: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    V1,
    V2,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    /// `patient/{type}.{perms}`; `None` is the `*` wildcard.
    Resource {
        type_name: Option<String>,
        perms: Perms,
        syntax: Syntax,
    },
    LaunchPatient,
    OfflineAccess,
}

/// A set of granted scopes, in the order the app asked for them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scopes {
    items: Vec<Item>,
}

impl Scopes {
    /// What the portal grants for `requested`: the scopes it knows, narrowed to the types
    /// in [`FEWER_SCOPE_TYPES`] when `fewer` is set.
    pub(crate) fn grant(requested: &str, flavor: Flavor, fewer: bool) -> Scopes {
        let mut items = Vec::new();
        for word in requested.split_whitespace() {
            let Some(item) = parse(word, flavor) else {
                continue;
            };
            let expanded = match (&item, fewer) {
                (
                    Item::Resource {
                        type_name,
                        perms,
                        syntax,
                    },
                    true,
                ) => fewer_types(flavor)
                    .filter(|t| type_name.as_deref().is_none_or(|n| n == *t))
                    .map(|t| Item::Resource {
                        type_name: Some(t.to_owned()),
                        perms: *perms,
                        syntax: *syntax,
                    })
                    .collect(),
                _ => vec![item],
            };
            for i in expanded {
                if !items.contains(&i) {
                    items.push(i);
                }
            }
        }
        Scopes { items }
    }

    /// Read and search of everything: what API credentials get when they ask for nothing.
    pub(crate) fn all_read(flavor: Flavor) -> Scopes {
        let syntax = match flavor {
            Flavor::R4 => Syntax::V2,
            Flavor::Dstu2 => Syntax::V1,
        };
        Scopes {
            items: vec![Item::Resource {
                type_name: None,
                perms: Perms {
                    read: true,
                    search: true,
                },
                syntax,
            }],
        }
    }

    /// Whether any resource access was granted.
    pub(crate) fn has_resources(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i, Item::Resource { .. }))
    }

    pub(crate) fn launch_patient(&self) -> bool {
        self.items.contains(&Item::LaunchPatient)
    }

    pub(crate) fn offline_access(&self) -> bool {
        self.items.contains(&Item::OfflineAccess)
    }

    /// Without `offline_access` (client credentials get no refresh token).
    pub(crate) fn without_offline_access(mut self) -> Scopes {
        self.items.retain(|i| *i != Item::OfflineAccess);
        self
    }

    /// Whether reading (`search == false`) or searching `type_name` (this base's name) is
    /// allowed.
    pub(crate) fn allows(&self, type_name: &str, search: bool) -> bool {
        self.items.iter().any(|i| match i {
            Item::Resource {
                type_name: t,
                perms,
                ..
            } => {
                t.as_deref().is_none_or(|t| t == type_name)
                    && if search { perms.search } else { perms.read }
            }
            _ => false,
        })
    }

    /// The scopes of a refresh request that narrows the grant, or `None` when it asks for
    /// anything unknown or not granted (RFC 6749 §6).
    pub(crate) fn narrow(&self, requested: &str, flavor: Flavor) -> Option<Scopes> {
        let mut items = Vec::new();
        for word in requested.split_whitespace() {
            let item = parse(word, flavor)?;
            if !self.covers(&item) {
                return None;
            }
            if !items.contains(&item) {
                items.push(item);
            }
        }
        Some(Scopes { items })
    }

    fn covers(&self, wanted: &Item) -> bool {
        match wanted {
            Item::Resource {
                type_name, perms, ..
            } => self.items.iter().any(|i| match i {
                Item::Resource {
                    type_name: t,
                    perms: p,
                    ..
                } => {
                    (t.is_none() || t == type_name)
                        && (p.read || !perms.read)
                        && (p.search || !perms.search)
                }
                _ => false,
            }),
            other => self.items.contains(other),
        }
    }

    /// The granted scopes as the token response's `scope`.
    pub(crate) fn text(&self) -> String {
        self.items.iter().map(render).collect::<Vec<_>>().join(" ")
    }

    /// One line per scope for the consent page, in words a patient understands.
    pub(crate) fn describe(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|i| match i {
                Item::Resource {
                    type_name: None, ..
                } => "Read all of your health records".to_owned(),
                Item::Resource {
                    type_name: Some(t), ..
                } => format!("Read your {}", label(t)),
                Item::LaunchPatient => "Know which patient record is yours".to_owned(),
                Item::OfflineAccess => {
                    "Keep access when you are not signed in, until you take it back".to_owned()
                }
            })
            .collect()
    }
}

fn fewer_types(flavor: Flavor) -> impl Iterator<Item = &'static str> {
    FEWER_SCOPE_TYPES
        .iter()
        .filter_map(move |t| flavor.name_of(t))
}

fn parse(word: &str, flavor: Flavor) -> Option<Item> {
    match word {
        "launch/patient" => return Some(Item::LaunchPatient),
        "offline_access" => return Some(Item::OfflineAccess),
        _ => {}
    }
    let (type_part, perm_part) = word.strip_prefix("patient/")?.rsplit_once('.')?;
    let type_name = match type_part {
        "*" => None,
        t => Some(flavor.scope_type(t).then(|| t.to_owned())?),
    };
    let (perms, syntax) = match perm_part {
        "read" | "*" => (
            Perms {
                read: true,
                search: true,
            },
            Syntax::V1,
        ),
        v2 if flavor == Flavor::R4 && is_v2(v2) => (
            Perms {
                read: v2.contains('r'),
                search: v2.contains('s'),
            },
            Syntax::V2,
        ),
        _ => return None,
    };
    (perms.read || perms.search).then_some(Item::Resource {
        type_name,
        perms,
        syntax,
    })
}

/// `c?r?u?d?s?` in that order and not empty; a `?query` makes it granular: not supported.
fn is_v2(perms: &str) -> bool {
    let mut rest = perms;
    for letter in ['c', 'r', 'u', 'd', 's'] {
        rest = rest.strip_prefix(letter).unwrap_or(rest);
    }
    !perms.is_empty() && rest.is_empty()
}

fn render(item: &Item) -> String {
    match item {
        Item::Resource {
            type_name,
            perms,
            syntax,
        } => {
            let t = type_name.as_deref().unwrap_or("*");
            let p = match syntax {
                Syntax::V1 => "read".to_owned(),
                Syntax::V2 => format!(
                    "{}{}",
                    if perms.read { "r" } else { "" },
                    if perms.search { "s" } else { "" }
                ),
            };
            format!("patient/{t}.{p}")
        }
        Item::LaunchPatient => "launch/patient".to_owned(),
        Item::OfflineAccess => "offline_access".to_owned(),
    }
}

/// How a type is called on the consent page.
fn label(type_name: &str) -> &'static str {
    match type_name {
        "Patient" => "demographics (name, birth date, contact details)",
        "AllergyIntolerance" => "allergies",
        "CarePlan" => "care plans",
        "CareTeam" => "care teams",
        "Condition" => "conditions and diagnoses",
        "Coverage" => "insurance coverage",
        "DiagnosticReport" => "test and imaging reports",
        "DocumentReference" => "clinical documents and notes",
        "Encounter" => "visits",
        "ExplanationOfBenefit" => "claims and explanations of benefit",
        "FamilyMemberHistory" => "family health history",
        "Immunization" => "immunizations",
        "Medication" => "medications",
        "MedicationRequest" | "MedicationOrder" => "prescriptions",
        "MedicationStatement" => "medication list",
        "Observation" => "test results, vital signs and other observations",
        "Organization" => "care organizations",
        "Practitioner" => "clinicians",
        "Procedure" => "procedures",
        "Goal" => "care goals",
        "Binary" => "attached documents",
        _ => "records",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn known_scopes_are_granted_and_the_rest_dropped() {
        let s = Scopes::grant(
            "openid fhirUser launch/patient patient/*.rs patient/Observation.read \
             user/*.read patient/Observation.rs?category=laboratory offline_access patient/Foo.rs",
            Flavor::R4,
            false,
        );
        assert_eq!(
            s.text(),
            "launch/patient patient/*.rs patient/Observation.read offline_access"
        );
        assert!(s.launch_patient() && s.offline_access());
        assert!(s.allows("Condition", true));
    }

    #[test]
    fn write_permissions_are_never_granted() {
        let s = Scopes::grant(
            "patient/Condition.cruds patient/Encounter.cud",
            Flavor::R4,
            false,
        );
        assert_eq!(s.text(), "patient/Condition.rs");
        assert!(!s.allows("Encounter", false));
        let r = Scopes::grant("patient/Condition.r", Flavor::R4, false);
        assert!(r.allows("Condition", false) && !r.allows("Condition", true));
    }

    #[test]
    fn dstu2_knows_only_v1_and_its_own_type_names() {
        let s = Scopes::grant(
            "patient/*.rs patient/MedicationOrder.read patient/MedicationRequest.read",
            Flavor::Dstu2,
            false,
        );
        assert_eq!(s.text(), "patient/MedicationOrder.read");
        assert!(s.allows("MedicationOrder", true));
        assert!(!s.allows("Observation", true));
    }

    #[test]
    fn fewer_scopes_narrow_the_wildcard_to_a_fixed_set() {
        let s = Scopes::grant(
            "patient/*.rs patient/Procedure.rs offline_access",
            Flavor::R4,
            true,
        );
        assert!(s.allows("Observation", true));
        assert!(!s.allows("Procedure", true));
        assert!(!s.allows("Encounter", false));
        assert!(s.offline_access());
        assert!(s.text().contains("patient/Condition.rs"));
    }

    #[test]
    fn a_refresh_may_narrow_but_not_widen() {
        let s = Scopes::grant(
            "launch/patient patient/Observation.rs offline_access",
            Flavor::R4,
            false,
        );
        let n = s.narrow("patient/Observation.r", Flavor::R4).unwrap();
        assert!(n.allows("Observation", false) && !n.allows("Observation", true));
        assert!(s.narrow("patient/Condition.rs", Flavor::R4).is_none());
        assert!(s.narrow("openid", Flavor::R4).is_none());
        let all = Scopes::grant("patient/*.read", Flavor::R4, false);
        assert!(all.narrow("patient/Condition.rs", Flavor::R4).is_some());
    }
}
