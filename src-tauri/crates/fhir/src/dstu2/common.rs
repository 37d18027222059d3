//! The bookkeeping every DSTU2 → R4 mapping shares: a `Node` that takes each source
//! element out as it is mapped, so whatever is left at the end is reported in a note
//! instead of vanishing, and the whole-resource passes (renamed reference targets, code
//! systems that moved to terminology.hl7.org).

use serde_json::{json, Map, Value};

pub(super) type Obj = Map<String, Value>;

/// One DSTU2 element (a resource or a backbone element) on its way to R4.
pub(super) struct Node {
    path: String,
    src: Obj,
    pub(super) out: Obj,
    pub(super) notes: Vec<String>,
}

impl Node {
    pub(super) fn new(path: impl Into<String>, src: Obj) -> Node {
        Node {
            path: path.into(),
            src,
            out: Obj::new(),
            notes: Vec::new(),
        }
    }

    pub(super) fn path_of(&self, rel: &str) -> String {
        format!("{}.{rel}", self.path)
    }

    pub(super) fn note(&mut self, rel: &str, msg: &str) {
        let line = format!("{}: {msg}", self.path_of(rel));
        self.notes.push(line);
    }

    /// Takes an element out of the source; its `_key` companion (the id and extensions
    /// of a primitive) stays behind unless the caller moves it with [`Node::rename`].
    pub(super) fn take(&mut self, key: &str) -> Option<Value> {
        self.src.remove(key)
    }

    pub(super) fn take_str(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::String(s) => Some(s),
            _ => {
                self.note(key, "not text as DSTU2 defines it; left out");
                None
            }
        }
    }

    pub(super) fn take_bool(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(b) => Some(b),
            _ => {
                self.note(key, "not a boolean; left out");
                None
            }
        }
    }

    pub(super) fn put(&mut self, key: &str, value: Value) {
        self.out.insert(key.to_owned(), value);
    }

    /// Elements whose name and shape are the same in both versions.
    pub(super) fn copy(&mut self, keys: &[&str]) {
        for key in keys {
            self.rename(key, key);
        }
    }

    /// An element that only changed its name (with its primitive extensions).
    pub(super) fn rename(&mut self, from: &str, to: &str) {
        if let Some(v) = self.take(from) {
            self.put(to, v);
        }
        if let Some(v) = self.take(&format!("_{from}")) {
            self.put(&format!("_{to}"), v);
        }
    }

    /// A single DSTU2 element that repeats in R4 (a list is taken as it is).
    pub(super) fn repeat(&mut self, from: &str, to: &str) {
        let items = self.list(from);
        if !items.is_empty() {
            self.put(to, Value::Array(items));
        }
    }

    /// Elements that repeat in R4 under the same name; a single item (which some DSTU2
    /// servers send for a repeating element) becomes a list of one.
    pub(super) fn lists(&mut self, keys: &[&str]) {
        for key in keys {
            self.repeat(key, key);
        }
    }

    /// The element as a list, whether the source had one item or several.
    pub(super) fn list(&mut self, key: &str) -> Vec<Value> {
        match self.take(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items,
            Some(single) => vec![single],
        }
    }

    /// A repeating DSTU2 element that is single in R4: the first item is kept.
    pub(super) fn first_of(&mut self, from: &str, to: &str) {
        let mut items = self.list(from).into_iter();
        if let Some(first) = items.next() {
            self.put(to, first);
        }
        if items.next().is_some() {
            self.note(
                &format!("{from}[1..]"),
                "R4 holds only one; the others were left out",
            );
        }
    }

    /// A DSTU2 string that became an R4 list of Annotations.
    pub(super) fn string_to_notes(&mut self, from: &str, to: &str) {
        if let Some(text) = self.take_str(from) {
            self.put(to, json!([{ "text": text }]));
        }
        self.leave_extension(from);
    }

    /// A code mapped through `map`; codes without an R4 equivalent are noted, not kept.
    pub(super) fn code(&mut self, from: &str, to: &str, map: fn(&str) -> Option<&'static str>) {
        if let Some(code) = self.take_str(from) {
            match map(&code) {
                Some(r4) => self.put(to, Value::String(r4.to_owned())),
                None => self.note(from, "the code has no R4 equivalent; left out"),
            }
        }
        self.leave_extension(from);
    }

    /// A required R4 code the source did not give: the closest code, and a note.
    pub(super) fn require_code(&mut self, key: &str, code: &str, why: &str) {
        if !self.out.contains_key(key) {
            self.put(key, Value::String(code.to_owned()));
            let msg = format!("{why}; R4 requires it, set to '{code}'");
            self.note(key, &msg);
        }
    }

    /// A required R4 element with no source value: present, marked as unknown.
    pub(super) fn require_absent(&mut self, key: &str, primitive: bool) {
        let taken = self.out.contains_key(key) || self.out.contains_key(&format!("_{key}"));
        if taken {
            return;
        }
        if primitive {
            self.put(&format!("_{key}"), absent());
        } else {
            self.put(key, absent());
        }
        self.note(
            key,
            "none in the source; R4 requires it, marked with data-absent-reason 'unknown'",
        );
    }

    /// Each item of a list element, mapped by `f` as a child node.
    pub(super) fn each(&mut self, from: &str, to: &str, mut f: impl FnMut(&mut Node)) {
        let mut out = Vec::new();
        for (i, item) in self.list(from).into_iter().enumerate() {
            let path = format!("{}.{from}[{i}]", self.path);
            match item {
                Value::Object(obj) => {
                    let mut child = Node::new(path, obj);
                    f(&mut child);
                    out.push(Value::Object(child.finish(&mut self.notes)));
                }
                _ => self.notes.push(format!("{path}: not an element; left out")),
            }
        }
        if !out.is_empty() {
            self.put(to, Value::Array(out));
        }
    }

    /// A single backbone element mapped by `f`; `None` when absent or empty.
    pub(super) fn child(&mut self, from: &str, f: impl FnOnce(&mut Node)) -> Option<Obj> {
        let path = self.path_of(from);
        match self.take(from)? {
            Value::Object(obj) => {
                let mut child = Node::new(path, obj);
                f(&mut child);
                let out = child.finish(&mut self.notes);
                (!out.is_empty()).then_some(out)
            }
            _ => {
                self.notes.push(format!("{path}: not an element; left out"));
                None
            }
        }
    }

    /// Drops `_key` (a primitive's extensions) when the primitive itself changed shape,
    /// with a note, since its extensions cannot follow it.
    fn leave_extension(&mut self, key: &str) {
        let ext = format!("_{key}");
        if self.take(&ext).is_some() {
            self.note(&ext, "extensions on a changed element; left out");
        }
    }

    /// The R4 element, with a note for every source element nothing mapped.
    pub(super) fn finish(self, notes: &mut Vec<String>) -> Obj {
        notes.extend(self.notes);
        for key in self.src.keys() {
            notes.push(format!(
                "{}.{key}: no R4 element for it; left out (the DSTU2 original keeps it)",
                self.path
            ));
        }
        self.out
    }
}

/// The data-absent-reason marker for a required element the source lacks.
pub(super) fn absent() -> Value {
    json!({"extension": [{
        "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
        "valueCode": "unknown"
    }]})
}

/// A CodeableConcept with one coding.
pub(super) fn concept(system: &str, code: &str, display: &str) -> Value {
    json!({"coding": [{"system": system, "code": code, "display": display}]})
}

/// The first coding's code of a CodeableConcept (or of a Coding).
pub(super) fn code_of(v: &Value) -> Option<&str> {
    if let Some(code) = v.get("code").and_then(Value::as_str) {
        return Some(code);
    }
    v.get("coding")?
        .as_array()?
        .iter()
        .find_map(|c| c.get("code").and_then(Value::as_str))
}

/// DSTU2 types whose R4 successor has another name, for references.
fn renamed_type(t: &str) -> Option<&'static str> {
    match t {
        "MedicationOrder" => Some("MedicationRequest"),
        "DiagnosticOrder" | "ProcedureRequest" | "ReferralRequest" => Some("ServiceRequest"),
        "DeviceUseRequest" => Some("DeviceRequest"),
        _ => None,
    }
}

/// `MedicationOrder/x` (relative or absolute) as `MedicationRequest/x`; `urn:` and
/// contained (`#x`) references stay as they are.
pub(super) fn rewrite_reference(reference: &str) -> Option<String> {
    if reference.starts_with("urn:") || reference.starts_with('#') {
        return None;
    }
    let mut parts: Vec<&str> = reference.split('/').collect();
    let mut changed = false;
    for i in 0..parts.len().saturating_sub(1) {
        if let Some(r4) = renamed_type(parts[i]) {
            parts[i] = r4;
            changed = true;
        }
    }
    changed.then(|| parts.join("/"))
}

/// HL7 code systems whose canonical URL moved between DSTU2 and R4.
pub(super) fn rewrite_system(system: &str) -> Option<String> {
    const TERMINOLOGY: &str = "http://terminology.hl7.org/CodeSystem/";
    if let Some(table) = system.strip_prefix("http://hl7.org/fhir/v2/") {
        return Some(format!("{TERMINOLOGY}v2-{table}"));
    }
    if let Some(name) = system.strip_prefix("http://hl7.org/fhir/v3/") {
        return Some(format!("{TERMINOLOGY}v3-{name}"));
    }
    let moved = [
        "observation-category",
        "condition-category",
        "organization-type",
        "contactentity-type",
        "location-physical-type",
    ];
    let name = system.strip_prefix("http://hl7.org/fhir/")?;
    moved
        .contains(&name)
        .then(|| format!("{TERMINOLOGY}{name}"))
}

/// The passes that apply to the whole R4 tree: reference targets and code systems.
pub(super) fn rewrite_tree(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            for (key, item) in obj.iter_mut() {
                match (key.as_str(), item) {
                    ("reference", Value::String(s)) => {
                        if let Some(r) = rewrite_reference(s) {
                            *s = r;
                        }
                    }
                    ("system", Value::String(s)) => {
                        if let Some(r) = rewrite_system(s) {
                            *s = r;
                        }
                    }
                    // Contained resources were converted on their own.
                    ("contained" | "div", _) => {}
                    (_, other) => rewrite_tree(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_tree),
        _ => {}
    }
}

pub(super) fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}
