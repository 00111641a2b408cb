//! Which Snowball stemmer a site's words go through (`language`'s primary subtag), so
//! that a search for "running" finds "runs": the index keys its postings by stem, and
//! `search.js` stems what a reader types with the same algorithm where it has it
//! (English), and otherwise matches the words each stem was made from.

use rust_stemmers::{Algorithm, Stemmer};
use std::borrow::Cow;

/// The stemmer for a site written in `language` (`en`, `en-GB`, `pt_BR`…), if Snowball
/// has one for it; without one, words are indexed as they are.
pub fn algorithm(language: &str) -> Option<Algorithm> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match primary.as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// The algorithm's name as `index.json` gives it to `search.js` (Snowball's own names).
pub fn name(algorithm: Algorithm) -> String {
    format!("{algorithm:?}").to_ascii_lowercase()
}

/// Stems terms with one algorithm, or leaves them as they are.
pub struct Stems(Option<Stemmer>);

impl Stems {
    pub fn new(algorithm: Option<Algorithm>) -> Stems {
        Stems(algorithm.map(Stemmer::create))
    }

    /// The stem of a lowercase term; never empty (a term a stemmer would take whole
    /// stays as it is).
    pub fn of<'t>(&self, term: &'t str) -> Cow<'t, str> {
        match &self.0 {
            Some(stemmer) => match stemmer.stem(term) {
                stem if stem.is_empty() => Cow::Borrowed(term),
                stem => stem,
            },
            None => Cow::Borrowed(term),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_pick_their_stemmer() {
        assert_eq!(algorithm("en"), Some(Algorithm::English));
        assert_eq!(algorithm("en-GB"), Some(Algorithm::English));
        assert_eq!(algorithm("pt_BR"), Some(Algorithm::Portuguese));
        assert_eq!(algorithm("ja"), None);
        assert_eq!(name(Algorithm::English), "english");
    }

    #[test]
    fn english_words_share_a_stem() {
        let stems = Stems::new(algorithm("en"));
        for word in ["run", "runs", "running"] {
            assert_eq!(stems.of(word), "run", "{word}");
        }
        assert_eq!(stems.of("lighthouses"), stems.of("lighthouse"));
        let none = Stems::new(algorithm("ja"));
        assert_eq!(none.of("running"), "running");
    }
}
