//! People, places and institutions. The pools are deliberately international:
//! real records carry diacritics, apostrophes, particles, CJK, Cyrillic, Greek and
//! right-to-left scripts, and every one of them has broken some importer or UI.

use rand::Rng;

use crate::random::{chance, one, pick, R};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Female,
    Male,
    Other,
    Unknown,
}

impl Gender {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
            Gender::Unknown => "unknown",
        }
    }
}

const FEMALE_GIVEN: &[&str] = &[
    "Zoë",
    "Amélie",
    "Siobhán",
    "Maria",
    "Jennifer",
    "Aisha",
    "Fatima",
    "Mei",
    "Yuki",
    "Ingrid",
    "Chloé",
    "Łucja",
    "Noa",
    "Renée",
    "Ana-Sofía",
    "Dagný",
    "Priya",
    "Ольга",
    "فاطمة",
    "נועה",
    "美咲",
    "Zuzanna",
    "Ngozi",
    "Mary Ellen",
    "Jo",
    "Anne-Marie",
    "Eleanor",
    "Linh",
    "Þórdís",
];
const MALE_GIVEN: &[&str] = &[
    "Øyvind",
    "José",
    "François",
    "Jürgen",
    "Mohammed",
    "Wei",
    "Дмитрий",
    "Ólafur",
    "Kwame",
    "Αλέξανδρος",
    "Søren",
    "Björn",
    "Ahmet",
    "James",
    "Robert",
    "Michael",
    "David",
    "Juan Carlos",
    "Hiroshi",
    "محمد",
    "דוד",
    "Tomás",
    "Raj",
    "Li",
    "D'Andre",
    "Jean-Luc",
    "Oğuz",
    "Nguyễn Văn",
];
const FAMILY: &[&str] = &[
    "Ñúñez",
    "Müller",
    "O'Brien",
    "Smith-Jones",
    "van der Berg",
    "de la Cruz",
    "Ødegård",
    "Nguyễn",
    "Kowalczyk",
    "Şahin",
    "李",
    "王",
    "Ivanov",
    "Иванова",
    "Papadopoulos",
    "Παπαδόπουλος",
    "García Márquez",
    "Okonkwo",
    "Tanaka",
    "田中",
    "Haddad",
    "حداد",
    "כהן",
    "Cohen",
    "Johnson",
    "Williams",
    "Brown",
    "MacDonald",
    "St. John",
    "Björklund",
    "Æbelø",
    "Dvořák",
    "Nowak",
];
const PRACTITIONER_SUFFIX: &[&str] = &["MD", "DO", "NP", "PA-C", "RN", "MBBS", "Dr. med."];

/// A human name as FHIR's HumanName holds it.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub gender: Gender,
    pub prefix: Option<&'static str>,
    pub given: Vec<&'static str>,
    pub family: &'static str,
    pub suffix: Option<&'static str>,
}

impl Person {
    pub(crate) fn random(r: &mut R) -> Person {
        let gender = match r.gen_range(0..100u8) {
            0..=47 => Gender::Female,
            48..=95 => Gender::Male,
            96..=98 => Gender::Other,
            _ => Gender::Unknown,
        };
        let pool = match gender {
            Gender::Female => FEMALE_GIVEN,
            Gender::Male => MALE_GIVEN,
            _ if chance(r, 0.5) => FEMALE_GIVEN,
            _ => MALE_GIVEN,
        };
        let mut given = vec![*pick(r, pool)];
        if chance(r, 0.3) {
            given.push(*pick(r, pool));
        }
        let prefix = chance(r, 0.3).then(|| *pick(r, &["Mr.", "Ms.", "Mrs.", "Mx.", "Prof."]));
        Person {
            gender,
            prefix,
            given,
            family: one(r, FAMILY),
            suffix: None,
        }
    }

    pub(crate) fn clinician(r: &mut R) -> Person {
        let mut p = Person::random(r);
        p.prefix = Some("Dr.");
        p.suffix = Some(*pick(r, PRACTITIONER_SUFFIX));
        p
    }

    /// "Given Given Family", the way a display string shows a name.
    pub(crate) fn full(&self) -> String {
        self.full_with(self.family)
    }

    pub(crate) fn full_with(&self, family: &str) -> String {
        let mut s = self.given.join(" ");
        s.push(' ');
        s.push_str(family);
        s
    }
}

/// A postal address. Some countries have no state; some lines are in
/// right-to-left scripts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub line: &'static str,
    pub city: &'static str,
    pub state: Option<&'static str>,
    pub postal: &'static str,
    pub country: &'static str,
    /// Minutes east of UTC, for the dateTimes recorded there.
    pub offset_min: i32,
}

const fn place(
    line: &'static str,
    city: &'static str,
    state: Option<&'static str>,
    postal: &'static str,
    country: &'static str,
    offset_min: i32,
) -> Place {
    Place {
        line,
        city,
        state,
        postal,
        country,
        offset_min,
    }
}

pub(crate) const PLACES: &[Place] = &[
    place(
        "742 Evergreen Terrace",
        "Springfield",
        Some("MA"),
        "01103",
        "US",
        -300,
    ),
    place(
        "12 Main St Apt #4B",
        "Boston",
        Some("MA"),
        "02118",
        "US",
        -300,
    ),
    place("PO Box 1234", "Española", Some("NM"), "87532", "US", -420),
    place("88 Cañon Rd", "Cañon City", Some("CO"), "81212", "US", -420),
    place(
        "1500 Pike Pl Unit 3",
        "Seattle",
        Some("WA"),
        "98101",
        "US",
        -480,
    ),
    place(
        "901 Congress Ave",
        "Austin",
        Some("TX"),
        "78701",
        "US",
        -360,
    ),
    place("Hauptstraße 5", "Zürich", None, "8001", "CH", 60),
    place("Storgata 12", "Tromsø", None, "9008", "NO", 60),
    place(
        "3 rue de l'Église",
        "Saint-Étienne",
        None,
        "42000",
        "FR",
        60,
    ),
    place("ul. Łąkowa 7 m. 2", "Łódź", None, "90-562", "PL", 60),
    place("شارع الملك فهد 221", "الرياض", None, "12271", "SA", 180),
    place("רחוב הרצל 10", "תל אביב-יפו", None, "6329302", "IL", 120),
    place(
        "千代田1-1",
        "千代田区",
        Some("東京都"),
        "100-0001",
        "JP",
        540,
    ),
    place(
        "Rua Augusta 274",
        "São Paulo",
        Some("SP"),
        "01304-000",
        "BR",
        -180,
    ),
    place("14 MG Road", "Bengaluru", Some("KA"), "560001", "IN", 330),
];

pub(crate) const ORGANIZATIONS: &[&str] = &[
    "Sunnyvale Family Practice",
    "Hôpital Saint-Éloi",
    "Universitätsspital Zürich",
    "St. Mary's Medical Center",
    "مستشفى الملك فيصل التخصصي",
    "הדסה עין כרם",
    "Mercy Hospital & Clinics",
    "Nordlandssykehuset Bodø",
    "北京协和医院",
    "Clínica Santa María",
    "Community Health <Partners>",
    "Greater Boston Urgent Care, LLC",
    "Laboratoire d'analyses médicales Ørsted",
];

pub(crate) const INSURERS: &[&str] = &[
    "Blue Cross Blue Shield",
    "Aetna",
    "Medicare",
    "Medicaid",
    "UnitedHealthcare",
    "Humana",
    "Cigna Health & Life",
    "Kaiser Permanente",
    "Techniker Krankenkasse",
    "Mutuelle Générale de l'Éducation",
];

/// A first-name-based e-mail address, ASCII-folded the way portals do it.
pub(crate) fn email(p: &Person, salt: u32) -> String {
    let fold = |s: &str| -> String {
        s.chars()
            .filter_map(|c| match c {
                'a'..='z' | '0'..='9' => Some(c),
                'A'..='Z' => Some(c.to_ascii_lowercase()),
                'à'..='å' | 'À'..='Å' => Some('a'),
                'è'..='ë' | 'È'..='Ë' => Some('e'),
                'ì'..='ï' => Some('i'),
                'ò'..='ö' | 'ø' | 'Ø' | 'Ó' => Some('o'),
                'ù'..='ü' => Some('u'),
                'ñ' | 'Ñ' => Some('n'),
                _ => None,
            })
            .collect()
    };
    let given = fold(p.given.first().copied().unwrap_or("patient"));
    let given = if given.is_empty() {
        "patient".to_owned()
    } else {
        given
    };
    format!("{given}.{salt}@example.org")
}
