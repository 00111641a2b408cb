//! "Did you mean": the known word nearest to a misspelt one, by edit distance. Used for
//! broken links (a page path, an id) and unknown front matter keys.

/// The candidate closest to `word`, if it is close enough to be a likely typo: at most a
/// quarter of the word's length in edits (and at least one).
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    let limit = (length / 4).max(1);
    // A site with many broken links has thousands of pages to compare each with: most
    // are ruled out by length alone, the rest as soon as their distance passes the limit.
    candidates
        .filter(|c| *c != word && c.len().abs_diff(word.len()) <= limit * 4)
        .filter_map(|c| Some((edit_distance_within(word, c, limit)?, c)))
        .min()
        .map(|(_, c)| c)
}

/// [`edit_distance`] when it is at most `limit`, else `None` (found without finishing
/// the table once every way through it is longer than the limit).
fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    if a.chars().count().abs_diff(b.len()) > limit {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
        if row.iter().min().is_some_and(|&m| m > limit) {
            return None;
        }
    }
    Some(row[b.len()]).filter(|&d| d <= limit)
}

/// Levenshtein distance, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    edit_distance_within(a, b, usize::MAX).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_only() {
        let words = ["title", "date", "tags"];
        assert_eq!(nearest("tittle", words.into_iter()), Some("title"));
        assert_eq!(nearest("tag", words.into_iter()), Some("tags"));
        assert_eq!(nearest("subtitle", words.into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
