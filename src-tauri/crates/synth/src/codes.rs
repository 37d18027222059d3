//! Code tables: the LOINC, SNOMED CT, RxNorm, CVX and UCUM codes that real US and
//! European records are made of, so that code-based features (grouping, charts,
//! reference ranges) see what they would see in the field.

pub(crate) const LOINC: &str = "http://loinc.org";
pub(crate) const SNOMED: &str = "http://snomed.info/sct";
pub(crate) const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
pub(crate) const CVX: &str = "http://hl7.org/fhir/sid/cvx";
pub(crate) const ICD10: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub(crate) const UCUM: &str = "http://unitsofmeasure.org";
pub(crate) const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
pub(crate) const INTERPRETATION: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

/// A code and its display.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Code {
    pub code: &'static str,
    pub display: &'static str,
}

const fn c(code: &'static str, display: &'static str) -> Code {
    Code { code, display }
}

/// A numeric measurement: LOINC code, UCUM unit, the range values are drawn from
/// and the decimals they are reported with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Measure {
    pub loinc: Code,
    pub unit: &'static str,
    pub ucum: &'static str,
    pub lo: f64,
    pub hi: f64,
    pub places: usize,
    /// The normal range, for labs' referenceRange and interpretation.
    pub normal: Option<(f64, f64)>,
}

// One table row per call; naming the fields would make the tables unreadable.
#[allow(clippy::too_many_arguments)]
const fn m(
    code: &'static str,
    display: &'static str,
    unit: &'static str,
    ucum: &'static str,
    lo: f64,
    hi: f64,
    places: usize,
    normal: Option<(f64, f64)>,
) -> Measure {
    Measure {
        loinc: c(code, display),
        unit,
        ucum,
        lo,
        hi,
        places,
        normal,
    }
}

pub(crate) const VITALS: &[Measure] = &[
    m(
        "8867-4",
        "Heart rate",
        "beats/minute",
        "/min",
        48.0,
        118.0,
        0,
        None,
    ),
    m(
        "8480-6",
        "Systolic blood pressure",
        "mmHg",
        "mm[Hg]",
        96.0,
        168.0,
        0,
        None,
    ),
    m(
        "8462-4",
        "Diastolic blood pressure",
        "mmHg",
        "mm[Hg]",
        58.0,
        102.0,
        0,
        None,
    ),
    m("29463-7", "Body weight", "kg", "kg", 48.0, 128.0, 1, None),
    m("8302-2", "Body height", "cm", "cm", 150.0, 196.0, 1, None),
    m(
        "39156-5",
        "Body mass index (BMI) [Ratio]",
        "kg/m2",
        "kg/m2",
        18.0,
        38.0,
        1,
        None,
    ),
    m(
        "8310-5",
        "Body temperature",
        "°C",
        "Cel",
        36.1,
        38.9,
        1,
        None,
    ),
    m(
        "9279-1",
        "Respiratory rate",
        "breaths/minute",
        "/min",
        11.0,
        24.0,
        0,
        None,
    ),
    m(
        "59408-5",
        "Oxygen saturation in Arterial blood by Pulse oximetry",
        "%",
        "%",
        89.0,
        100.0,
        0,
        None,
    ),
    m(
        "8287-5",
        "Head Occipital-frontal circumference by Tape measure",
        "cm",
        "cm",
        33.0,
        58.0,
        1,
        None,
    ),
    m(
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        "{score}",
        "{score}",
        0.0,
        10.0,
        0,
        None,
    ),
];

pub(crate) const BP_PANEL: Code = c("85354-9", "Blood pressure panel with all children optional");

pub(crate) const LABS: &[Measure] = &[
    m(
        "4548-4",
        "Hemoglobin A1c/Hemoglobin.total in Blood",
        "%",
        "%",
        4.6,
        10.5,
        1,
        Some((4.0, 5.6)),
    ),
    m(
        "2345-7",
        "Glucose [Mass/volume] in Serum or Plasma",
        "mg/dL",
        "mg/dL",
        62.0,
        240.0,
        0,
        Some((70.0, 99.0)),
    ),
    m(
        "718-7",
        "Hemoglobin [Mass/volume] in Blood",
        "g/dL",
        "g/dL",
        9.5,
        18.0,
        1,
        Some((12.0, 17.5)),
    ),
    m(
        "2093-3",
        "Cholesterol [Mass/volume] in Serum or Plasma",
        "mg/dL",
        "mg/dL",
        130.0,
        290.0,
        0,
        Some((0.0, 200.0)),
    ),
    m(
        "2571-8",
        "Triglyceride [Mass/volume] in Serum or Plasma",
        "mg/dL",
        "mg/dL",
        50.0,
        400.0,
        0,
        Some((0.0, 150.0)),
    ),
    m(
        "2085-9",
        "Cholesterol in HDL [Mass/volume] in Serum or Plasma",
        "mg/dL",
        "mg/dL",
        28.0,
        90.0,
        0,
        Some((40.0, 100.0)),
    ),
    m(
        "18262-6",
        "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay",
        "mg/dL",
        "mg/dL",
        60.0,
        210.0,
        0,
        Some((0.0, 130.0)),
    ),
    m(
        "2160-0",
        "Creatinine [Mass/volume] in Serum or Plasma",
        "mg/dL",
        "mg/dL",
        0.5,
        2.4,
        2,
        Some((0.6, 1.3)),
    ),
    m(
        "6690-2",
        "Leukocytes [#/volume] in Blood by Automated count",
        "10*3/uL",
        "10*3/uL",
        3.0,
        15.0,
        1,
        Some((4.5, 11.0)),
    ),
    m(
        "777-3",
        "Platelets [#/volume] in Blood by Automated count",
        "10*3/uL",
        "10*3/uL",
        110.0,
        450.0,
        0,
        Some((150.0, 400.0)),
    ),
    m(
        "2951-2",
        "Sodium [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        130.0,
        149.0,
        0,
        Some((135.0, 145.0)),
    ),
    m(
        "2823-3",
        "Potassium [Moles/volume] in Serum or Plasma",
        "mmol/L",
        "mmol/L",
        3.1,
        5.6,
        1,
        Some((3.5, 5.1)),
    ),
    m(
        "1742-6",
        "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        "U/L",
        "U/L",
        8.0,
        95.0,
        0,
        Some((7.0, 56.0)),
    ),
    m(
        "3016-3",
        "Thyrotropin [Units/volume] in Serum or Plasma",
        "mIU/L",
        "m[IU]/L",
        0.1,
        7.5,
        2,
        Some((0.4, 4.0)),
    ),
    m(
        "2947-0",
        "Sodium [Moles/volume] in Blood",
        "mmol/L",
        "mmol/L",
        131.0,
        147.0,
        0,
        Some((135.0, 145.0)),
    ),
    m(
        "1920-8",
        "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        "U/L",
        "U/L",
        9.0,
        80.0,
        0,
        Some((10.0, 40.0)),
    ),
];

/// Labs reported as a coded result, with their possible answers.
pub(crate) const CODED_LABS: &[(Code, &[Code])] = &[
    (
        c("94500-6", "SARS-CoV-2 (COVID-19) RNA [Presence] in Respiratory system specimen by NAA with probe detection"),
        &[c("260415000", "Not detected"), c("260373001", "Detected")],
    ),
    (
        c("5778-6", "Color of Urine"),
        &[c("371244009", "Yellow color"), c("371251000", "Amber color"), c("263716002", "Red color")],
    ),
    (
        c("5797-6", "Ketones [Presence] in Urine by Test strip"),
        &[c("260385009", "Negative"), c("10828004", "Positive")],
    ),
];

/// Labs reported as free text, the way results like ">60" or "see comment" come.
pub(crate) const TEXT_LABS: &[(Code, &[&str])] = &[
    (c("33914-3", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (MDRD)"), &[">60", "59", "45 (reduced)", "see comment"]),
    (c("5767-9", "Appearance of Urine"), &["Clear", "Slightly cloudy", "Trübe", "Cloudy — see microscopy"]),
    (c("600-7", "Bacteria identified in Blood by Culture"), &["No growth at 5 days", "Staphylococcus aureus (MRSA) — critical value called to Dr. Ødegård", "Contaminant, repeat"]),
];

/// Social history and survey observations.
pub(crate) const SMOKING: Code = c("72166-2", "Tobacco smoking status");
pub(crate) const SMOKING_ANSWERS: &[Code] = &[
    c("266919005", "Never smoker"),
    c("8517006", "Ex-smoker"),
    c("449868002", "Smokes tobacco daily"),
    c("428041000124106", "Occasional tobacco smoker"),
];
pub(crate) const ALCOHOL: Code = c("74013-4", "Alcoholic drinks per day");
pub(crate) const ALCOHOL_TEXT: Code = c("11331-6", "History of Alcohol use");
pub(crate) const SEXUAL_ORIENTATION: Code = c("76690-7", "Sexual orientation");
pub(crate) const PHQ2: Code = c(
    "55758-7",
    "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]",
);
pub(crate) const GAD7: Code = c(
    "70274-6",
    "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
);

pub(crate) const PANELS: &[Code] = &[
    c(
        "24323-8",
        "Comprehensive metabolic 2000 panel - Serum or Plasma",
    ),
    c("58410-2", "CBC panel - Blood by Automated count"),
    c("57698-3", "Lipid panel with direct LDL - Serum or Plasma"),
    c("51990-0", "Basic metabolic panel - Blood"),
    c("24357-6", "Urinalysis macro (dipstick) panel - Urine"),
];
pub(crate) const IMAGING: &[Code] = &[
    c("36643-5", "XR Chest 2 Views"),
    c("24627-2", "CT Chest"),
    c("24558-9", "US Abdomen"),
    c("24590-2", "MR Brain"),
    c("42272-5", "EKG study"),
];

pub(crate) const CONDITIONS: &[(Code, Option<&str>)] = &[
    (c("44054006", "Diabetes mellitus type 2"), Some("E11.9")),
    (c("59621000", "Essential hypertension"), Some("I10")),
    (c("195967001", "Asthma"), Some("J45.909")),
    (c("55822004", "Hyperlipidemia"), Some("E78.5")),
    (c("40055000", "Chronic sinusitis"), Some("J32.9")),
    (c("10509002", "Acute bronchitis"), Some("J20.9")),
    (c("444814009", "Viral sinusitis"), Some("J01.90")),
    (c("271737000", "Anemia"), Some("D64.9")),
    (
        c("162864005", "Body mass index 30+ - obesity"),
        Some("E66.9"),
    ),
    (c("35489007", "Depressive disorder"), Some("F32.A")),
    (c("197480006", "Anxiety disorder"), Some("F41.9")),
    (c("239873007", "Osteoarthritis of knee"), Some("M17.9")),
    (c("65363002", "Otitis media"), None),
    (c("43878008", "Streptococcal sore throat"), Some("J02.0")),
    (c("233604007", "Pneumonia"), Some("J18.9")),
    (c("15777000", "Prediabetes"), Some("R73.03")),
    (c("73430006", "Sleep apnea"), Some("G47.30")),
    (c("49436004", "Atrial fibrillation"), Some("I48.91")),
    (c("840539006", "COVID-19"), Some("U07.1")),
    (c("38822007", "Cystitis"), None),
];

pub(crate) const PROCEDURES: &[Code] = &[
    c("73761001", "Colonoscopy"),
    c("80146002", "Appendectomy"),
    c("430193006", "Medication reconciliation (procedure)"),
    c(
        "710824005",
        "Assessment of health and social care needs (procedure)",
    ),
    c("171207006", "Depression screening (procedure)"),
    c("76601001", "Intramuscular injection"),
    c("387685009", "Excision of lesion of skin"),
    c("232717009", "Coronary artery bypass grafting"),
    c("274474001", "Bone immobilization"),
    c("71651007", "Mammography (procedure)"),
    c("117015009", "Throat culture (procedure)"),
    c("415070008", "Percutaneous coronary intervention"),
    c("22523008", "Vasectomy"),
    c("18286008", "Catheter ablation of tissue of heart"),
];

pub(crate) const MEDICATIONS: &[Code] = &[
    c("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"),
    c("314076", "lisinopril 10 MG Oral Tablet"),
    c("197361", "amLODIPine 5 MG Oral Tablet"),
    c("259255", "atorvastatin 80 MG Oral Tablet"),
    c("308182", "Amoxicillin 250 MG Oral Capsule"),
    c("313782", "Acetaminophen 325 MG Oral Tablet"),
    c("895994", "120 ACTUAT Fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler"),
    c("745679", "200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"),
    c("310798", "Hydrochlorothiazide 25 MG Oral Tablet"),
    c("849574", "Naproxen sodium 220 MG Oral Tablet"),
    c("312961", "Simvastatin 20 MG Oral Tablet"),
    c("1049221", "Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet"),
    c("966222", "Levothyroxine Sodium 0.075 MG Oral Tablet"),
    c("106892", "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension [Humulin]"),
    c("309362", "Clopidogrel 75 MG Oral Tablet"),
    c("855332", "Warfarin Sodium 5 MG Oral Tablet"),
];

pub(crate) const VACCINES: &[Code] = &[
    c("140", "Influenza, seasonal, injectable, preservative free"),
    c("08", "Hep B, adolescent or pediatric"),
    c("113", "Td (adult) preservative free"),
    c("115", "Tdap"),
    c("133", "Pneumococcal conjugate PCV 13"),
    c("62", "HPV, quadrivalent"),
    c("208", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose"),
    c("207", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 100 mcg/0.5mL dose"),
    c("187", "zoster vaccine recombinant"),
    c("03", "MMR"),
    c("21", "varicella"),
    c("52", "Hep A, adult"),
];

pub(crate) const ALLERGENS: &[(Code, &str)] = &[
    (c("91936005", "Allergy to penicillin"), "medication"),
    (c("294505008", "Allergy to amoxicillin"), "medication"),
    (c("300913006", "Shellfish allergy"), "food"),
    (c("91935009", "Allergy to peanuts"), "food"),
    (c("232347008", "Dander (animal) allergy"), "environment"),
    (c("418689008", "Allergy to grass pollen"), "environment"),
    (c("419474003", "Allergy to mould"), "environment"),
    (c("300916003", "Latex allergy"), "environment"),
    (c("716186003", "No known allergy"), "medication"),
];

pub(crate) const REACTIONS: &[Code] = &[
    c("247472004", "Wheal (finding)"),
    c("39579001", "Anaphylaxis"),
    c("271807003", "Eruption of skin (disorder)"),
    c("49727002", "Cough (finding)"),
    c("267036007", "Dyspnea (finding)"),
    c("21626009", "Cutaneous hypersensitivity"),
];

pub(crate) const ENCOUNTER_TYPES: &[Code] = &[
    c("185349003", "Encounter for check up (procedure)"),
    c("185345009", "Encounter for symptom (procedure)"),
    c("162673000", "General examination of patient (procedure)"),
    c("50849002", "Emergency room admission (procedure)"),
    c("390906007", "Follow-up encounter (procedure)"),
    c("439740005", "Postoperative follow-up visit (procedure)"),
    c("410620009", "Well child visit (procedure)"),
    c("185347001", "Encounter for problem (procedure)"),
];

pub(crate) const DOCUMENT_TYPES: &[Code] = &[
    c("34117-2", "History and physical note"),
    c("11506-3", "Progress note"),
    c("18842-5", "Discharge summary"),
    c("34133-9", "Summary of episode note"),
    c("11488-4", "Consult note"),
    c("57133-1", "Referral note"),
    c("60591-5", "Patient summary Document"),
    c("51845-6", "Outpatient Consult note"),
];

pub(crate) const CARE_PLANS: &[(Code, &[Code])] = &[
    (
        c("698360004", "Diabetes self management plan"),
        &[
            c("160670007", "Diabetic diet"),
            c("229065009", "Exercise therapy"),
        ],
    ),
    (
        c(
            "443402002",
            "Lifestyle education regarding hypertension (procedure)",
        ),
        &[
            c("386463000", "Prescribed activity/exercise education"),
            c("413473000", "Counseling about alcohol consumption"),
        ],
    ),
    (
        c("734163000", "Care plan (record artifact)"),
        &[
            c("409002", "Food allergy diet"),
            c("58332002", "Allergy education"),
        ],
    ),
    (
        c("736690008", "Dementia care plan (record artifact)"),
        &[
            c("850261000000100", "Education about dementia"),
            c("304541006", "Recommendation to exercise"),
        ],
    ),
    (
        c("91251008", "Physical therapy procedure"),
        &[
            c("229070002", "Stretching exercises"),
            c("183301007", "Physical exercises"),
        ],
    ),
];

pub(crate) const CLAIM_ITEMS: &[(Code, f64)] = &[
    (c("185349003", "Encounter for check up (procedure)"), 136.8),
    (
        c("430193006", "Medication reconciliation (procedure)"),
        508.9,
    ),
    (c("73761001", "Colonoscopy"), 1_978.3),
    (c("71651007", "Mammography (procedure)"), 312.4),
    (c("36643-5", "XR Chest 2 Views"), 287.0),
    (
        c("50849002", "Emergency room admission (procedure)"),
        2_450.0,
    ),
    (
        c("140", "Influenza, seasonal, injectable, preservative free"),
        140.5,
    ),
];

pub(crate) const RELATIVES: &[(Code, Option<&str>)] = &[
    (c("FTH", "father"), Some("male")),
    (c("MTH", "mother"), Some("female")),
    (c("BRO", "brother"), Some("male")),
    (c("SIS", "sister"), Some("female")),
    (c("GRFTH", "grandfather"), Some("male")),
    (c("GRMTH", "grandmother"), Some("female")),
    (c("SIB", "sibling"), None),
    (c("CHILD", "child"), None),
];
