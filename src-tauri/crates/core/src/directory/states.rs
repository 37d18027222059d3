//! US states and territories, so a search for "WI" or "Wisconsin" finds an
//! address published either way.

const STATES: &[(&str, &str)] = &[
    ("al", "alabama"),
    ("ak", "alaska"),
    ("az", "arizona"),
    ("ar", "arkansas"),
    ("ca", "california"),
    ("co", "colorado"),
    ("ct", "connecticut"),
    ("de", "delaware"),
    ("dc", "district of columbia"),
    ("fl", "florida"),
    ("ga", "georgia"),
    ("hi", "hawaii"),
    ("id", "idaho"),
    ("il", "illinois"),
    ("in", "indiana"),
    ("ia", "iowa"),
    ("ks", "kansas"),
    ("ky", "kentucky"),
    ("la", "louisiana"),
    ("me", "maine"),
    ("md", "maryland"),
    ("ma", "massachusetts"),
    ("mi", "michigan"),
    ("mn", "minnesota"),
    ("ms", "mississippi"),
    ("mo", "missouri"),
    ("mt", "montana"),
    ("ne", "nebraska"),
    ("nv", "nevada"),
    ("nh", "new hampshire"),
    ("nj", "new jersey"),
    ("nm", "new mexico"),
    ("ny", "new york"),
    ("nc", "north carolina"),
    ("nd", "north dakota"),
    ("oh", "ohio"),
    ("ok", "oklahoma"),
    ("or", "oregon"),
    ("pa", "pennsylvania"),
    ("ri", "rhode island"),
    ("sc", "south carolina"),
    ("sd", "south dakota"),
    ("tn", "tennessee"),
    ("tx", "texas"),
    ("ut", "utah"),
    ("vt", "vermont"),
    ("va", "virginia"),
    ("wa", "washington"),
    ("wv", "west virginia"),
    ("wi", "wisconsin"),
    ("wy", "wyoming"),
    ("as", "american samoa"),
    ("gu", "guam"),
    ("mp", "northern mariana islands"),
    ("pr", "puerto rico"),
    ("vi", "virgin islands"),
];

/// The code and the name of a state given either way (already folded), or `None`.
pub fn lookup(folded: &str) -> Option<(&'static str, &'static str)> {
    STATES
        .iter()
        .find(|(code, name)| *code == folded || *name == folded)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_way() {
        assert_eq!(lookup("wi"), Some(("wi", "wisconsin")));
        assert_eq!(lookup("new york"), Some(("ny", "new york")));
        assert_eq!(lookup("bavaria"), None);
    }
}
