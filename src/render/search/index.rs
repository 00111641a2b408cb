//! The index's files, made from every indexed document's [`Record`] in plan order (a
//! document's number is its place there):
//!
//! - `index.json`: `{"docs": N, "chunk": 64, "text_chunk": 8, "block_weight": 100,
//!   "stemmer": "english", "shards": ["ab", …]}`, what the search box reads first;
//! - `terms/<shard>.json`: `{"terms": {"stem": [doc, weight, doc, weight, …]}, "forms":
//!   {"stem": ["word", …]}}`. A term is a stem (the site's language's Snowball stemmer,
//!   [`stem`](super::stem); the word itself without one), its documents in increasing
//!   order, each written as the difference from the one before, with a weight of
//!   `score + block_weight × block`: the block of its text where one of the stem's words
//!   is first. `forms` lists the words each stem was made from (when not the stem
//!   itself), so that what a reader is still typing matches by its beginning. A stem is
//!   in the shard of its first two characters ([`text::shard`]) and in that of each of
//!   its words;
//! - `docs/<n>.json`: url, title, date and tags of the documents `64n` to `64n + 63`;
//! - `text/<n>.json` and `text/<n>-<b>.json`: the blocks 0 and `b` (4 KB each, cut at a
//!   space) of the texts of documents `8n` to `8n + 7`, fetched only for the block that
//!   holds a shown result's match: small, yet not a file per document, which cost a build
//!   more to write than the whole index to make.
//!
//! Every file's bytes depend only on the records, so the same sources give the same files.

use super::stem::{self, Stems};
use super::text::{self, MAX_TERM};
use crate::output::OutputFile;
use foldhash::HashMap;
use rust_stemmers::Algorithm;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write;
use std::sync::Arc;

/// Documents per `docs/<n>.json` file.
pub const CHUNK: usize = 64;
/// Documents per `text/<n>.json` file.
pub const TEXT_CHUNK: usize = 8;
/// A document's text is kept in blocks of about this many bytes (cut at a space), so
/// that an excerpt around a word anywhere in a long post costs a reader one block.
pub const BLOCK: usize = 4096;
/// A posting's weight is its score (at most 99) plus this many times the block of its
/// first match: most are in block 0, and a weight of a later block is 3 digits.
const BLOCK_WEIGHT: u32 = 100;
const MAX_SCORE: u32 = BLOCK_WEIGHT - 1;

/// Score of a term for each time it is in a document's body, up to [`BODY_CAP`].
const BODY: u32 = 1;
const BODY_CAP: u32 = 10;

/// Score of a term in the title, a heading or a tag (once each).
const TITLE: u32 = 30;
const HEADING: u32 = 8;
const TAG: u32 = 12;

/// One document as the index sees it: what a result shows, and its terms with scores.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    pub url: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The body's text without its code blocks, white space made single spaces.
    #[serde(skip)]
    pub text: String,
    /// Where each block of `text` starts and ends, in bytes.
    #[serde(skip)]
    blocks: Vec<(u32, u32)>,
    /// Each term once, sorted, each followed by a newline: one allocation rather than
    /// hundreds (10,000 posts' records are held until the index is written).
    #[serde(skip)]
    terms: String,
    /// The score of each term and the block it is first in, in the same order.
    #[serde(skip)]
    scores: Vec<Score>,
}

/// How much a term weighs in a document, and the block of the text it is first in
/// (0 for a word found only in the title, headings or tags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score {
    pub score: u32,
    pub block: u32,
}

/// What [`Record::new`] reads of a document.
pub struct Fields<'a> {
    pub url: String,
    pub title: &'a str,
    pub date: Option<String>,
    pub tags: &'a [String],
    pub headings: Vec<&'a str>,
    pub body_html: &'a str,
}

impl Record {
    pub fn new<'a>(fields: Fields<'a>) -> Record {
        // Code blocks' words are indexed, but only the prose is kept for excerpts (code
        // was a sixth of the text of a generated corpus): a word first found in code
        // points at the block where that code was, unless the prose has it too.
        let body = text::html_to_text(fields.body_html);
        let prose = body.prose();
        let blocks = blocks(&prose.text);
        let block_of = |at: usize| {
            let at = prose.offset(at);
            blocks.partition_point(|&(_, end)| end as usize <= at) as u32
        };
        // Body words first, counted with a cap, so that a long post does not outweigh a
        // title by repetition; then the title, headings and tags, once each.
        // About one new term in ten words of five letters. With each score, whether its
        // block is one of prose.
        let mut scores: HashMap<Cow<str>, (Score, bool)> =
            HashMap::with_capacity_and_hasher(body.text.len() / 64, Default::default());
        let mut cursor = 0;
        text::terms(&body.text, |term, at| {
            let in_prose = !body.in_code(at, &mut cursor);
            let (score, placed) = scores.entry(term).or_insert_with(|| {
                let block = block_of(at);
                (Score { score: 0, block }, in_prose)
            });
            score.score += BODY;
            if in_prose && !*placed {
                score.block = block_of(at);
                *placed = true;
            }
        });
        scores
            .values_mut()
            .for_each(|(s, _)| s.score = s.score.min(BODY_CAP));
        let mut once = |source: &'a str, weight: u32| {
            let mut seen: Vec<Cow<str>> = Vec::new();
            text::terms(source, |term, _| {
                if !seen.contains(&term) {
                    seen.push(term.clone());
                    scores.entry(term).or_default().0.score += weight;
                }
            });
        };
        once(fields.title, TITLE);
        for heading in &fields.headings {
            once(heading, HEADING);
        }
        for tag in fields.tags {
            once(tag, TAG);
        }
        let mut sorted: Vec<(Cow<str>, Score)> =
            scores.into_iter().map(|(t, (s, _))| (t, s)).collect();
        sorted.sort_unstable();
        let mut terms = String::with_capacity(sorted.iter().map(|(t, _)| t.len() + 1).sum());
        for (term, _) in &sorted {
            terms.push_str(term);
            terms.push('\n');
        }
        let scores = sorted.into_iter().map(|(_, score)| score).collect();
        Record {
            url: fields.url,
            title: fields.title.to_owned(),
            date: fields.date,
            tags: fields.tags.to_vec(),
            text: prose.text,
            blocks,
            terms,
            scores,
        }
    }

    /// Each term with its score, in term order.
    pub fn terms(&self) -> impl Iterator<Item = (&str, Score)> {
        self.terms.lines().zip(self.scores.iter().copied())
    }

    /// Block `n` of the text, if it has one.
    pub fn block(&self, n: usize) -> Option<&str> {
        let &(start, end) = self.blocks.get(n)?;
        Some(&self.text[start as usize..end as usize])
    }
}

/// Where `text` is cut into blocks of at most [`BLOCK`] bytes: at the last space within
/// the limit (not kept), or inside a word that has none. An empty text has one empty block.
fn blocks(text: &str) -> Vec<(u32, u32)> {
    let mut blocks = Vec::with_capacity(text.len() / BLOCK + 1);
    let mut start = 0;
    while text.len() - start > BLOCK {
        let mut end = start + BLOCK;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        match text[start..end].rfind(' ') {
            Some(space) if space > 0 => {
                blocks.push((start as u32, (start + space) as u32));
                start += space + 1;
            }
            _ => {
                blocks.push((start as u32, end as u32));
                start = end;
            }
        }
    }
    blocks.push((start as u32, text.len() as u32));
    blocks
}

/// One document's entry in a term's postings.
#[derive(Clone, Copy)]
struct Posting {
    doc: u32,
    score: Score,
}

/// A stem, the words it was made from (other than itself) and its postings.
struct Entry<'r> {
    stem: Cow<'r, str>,
    forms: Vec<&'r str>,
    postings: Vec<Posting>,
}

/// The index's files under `folder`, with each term stemmed by `stemmer`.
pub fn files(folder: &str, records: &[Arc<Record>], stemmer: Option<Algorithm>) -> Vec<OutputFile> {
    let entries = entries(records, &Stems::new(stemmer));
    // Each entry in its stem's shard and in those of its words (which seldom differ).
    let mut placed: Vec<(String, usize)> = Vec::with_capacity(entries.len());
    for (n, entry) in entries.iter().enumerate() {
        let mut shards = vec![text::shard(&entry.stem)];
        for form in &entry.forms {
            let shard = text::shard(form);
            if !shards.contains(&shard) {
                shards.push(shard);
            }
        }
        placed.extend(shards.into_iter().map(|shard| (shard, n)));
    }
    placed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| entries[a.1].stem.cmp(&entries[b.1].stem))
    });

    let mut out = Vec::new();
    let mut shards = Vec::new();
    let mut start = 0;
    while start < placed.len() {
        let shard = &placed[start].0;
        let end = start + placed[start..].partition_point(|(s, _)| s == shard);
        let here = &placed[start..end];
        let mut json = String::from("{\"terms\":{");
        for (i, &(_, n)) in here.iter().enumerate() {
            let entry = &entries[n];
            if i > 0 {
                json.push(',');
            }
            json.push_str(&json_text(&*entry.stem));
            json.push_str(":[");
            let mut last = 0;
            for (i, p) in entry.postings.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                let weight = p.score.score.min(MAX_SCORE) + BLOCK_WEIGHT * p.score.block;
                let _ = write!(json, "{},{weight}", p.doc - last);
                last = p.doc;
            }
            json.push(']');
        }
        json.push_str("},\"forms\":{");
        let mut first = true;
        for &(_, n) in here {
            let entry = &entries[n];
            if entry.forms.is_empty() {
                continue;
            }
            if !std::mem::take(&mut first) {
                json.push(',');
            }
            json.push_str(&json_text(&*entry.stem));
            json.push(':');
            json.push_str(&json_text(&entry.forms));
        }
        json.push_str("}}");
        out.push(OutputFile::new(
            format!("{folder}/terms/{shard}.json"),
            json,
        ));
        shards.push(shard.clone());
        start = end;
    }

    for (n, chunk) in records.chunks(CHUNK).enumerate() {
        let docs: Vec<&Record> = chunk.iter().map(|r| &**r).collect();
        let json = json_text(&docs);
        out.push(OutputFile::new(format!("{folder}/docs/{n}.json"), json));
    }
    for (n, chunk) in records.chunks(TEXT_CHUNK).enumerate() {
        let blocks = chunk.iter().map(|r| r.blocks.len()).max().unwrap_or(0);
        for b in 0..blocks {
            let texts: Vec<&str> = chunk.iter().map(|r| r.block(b).unwrap_or("")).collect();
            let name = match b {
                0 => format!("{folder}/text/{n}.json"),
                b => format!("{folder}/text/{n}-{b}.json"),
            };
            out.push(OutputFile::new(name, json_text(&texts)));
        }
    }
    let head = serde_json::json!({
        "docs": records.len(),
        "chunk": CHUNK,
        "text_chunk": TEXT_CHUNK,
        "block_weight": BLOCK_WEIGHT,
        "stemmer": stemmer.map(stem::name),
        "shards": shards,
    });
    out.push(OutputFile::new(
        format!("{folder}/index.json"),
        head.to_string(),
    ));
    out
}

/// Every stem of the records' terms with its postings, in no particular order: the
/// words are gathered first and each distinct word stemmed once.
fn entries<'r>(records: &'r [Arc<Record>], stems: &Stems) -> Vec<Entry<'r>> {
    let mut postings: HashMap<&str, Vec<Posting>> = HashMap::default();
    for (doc, record) in records.iter().enumerate() {
        for (term, score) in record.terms() {
            let doc = doc as u32;
            postings
                .entry(term)
                .or_default()
                .push(Posting { doc, score });
        }
    }
    debug_assert!(postings.keys().all(|t| t.chars().count() <= MAX_TERM));
    let mut by_stem: HashMap<Cow<str>, Vec<(&str, Vec<Posting>)>> = HashMap::default();
    for (term, list) in postings {
        by_stem
            .entry(stems.of(term))
            .or_default()
            .push((term, list));
    }
    by_stem
        .into_iter()
        .map(|(stem, mut words)| {
            let postings = if words.len() == 1 {
                std::mem::take(&mut words[0].1)
            } else {
                merge(words.iter_mut().flat_map(|(_, list)| std::mem::take(list)))
            };
            let mut forms: Vec<&str> = words
                .iter()
                .map(|(word, _)| *word)
                .filter(|word| *word != stem)
                .collect();
            forms.sort_unstable();
            Entry {
                stem,
                forms,
                postings,
            }
        })
        .collect()
}

/// The postings of several words as one stem's: by document, a document's scores added
/// and its earliest block kept.
fn merge(postings: impl Iterator<Item = Posting>) -> Vec<Posting> {
    let mut all: Vec<Posting> = postings.collect();
    all.sort_by_key(|p| p.doc);
    let mut merged: Vec<Posting> = Vec::with_capacity(all.len());
    for p in all {
        match merged.last_mut() {
            Some(last) if last.doc == p.doc => {
                last.score.score += p.score.score;
                last.score.block = last.score.block.min(p.score.block);
            }
            _ => merged.push(p),
        }
    }
    merged
}

/// JSON with every `<` written `\u003c`: the index holds writers' text as it is (a title
/// may show markup), and a browser that sniffs a file as HTML must find none in it.
fn json_text(value: &(impl Serialize + ?Sized)) -> String {
    serde_json::to_string(value)
        .expect("strings and records serialize")
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, title: &str, body: &str) -> Arc<Record> {
        Arc::new(Record::new(Fields {
            url: url.to_owned(),
            title,
            date: None,
            tags: &["Sea".to_owned()],
            headings: vec!["The lamp"],
            body_html: body,
        }))
    }

    fn file(files: &[OutputFile], path: &str) -> String {
        let file = files.iter().find(|f| f.path == path).expect(path);
        match &file.body {
            crate::output::Body::Bytes(b) => String::from_utf8(b.to_vec()).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn terms_are_scored_by_where_they_are() {
        let r = record("/a/", "Lamp", "<p>lamp lamp sea wind</p>");
        let score = |t: &str| r.terms().find(|(x, _)| *x == t).map(|(_, s)| s.score);
        assert_eq!(score("lamp"), Some(TITLE + HEADING + 2 * BODY));
        assert_eq!(score("sea"), Some(TAG + BODY));
        assert_eq!(score("wind"), Some(BODY));
        assert_eq!(score("the"), Some(HEADING));
        assert_eq!(r.text, "lamp lamp sea wind");
    }

    #[test]
    fn long_texts_are_kept_whole_in_blocks() {
        let body = format!("<p>{} zebra</p><p>quagga</p>", "café ".repeat(BLOCK));
        let r = record("/a/", "Long", &body);
        let first = r.block(0).unwrap();
        assert!(
            first.len() <= BLOCK && first.ends_with("café"),
            "{}",
            first.len()
        );
        let last = r.blocks.len() - 1;
        assert!(last >= 1);
        assert!(r.block(last).unwrap().ends_with("café zebra quagga"));
        let block = |t: &str| r.terms().find(|(x, _)| *x == t).map(|(_, s)| s.block);
        assert_eq!(block("zebra"), Some(last as u32));
        assert_eq!(block("café"), Some(0));
        // Blocks together are the whole text.
        let joined: Vec<&str> = (0..=last).map(|b| r.block(b).unwrap()).collect();
        assert_eq!(joined.join(" "), r.text);
        // A word longer than a block is cut where the block ends.
        let word = "x".repeat(BLOCK + 10);
        assert_eq!(
            blocks(&word),
            [(0, BLOCK as u32), (BLOCK as u32, BLOCK as u32 + 10)]
        );
        assert_eq!(blocks(""), [(0, 0)]);
    }

    #[test]
    fn postings_are_stemmed_sharded_and_delta_coded() {
        let records = [
            record("/a/", "One", "<p>wind</p>"),
            record("/b/", "Two", "<p>calm</p>"),
            record("/c/", "Three", "<p>winds window wind</p>"),
        ];
        let files = files("idx", &records, Some(Algorithm::English));
        // "wind" and "winds" are one stem; document 2 adds their scores.
        assert_eq!(
            file(&files, "idx/terms/wi.json"),
            r#"{"terms":{"wind":[0,1,2,2],"window":[2,1]},"forms":{"wind":["winds"]}}"#
        );
        assert_eq!(
            file(&files, "idx/docs/0.json"),
            r#"[{"url":"/a/","title":"One","tags":["Sea"]},{"url":"/b/","title":"Two","tags":["Sea"]},{"url":"/c/","title":"Three","tags":["Sea"]}]"#
        );
        assert_eq!(
            file(&files, "idx/text/0.json"),
            r#"["wind","calm","winds window wind"]"#
        );
        let head: serde_json::Value =
            serde_json::from_str(&file(&files, "idx/index.json")).unwrap();
        assert_eq!(head["docs"], 3);
        assert_eq!(head["stemmer"], "english");
        assert!(head["shards"].as_array().unwrap().contains(&"wi".into()));
        // Same records, same bytes.
        let again = super::files("idx", &records, Some(Algorithm::English));
        let bytes = |f: &[OutputFile]| -> Vec<String> {
            f.iter()
                .map(|f| format!("{} {:?}", f.path, f.body))
                .collect()
        };
        assert_eq!(bytes(&files), bytes(&again));
        // Without a stemmer every word is its own term.
        let plain = super::files("idx", &records, None);
        assert_eq!(
            file(&plain, "idx/terms/wi.json"),
            r#"{"terms":{"wind":[0,1,2,1],"window":[2,1],"winds":[2,1]},"forms":{}}"#
        );
    }

    #[test]
    fn a_stem_is_in_the_shard_of_each_of_its_words() {
        // Snowball makes "dying" "die": a reader typing "dyi" fetches shard "dy".
        let records = [
            record("/a/", "One", "<p>dying</p>"),
            record("/b/", "Two", "<p>die</p>"),
        ];
        let files = files("idx", &records, Some(Algorithm::English));
        let entry = r#"{"terms":{"die":[0,1,1,1]},"forms":{"die":["dying"]}}"#;
        assert_eq!(file(&files, "idx/terms/di.json"), entry);
        assert_eq!(file(&files, "idx/terms/dy.json"), entry);
    }

    #[test]
    fn a_match_in_a_later_block_says_which() {
        let body = format!("<p>{}</p><p>zebra</p>", "word ".repeat(BLOCK));
        let records = [record("/a/", "One", &body)];
        let files = files("idx", &records, None);
        let last = records[0].blocks.len() - 1;
        assert_eq!(
            file(&files, "idx/terms/ze.json"),
            format!(
                r#"{{"terms":{{"zebra":[0,{}]}},"forms":{{}}}}"#,
                1 + BLOCK_WEIGHT * last as u32
            )
        );
        let text: Vec<String> =
            serde_json::from_str(&file(&files, &format!("idx/text/0-{last}.json"))).unwrap();
        assert!(text[0].ends_with("word zebra"), "{text:?}");
    }

    #[test]
    fn code_is_indexed_but_excerpts_are_of_prose() {
        let code = format!(
            "<pre><code>{}</code></pre>",
            "let cell = 1; ".repeat(BLOCK / 8)
        );
        let filler = "word ".repeat(BLOCK / 4);
        let body = format!("<p>opening</p>{code}<p>{filler}</p><p>cell again</p>");
        let r = record("/a/", "Code", &body);
        assert!(r.text.starts_with("opening word word"), "{}", &r.text[..40]);
        assert!(r.text.ends_with("word cell again"));
        assert!(!r.text.contains("let"));
        assert_eq!(r.blocks.len(), 2);
        let found = |t: &str| r.terms().find(|(x, _)| *x == t).map(|(_, s)| s);
        // "let" is only in the code: indexed, its excerpt where the code was.
        assert_eq!(
            found("let"),
            Some(Score {
                score: BODY_CAP,
                block: 0
            })
        );
        // "cell" is first in the code, then in the prose: its excerpt is of the prose.
        assert_eq!(found("cell").map(|s| s.block), Some(1));
    }
}
